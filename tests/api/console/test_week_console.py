"""The week shift grid, the week plan and the course page in a real browser against the real API and a worker."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.api.browser import DESKTOP, log_in, needs_chromium, open_page
from tests.api.conftest import DAY, PASSWORD, ahead_of_today

pytestmark = needs_chromium()

WEEK = {d: {"start": "08:00", "end": "16:00"} for d in ("mon", "tue", "wed", "thu", "fri")}


@pytest.fixture
def page(browser, request):
    with open_page(browser, request, DESKTOP, locale="en-GB") as page:
        yield page


def _course(region, patient_id: int, **extra) -> dict:
    body = {
        "patient_id": patient_id,
        "service": "ketamine",
        "sessions": 3,
        "min_gap_days": 2,
        "max_gap_days": 3,
        "window": {"start": "09:00", "end": "15:00"},
        "start_on": str(DAY),
    } | extra
    answer = region.dispatcher.post("/v1/courses", json=body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_the_week_shift_grid_is_reached_from_the_day_console_and_edited_from_the_keyboard(page, base_url, region):
    ivy = region.nurse("Ivy Park", shift=None)
    region.nurse("Jo Reyes", shift=None)
    assert region.dispatcher.put(f"/v1/nurses/{ivy['id']}/contract", json={"template": WEEK}).status_code == 200
    page.goto(f"{base_url}/console/#region={region.id}&date={DAY}")
    log_in(page, region.dispatcher_name, PASSWORD)
    page.get_by_role("link", name="Week").click()
    grid = page.locator("table.shift-grid")
    expect(grid.locator("tbody tr")).to_have_count(2)
    ivy_row = grid.locator(f'tr[data-nurse="{ivy["id"]}"]')
    expect(ivy_row.locator("th")).to_have_text("Ivy Park")
    expect(ivy_row.locator(f'td[data-date="{DAY}"]')).to_have_text("08:00–16:00")
    expect(ivy_row.locator(f'td[data-date="{DAY + timedelta(days=4)}"]')).to_have_text("off")  # Saturday
    # Wednesday 10:00–14:00, by keyboard: the cell's button, then the editor
    wednesday = DAY + timedelta(days=1)
    ivy_row.locator(f'td[data-date="{wednesday}"] button').focus()
    page.keyboard.press("Enter")
    expect(page.locator("#cell-start")).to_be_focused()
    page.locator("#cell-start").fill("10:00")
    page.locator("#cell-end").fill("14:00")
    page.locator("#cell-end").press("Enter")
    expect(ivy_row.locator(f'td[data-date="{wednesday}"]')).to_have_text("10:00–14:00 (changed)")
    # Thursday off
    thursday = DAY + timedelta(days=2)
    ivy_row.locator(f'td[data-date="{thursday}"] button').click()
    page.get_by_role("button", name="Time off").click()
    expect(ivy_row.locator(f'td[data-date="{thursday}"]')).to_have_text("time off")
    cells = region.dispatcher.get(f"/v1/regions/{region.id}/shift-grid", params={"from": str(DAY), "days": 7}).json()
    (row,) = [n for n in cells["nurses"] if n["nurse_id"] == ivy["id"]]
    assert [(c["source"], c["start"]) for c in row["cells"][:3]] == [
        ("template", "08:00:00"),
        ("exception", "10:00:00"),
        ("time_off", None),
    ]


def test_the_week_plan_is_started_followed_shown_by_nurse_and_day_and_published(page, base_url, region):
    faye = region.nurse("Faye Lund", shift=None)
    assert region.dispatcher.put(f"/v1/nurses/{faye['id']}/contract", json={"template": WEEK}).status_code == 200
    course = _course(region, region.patient("Gil Moreno")["id"])
    _course(region, region.patient("Hana Ito", cleared=False)["id"])
    page.goto(f"{base_url}/console/week.html#region={region.id}&from={DAY}")
    log_in(page, region.dispatcher_name, PASSWORD)
    page.locator("#plan-limit").select_option("10")
    page.get_by_role("button", name="Plan the week").click()
    expect(page.locator("#plan-state")).to_have_text(re.compile(r"Queued|Running"))
    expect(page.locator("#plan-state")).to_have_text(re.compile(r"\(draft\)"), timeout=90_000)
    expect(page.locator("#plan-progress")).to_have_text(re.compile(r"^Plan \d+ \(draft\), 2026-12-01 for 7 days$"))
    plan_grid = page.locator("table.plan-grid")
    row = plan_grid.locator(f'tr[data-nurse="{faye["id"]}"]')
    expect(row.locator("th")).to_have_text("Faye Lund")
    expect(row.locator(".stop")).to_have_count(3)
    expect(row.locator(".stop").first).to_contain_text(re.compile(r"\d\d:\d\d Gil Moreno · session 1"))
    left_out = page.locator("#plan-unassigned li")
    expect(left_out).to_have_count(3)
    expect(left_out.first).to_contain_text("Hana Ito (session 1): not cleared for ketamine")
    page.get_by_role("button", name="Publish the plan").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"Published: 7 days"))
    expect(page.get_by_role("button", name="Publish the plan")).to_be_disabled()
    sessions = region.dispatcher.get(f"/v1/courses/{course['id']}").json()["session_list"]
    assert all(s["state"] == "planned" and s["published"] for s in sessions), sessions


def _planned_in_the_console(page, base_url, region) -> str:
    """The week page's plan from DAY, started from the page and followed to its draft: its state line."""
    page.goto(f"{base_url}/console/week.html#region={region.id}&from={DAY}")
    log_in(page, region.dispatcher_name, PASSWORD)
    page.locator("#plan-limit").select_option("10")
    page.get_by_role("button", name="Plan the week").click()
    expect(page.locator("#plan-state")).to_have_text(re.compile(r"\(draft\)"), timeout=90_000)
    return page.locator("#plan-state").inner_text()


def test_the_week_plan_is_re_planned_from_a_day_with_a_nurse_off_sick_and_a_session_cancelled(page, base_url, region):
    faye = region.nurse("Faye Lund", shift=None)
    gus = region.nurse("Gus Hale", shift=None)
    for nurse in (faye, gus):
        assert region.dispatcher.put(f"/v1/nurses/{nurse['id']}/contract", json={"template": WEEK}).status_code == 200
    course = _course(region, region.patient("Gil Moreno")["id"], nurse_id=faye["id"])
    first = _planned_in_the_console(page, base_url, region)
    # Wednesday on: Faye is off sick that day and Gil calls off his second session
    wednesday = DAY + timedelta(days=1)
    form = page.locator("#replan-form")
    expect(form).to_be_visible()
    page.get_by_label("Re-plan from").select_option(str(wednesday))
    page.get_by_label("Nurse off sick").select_option(label="Faye Lund")
    page.get_by_label("through").select_option(str(wednesday))
    second = page.locator("#replan-cancelled option", has_text="Gil Moreno · session 2")
    page.get_by_label("Visits cancelled").select_option(second.get_attribute("value"))
    page.get_by_label("Reason").fill("Faye sick; Gil away")
    page.get_by_role("button", name="Re-plan from this day").click()
    expect(page.locator("#plan-state")).not_to_have_text(first)
    expect(page.locator("#plan-state")).to_have_text(re.compile(rf"^Plan \d+ \(draft\), {wednesday} for 6 days$"), timeout=90_000)
    faye_row = page.locator(f'table.plan-grid tr[data-nurse="{faye["id"]}"]')
    expect(faye_row.locator(f'td[data-date="{wednesday}"] .stop')).to_have_count(0)
    expect(page.locator("#plan-unassigned li", has_text="Gil Moreno (session 2)")).to_contain_text(": cancelled")
    replan_id = int(re.search(r"Plan (\d+)", page.locator("#plan-state").inner_text()).group(1))
    replan = region.dispatcher.get(f"/v1/plans/{replan_id}").json()
    assert (replan["kind"], replan["from"]) == ("replan", str(wednesday))
    sessions = {s["session"]: s for s in region.dispatcher.get(f"/v1/courses/{course['id']}").json()["session_list"]}
    assert sessions[2]["state"] == "cancelled"


def test_the_re_plan_form_says_what_is_missing_when_nothing_happened(page, base_url, region):
    faye = region.nurse("Faye Lund", shift=None)
    assert region.dispatcher.put(f"/v1/nurses/{faye['id']}/contract", json={"template": WEEK}).status_code == 200
    _course(region, region.patient("Gil Moreno")["id"])
    first = _planned_in_the_console(page, base_url, region)
    page.get_by_role("button", name="Re-plan from this day").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"nothing happened to re-plan for"))
    expect(page.locator("#plan-state")).to_have_text(first)  # no re-plan was asked for


def test_the_course_page_creates_a_course_from_a_patient_and_shows_sessions_planned_and_at_risk(page, base_url, region):
    kim = region.nurse("Kim Alder", shift=None)
    assert region.dispatcher.put(f"/v1/nurses/{kim['id']}/contract", json={"template": WEEK}).status_code == 200
    lou = region.patient("Lou Banks")
    start = ahead_of_today()
    page.goto(f"{base_url}/console/course.html#region={region.id}&patient={lou['id']}")
    log_in(page, region.dispatcher_name, PASSWORD)
    expect(page.locator("#c-patient")).to_have_value(str(lou["id"]))
    page.locator("#c-service").select_option("ketamine")
    page.get_by_label("Sessions", exact=True).fill("3")
    page.get_by_label("Own nurse").select_option(label="Kim Alder")
    page.get_by_label("Days between, at least").fill("2")
    page.get_by_label("at most", exact=True).fill("3")
    page.get_by_label("First session from").fill(str(start))
    page.get_by_role("button", name="Create the course").click()
    expect(page.locator("#message")).to_have_text("Course created for Lou Banks")
    expect(page.locator("#sessions tr")).to_have_count(3)
    expect(page.locator("#course-counts")).to_have_text("0 done, 0 planned, 3 to plan, 0 at risk")
    (course,) = region.dispatcher.get(f"/v1/regions/{region.id}/courses").json()
    assert (course["patient_id"], course["nurse_id"], course["sessions"]) == (lou["id"], kim["id"], 3)
    # a plan places its sessions, and the page says when and with whom
    body = {"from": str(start), "days": 7, "time_limit_s": 5}
    plan = region.dispatcher.post(f"/v1/regions/{region.id}/plans", json=body).json()
    deadline = 90
    while plan["state"] in ("queued", "running") and deadline > 0:
        page.wait_for_timeout(500)
        deadline -= 0.5
        plan = region.dispatcher.get(f"/v1/plans/{plan['id']}").json()
    assert plan["state"] == "succeeded", plan
    page.reload()
    expect(page.locator("#course-counts")).to_have_text(re.compile(r"0 done, 3 planned, 0 to plan"))
    first = page.locator('#sessions tr[data-session="1"]')
    expect(first).to_contain_text("planned (draft)")
    expect(first).to_contain_text("Kim Alder")
    expect(first.locator("td").nth(1)).to_have_text(re.compile(r"^(Tue|Wed) \d\d/\d\d$"))


def test_a_session_at_risk_shows_its_reason_on_the_course_page(page, base_url, region):
    region.nurse("Max Ode", certifications=("rn", "iv"), shift=None)  # no ketamine: nobody can give it
    start = ahead_of_today()
    course = _course(region, region.patient("Nia Cole")["id"], start_on=str(start))
    body = {"from": str(start), "days": 7, "time_limit_s": 4}
    plan = region.dispatcher.post(f"/v1/regions/{region.id}/plans", json=body).json()
    for _ in range(180):
        if plan["state"] not in ("queued", "running"):
            break
        page.wait_for_timeout(500)
        plan = region.dispatcher.get(f"/v1/plans/{plan['id']}").json()
    assert plan["state"] == "succeeded", plan
    page.goto(f"{base_url}/console/course.html#region={region.id}&course={course['id']}")
    log_in(page, region.dispatcher_name, PASSWORD)
    expect(page.locator("#course-title")).to_have_text("Nia Cole: ketamine, 3 sessions")
    risk = page.locator('#sessions tr[data-session="1"] td.at-risk')
    expect(risk).to_contain_text("cannot be planned between")
    expect(page.locator("#course-counts")).to_have_text(re.compile(r"3 at risk"))

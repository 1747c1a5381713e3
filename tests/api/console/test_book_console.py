"""The "Book a visit" page in a real browser against the real API: offers, hold, take, and the day that shows it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.api.browser import DESKTOP, log_in, needs_chromium, open_page
from tests.api.conftest import PASSWORD, region_today

pytestmark = needs_chromium()


@pytest.fixture
def page(browser, request):
    with open_page(browser, request, DESKTOP, locale="en-GB") as page:
        yield page


def test_a_dispatcher_finds_offers_holds_one_and_books_it_and_the_day_shows_the_visit(page, base_url, region, db):
    day = region_today(db) + timedelta(days=3)
    region.nurse("Kim Alder", shift=("08:00", "16:00"), day=day)
    region.patient("Ray Ode", lat=39.70)
    lou = region.patient("Lou Banks", lat=39.76, lon=-104.97)
    region.solved_roster(day)  # the day has a roster: the booking shows on it as booked after it
    page.goto(f"{base_url}/console/book.html#region={region.id}")
    log_in(page, region.dispatcher_name, PASSWORD)
    page.get_by_label("Find a patient").fill("lou")
    expect(page.locator("#b-patient option")).to_have_count(1)
    expect(page.locator("#b-patient")).to_have_value(str(lou["id"]))
    page.locator("#b-service").select_option("hydration")
    page.get_by_label("From", exact=True).fill(str(day))
    page.get_by_label("Days ahead").fill("2")
    page.get_by_label("Preferred from").fill("13:00")
    page.get_by_label("until", exact=True).fill("16:00")
    page.get_by_role("button", name="Find offers").click()
    first = page.locator("#offers tr").first
    expect(first).to_contain_text("Kim Alder")
    expect(first).to_contain_text("(preferred)")
    expect(page.locator("#ranking")).to_contain_text("preferred days and times first")
    expect(page.locator("#days-without")).to_contain_text("no nurse works that day")
    first.get_by_role("button", name="Hold").click()
    expect(first).to_contain_text(re.compile(r"held until \d\d:\d\d"))
    expect(page.locator("#message")).to_contain_text("Held for the patient until")
    first.get_by_role("button", name="Book").click()
    expect(page.locator("#booked-text")).to_contain_text("promised window")
    expect(first).to_contain_text("taken")
    (visit,) = region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(day)}).json()[-1:]
    assert visit["patient_id"] == lou["id"] and visit["promised"] and visit["window"]["start"] >= "12:00"
    page.locator("#booked-day").click()
    expect(page.locator("#unassigned")).to_contain_text("Lou Banks")
    expect(page.locator("#unassigned")).to_contain_text(f"{visit['window']['start'][:5]}–{visit['window']['end'][:5]}")
    page.goto(f"{base_url}/console/week.html#region={region.id}&from={day}")
    expect(page.locator(".shift-grid tfoot td").first).to_have_text("1 (1 promised)")


def test_the_day_and_week_pages_link_to_booking(page, base_url, region):
    page.goto(f"{base_url}/console/week.html#region={region.id}")
    log_in(page, region.dispatcher_name, PASSWORD)
    page.get_by_role("link", name="Book", exact=True).click()
    expect(page.get_by_role("heading", name="Book a visit")).to_be_visible()


def test_a_course_is_booked_from_one_offer_on_the_page(page, base_url, region, db):
    day = region_today(db) + timedelta(days=2)
    monday = day + timedelta(days=(7 - day.weekday()) % 7)
    ana = region.nurse("Ana Ruiz", shift=None)
    week = {"mon": {"start": "08:00", "end": "16:00"}, "thu": {"start": "08:00", "end": "16:00"}}
    assert region.dispatcher.put(f"/v1/nurses/{ana['id']}/contract", json={"template": week}).status_code == 200
    lou = region.patient("Lou Banks")
    body = {
        "patient_id": lou["id"],
        "service": "hydration",
        "sessions": 3,
        "min_gap_days": 3,
        "max_gap_days": 4,
        "weekdays": ["mon", "thu"],
        "window": {"start": "09:00", "end": "15:00"},
        "start_on": str(monday),
    }
    course = region.dispatcher.post("/v1/courses", json=body).json()
    page.goto(f"{base_url}/console/book.html#region={region.id}&patient={lou['id']}")
    log_in(page, region.dispatcher_name, PASSWORD)
    page.get_by_label("Course").select_option(str(course["id"]))
    page.get_by_label("From", exact=True).fill(str(monday))
    page.get_by_role("button", name="Find offers").click()
    first = page.locator("#offers tr").first
    expect(first).to_contain_text("3 sessions: Mon")
    first.get_by_role("button", name="Book").click()
    expect(page.locator("#booked-text")).to_contain_text("Course booked")
    expect(page.locator("#booked-text")).to_contain_text("with Ana Ruiz")
    dated = region.dispatcher.get(f"/v1/courses/{course['id']}").json()["session_list"]
    assert [s["date"] for s in dated] == [str(monday + timedelta(days=d)) for d in (0, 3, 7)]

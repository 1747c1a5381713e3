"""The nurse's day on her phone, in a real browser, and her reports as the dispatcher then sees them."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import httpx
import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from dispatch.records.users import add_user
from tests.api.browser import DESKTOP, PHONE, log_in, needs_chromium, open_page
from tests.api.conftest import PASSWORD, WHOLE_DAY, Region, region_today, unique


@pytest.fixture(scope="module")
def day(base_url, admin, db) -> dict:
    """Two nurses with two published visits each; Ana logs in with a browser, Bea through the API.

    On the region's today, on shifts of the whole day: what they report now is a report of that day."""
    region = Region(base_url, admin, db)
    today = region_today(db)
    ana = region.nurse("Ana Reyes", lat=39.74, lon=-104.99, shift=WHOLE_DAY, day=today)
    bea = region.nurse("Bea Ito", lat=39.70, lon=-104.90, shift=WHOLE_DAY, day=today)
    visits = {}
    for nurse, windows in ((ana, (("09:00", "10:30"), ("12:00", "13:30"))), (bea, (("09:00", "10:30"), ("12:00", "13:30")))):
        visits[nurse["id"]] = [
            region.visit(
                region.patient(f"{nurse['name']}'s patient {i}", lat=39.72 + 0.01 * i)["id"],
                window=window,
                pinned_nurse_id=nurse["id"],
                notes="bring the blue kit" if i == 0 else "",
                day=today,
            )
            for i, window in enumerate(windows)
        ]
    roster = region.solved_roster(today)
    assert region.publish(roster).status_code == 200
    username = unique("nurse")
    add_user(db, username, PASSWORD, "nurse", nurse_id=ana["id"])
    return {
        "region": region,
        "ana": ana,
        "bea": bea,
        "visits": visits,
        "username": username,
        "bea_client": region.nurse_account(bea["id"]),
        "date": today,
    }


@pytest.fixture
def phone(browser, request, base_url, day):
    with open_page(browser, request, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2) as page:
        page.goto(f"{base_url}/console/#date={day['date']}")  # the console sends a nurse on to her own day
        log_in(page, day["username"], PASSWORD)
        page.locator(".stop-card").first.wait_for()
        yield page


@needs_chromium()
def test_a_nurse_sees_her_own_stops_in_order_and_nobody_elses(phone, day):
    assert phone.url.split("#")[0].endswith("/console/nurse.html")
    cards = phone.locator(".stop-card")
    assert cards.count() == 2
    first = cards.nth(0)
    assert first.locator(".time").inner_text() == "1. 09:00–10:00"  # hydration: 60 minutes
    assert first.locator("h2").inner_text() == "Ana Reyes's patient 0"
    assert "bring the blue kit" in first.inner_text() and "1 Test St" in first.inner_text()
    assert first.get_by_role("link", name="Call").get_attribute("href") == "tel:+13035550100"
    assert first.get_by_role("link", name="Navigate").get_attribute("href").startswith("https://www.google.com/maps/dir/")
    assert "Bea Ito" not in phone.locator("body").inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@needs_chromium()
def test_running_late_then_done_reach_the_dispatcher(phone, day, browser, request, base_url):
    visit_id = day["visits"][day["ana"]["id"]][0]["id"]
    card = phone.locator(f'.stop-card[data-visit="{visit_id}"]')
    card.get_by_label("How late").select_option("20")
    card.get_by_role("button", name="Running late").click()
    expect(phone.locator("#undo-text")).to_contain_text("Running late recorded at")
    expect(card.locator(".status")).to_have_text("scheduled · you said 20 min late")

    roster_id = day["region"].dispatcher.get(f"/v1/regions/{day['region'].id}/rosters/{day['date']}").json()[-1]["id"]
    seen = _stop(day, roster_id, visit_id)
    assert seen["report"]["kind"] == "running_late" and seen["report"]["minutes_late"] == 20
    with open_page(browser, request, DESKTOP, screenshot_suffix="-dispatcher") as console:
        console.goto(f"{base_url}/console/#region={day['region'].id}&date={day['date']}")
        log_in(console, day["region"].dispatcher_name, PASSWORD)
        late = console.locator(f'.bar.service.late[data-visit="{visit_id}"]')
        expect(late).to_have_text("1 +20′")
        assert "running 20 min late" in late.get_attribute("aria-label")

    card.get_by_role("button", name="On my way").click()
    card.get_by_role("button", name="Arrived").click()
    card.get_by_role("button", name="Discharge now").click()
    done = phone.locator(f'#done-stops .stop-card[data-visit="{visit_id}"]')
    expect(done.locator(".status")).to_have_text("done")
    expect(phone.locator("#outbox")).to_be_hidden()
    seen = _stop(day, roster_id, visit_id)
    assert seen["status"] == "done" and seen["report"]["kind"] == "done"


def _stop(day: dict, roster_id: int, visit_id: int) -> dict:
    view = day["region"].dispatcher.get(f"/v1/rosters/{roster_id}/view").json()
    return next(s for n in view["nurses"] for s in n["stops"] if s["visit_id"] == visit_id)


@needs_chromium()
def test_her_calendar_link_subscribes_to_her_visits(phone, day, base_url):
    phone.get_by_role("button", name="Get my calendar link").click()
    link = phone.get_by_label("Or copy the link")
    expect(link).to_have_value(re.compile(re.escape(base_url) + r"/v1/calendar/[\w-]+\.ics$"))
    url = link.input_value()
    assert phone.get_by_role("link", name="Add to my calendar").get_attribute("href") == url.replace("http:", "webcal:", 1)
    events = Calendar.from_ical(httpx.get(url).content).walk("VEVENT")
    assert sorted(str(e["uid"]) for e in events) == sorted(
        f"visit-{v['id']}@nurse-dispatch" for v in day["visits"][day["ana"]["id"]]
    )


# ---------------------------------------------------------------- the report API itself (no browser)


def test_a_nurse_cannot_report_on_another_nurses_visit(day, base_url):
    bea_client = day["bea_client"]
    ana_visit = day["visits"][day["ana"]["id"]][1]["id"]
    answer = bea_client.post(f"/v1/me/visits/{ana_visit}/reports", json={"kind": "done"})
    assert answer.status_code == 404 and answer.headers["content-type"] == "application/problem+json"
    assert day["region"].dispatcher.get(f"/v1/visits/{ana_visit}").json()["status"] == "scheduled"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "running_late"}, "minutes_late"),
        ({"kind": "running_late", "minutes_late": 0}, "minutes_late"),
        ({"kind": "done", "minutes_late": 5}, "minutes_late"),
        ({"kind": "finished"}, "kind"),
        ({"kind": "done", "at": "2099-01-01T10:00:00+00:00"}, "at"),
        ({"kind": "done", "at": "2000-01-01T10:00:00+00:00"}, "at"),
        ({"kind": "done", "at": "2026-12-01T10:00:00"}, "at"),  # no offset: whose 10:00?
    ],
)
def test_a_bad_report_names_its_field_and_changes_nothing(day, body, field):
    bea_client = day["bea_client"]
    visit_id = day["visits"][day["bea"]["id"]][1]["id"]
    answer = bea_client.post(f"/v1/me/visits/{visit_id}/reports", json=body)
    assert answer.status_code == 422, answer.text
    assert field in answer.text
    assert day["region"].dispatcher.get(f"/v1/visits/{visit_id}").json()["status"] == "scheduled"


def test_a_report_follows_the_visits_status_machine(day):
    bea_client = day["bea_client"]
    visit_id = day["visits"][day["bea"]["id"]][0]["id"]
    steps = [
        ("en_route", 201, "en_route"),
        ("en_route", 409, "en_route"),
        ("started", 201, "in_progress"),
        ("running_late", 201, "in_progress"),
        ("done", 201, "done"),
        ("started", 409, "done"),
    ]
    for kind, status, visit_status in steps:
        body = {"kind": kind, "minutes_late": 10} if kind == "running_late" else {"kind": kind}
        answer = bea_client.post(f"/v1/me/visits/{visit_id}/reports", json=body)
        assert answer.status_code == status, (kind, answer.text)
        assert day["region"].dispatcher.get(f"/v1/visits/{visit_id}").json()["status"] == visit_status
    assert "it cannot be reported started" in answer.json()["detail"]


def test_a_report_sent_late_keeps_the_time_it_happened(day, db):
    """A phone that was offline sends "started" and "done" later, with the times they happened."""
    visit_id = day["visits"][day["bea"]["id"]][1]["id"]
    happened = db.execute("SELECT date_trunc('second', now() - interval '25 minutes') AS t").fetchone()["t"]
    for kind, at in (("started", happened), ("done", happened + timedelta(minutes=20))):
        answer = day["bea_client"].post(f"/v1/me/visits/{visit_id}/reports", json={"kind": kind, "at": at.isoformat()})
        assert answer.status_code == 201, answer.text
        assert datetime.fromisoformat(answer.json()["reported_at"]) == at
    stored = db.execute("SELECT kind, reported_at FROM visit_reports WHERE visit_id = %s ORDER BY id", [visit_id]).fetchall()
    assert [(r["kind"], r["reported_at"]) for r in stored] == [("started", happened), ("done", happened + timedelta(minutes=20))]

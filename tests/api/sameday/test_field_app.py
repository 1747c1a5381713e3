"""The nurse's phone as a field app, at a phone's size with touch: offline reports, a shift-long session,
a published change on her page, and the session record in a few taps."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from dispatch.platform.settings import Settings
from dispatch.records.users import add_user
from tests.api.browser import DESKTOP, PHONE, log_in, needs_chromium, open_page
from tests.api.conftest import PASSWORD, WHOLE_DAY, Region, region_today, running_api, unique

# An access token of the phone's server lasts 0.6 s (plus the 30 s leeway every token gets for clock skew):
# any tap after half a minute needs the refresh token. Her page asks about changes every second.
TOKEN_MINUTES = 0.01
ACCESS_TOKEN_LASTS_S = TOKEN_MINUTES * 60 + 30


@pytest.fixture(scope="module")
def field_url(service_home, database, base_url) -> Iterator[str]:
    """A second API server on the same database, with short access tokens and a quick poll, for the phone."""
    settings = Settings(
        home=service_home,
        geocoder="none",
        tiles_url="",
        embedded_worker=False,
        embedded_scheduler=False,
        token_minutes=TOKEN_MINUTES,
        nurse_poll_s=1,
        login_failures_per_address=1_000_000,
    )
    with running_api(settings) as url:
        yield url


def nurse_day(base_url, admin, db) -> dict:
    """A region whose nurse Ana has two published hydration visits (09:00 and 12:00 windows) on its today.

    Today there, on a shift of the whole day, so that what she reports now is a report of that day."""
    region = Region(base_url, admin, db)
    today = region_today(db)
    ana = region.nurse("Ana Reyes", shift=WHOLE_DAY, day=today)
    visits = [
        region.visit(
            region.patient(f"Jordan Lee {i}", lat=39.72 + 0.01 * i)["id"], window=w, pinned_nurse_id=ana["id"], day=today
        )
        for i, w in enumerate((("09:00", "10:30"), ("12:00", "13:30")))
    ]
    assert region.publish(region.solved_roster(today)).status_code == 200
    username = unique("nurse")
    add_user(db, username, PASSWORD, "nurse", nurse_id=ana["id"])
    return {"region": region, "ana": ana, "visits": visits, "username": username, "date": today}


@pytest.fixture
def day(base_url, admin, db) -> dict:
    return nurse_day(base_url, admin, db)


@pytest.fixture
def phone(browser, request, field_url, day):
    with open_page(browser, request, PHONE, is_mobile=True, has_touch=True, device_scale_factor=2) as page:
        page.goto(f"{field_url}/console/nurse.html#date={day['date']}")
        log_in(page, day["username"], PASSWORD)
        page.locator(".stop-card").first.wait_for()
        yield page


def reports(db, visit_id: int) -> list[dict]:
    return db.execute("SELECT * FROM visit_reports WHERE visit_id = %s ORDER BY id", [visit_id]).fetchall()


def card(phone, visit: dict):
    return phone.locator(f'#stops .stop-card[data-visit="{visit["id"]}"]')


@needs_chromium()
def test_a_report_made_offline_reaches_the_dispatcher_once_with_its_true_time(phone, day, db):
    first = day["visits"][0]
    phone.context.set_offline(True)
    tapped = datetime.now(UTC)
    card(phone, first).get_by_role("button", name="On my way").tap()
    expect(phone.locator("#outbox")).to_contain_text("1 report waiting to be sent")
    expect(card(phone, first).get_by_role("button", name="Arrived")).to_be_visible()  # the tap shows at once
    time.sleep(3)
    assert reports(db, first["id"]) == []

    # Back online, the first answer is lost on its way back: the phone sends again with the same key.
    lost = []

    def lose_the_answer(route):
        route.fetch()
        lost.append(route.request.post_data_json["key"])
        route.abort()

    answers: list[int] = []
    phone.on("response", lambda r: answers.append(r.status) if r.url.endswith("/reports") else None)
    phone.route("**/v1/me/visits/*/reports", lose_the_answer, times=1)
    phone.context.set_offline(False)
    expect(phone.locator("#outbox")).to_be_hidden(timeout=20_000)
    stored = reports(db, first["id"])
    assert len(lost) == 1 and len(stored) == 1, stored
    assert str(stored[0]["client_key"]) == lost[0]
    assert answers == [201], answers  # the second answer was the first's, not a refusal
    assert stored[0]["kind"] == "en_route"
    assert abs(stored[0]["reported_at"] - tapped) < timedelta(seconds=2)
    assert stored[0]["recorded_at"] - stored[0]["reported_at"] > timedelta(seconds=2.5)
    assert day["region"].dispatcher.get(f"/v1/visits/{first['id']}").json()["status"] == "en_route"


@needs_chromium()
def test_a_token_expiry_mid_shift_loses_nothing(phone, day, db, admin):
    first = day["visits"][0]
    card(phone, first).get_by_role("button", name="On my way").tap()
    expect(phone.locator("#outbox")).to_be_hidden()
    time.sleep(ACCESS_TOKEN_LASTS_S + 1)
    card(phone, first).get_by_role("button", name="Arrived").tap()
    expect(phone.locator("#outbox")).to_be_hidden()
    assert [r["kind"] for r in reports(db, first["id"])] == ["en_route", "arrived"]
    assert phone.locator("#login").count() == 0  # no password asked
    used = db.execute("SELECT count(*) AS n FROM refresh_tokens WHERE username = %s AND used_at IS NOT NULL", [day["username"]])
    assert used.fetchone()["n"] >= 1

    # Her session revoked by an admin: the next tap asks for her password, and is sent once she gives it.
    assert admin.post(f"/v1/users/{day['username']}/revoke-tokens").status_code == 200
    card(phone, first).get_by_role("button", name="Start infusion").tap()
    expect(phone.locator("#login")).to_be_visible()
    assert [r["kind"] for r in reports(db, first["id"])] == ["en_route", "arrived"]
    log_in(phone, day["username"], PASSWORD)
    expect(card(phone, first).locator("button.step")).to_have_text("Infusion ended")
    expect(phone.locator("#outbox")).to_be_hidden()
    deadline = time.monotonic() + 10
    while len(reports(db, first["id"])) < 3 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert [r["kind"] for r in reports(db, first["id"])] == ["en_route", "arrived", "started"]


@needs_chromium()
def test_a_published_change_shows_on_her_page_with_its_banner(phone, day):
    region, second = day["region"], day["visits"][1]
    expect(card(phone, second).locator(".time")).to_have_text("2. 12:00–13:00")
    draft = region.solved_roster(day["date"])
    moved = region.dispatcher.post(
        f"/v1/rosters/{draft['id']}/moves",
        json={"visit_id": second["id"], "nurse_id": None},
        headers={"If-Match": f'"{draft["revision"]}"'},
    )
    assert moved.status_code == 200, moved.text
    draft = region.dispatcher.get(f"/v1/rosters/{draft['id']}").json()
    published = region.publish(draft)
    assert published.status_code == 200, published.text
    expect(phone.locator("#banner")).to_contain_text("Your 12:00 Hydration drip was taken off your day", timeout=10_000)
    expect(card(phone, second)).to_have_count(0)


@needs_chromium()
def test_a_full_session_record_takes_at_most_12_taps(phone, day, db, browser, request, base_url):
    first = day["visits"][0]
    taps = 0

    def tap(locator, text: str | None = None) -> None:
        nonlocal taps
        box = None
        for _ in range(50):  # the page redraws after each answer: measure the button it shows now
            expect(locator).to_be_visible()
            if box := locator.bounding_box():
                break
        assert box and box["height"] >= 44 and box["width"] >= 44, box  # a finger's target
        locator.tap()
        taps += 1
        if text is not None:
            phone.keyboard.type(text)

    visit = card(phone, first)
    step = visit.locator("button.step")
    assert [visit.locator("button.step").count(), visit.get_by_role("button", name="Done").count()] == [1, 0]
    for label in ("On my way", "Arrived"):
        expect(step).to_have_text(label)
        tap(step)
    expect(visit.locator(".window")).to_have_text("Window 09:00–10:30")
    tap(visit.get_by_role("button", name="Escort present"))
    expect(step).to_have_text("Start infusion")
    tap(step)
    tap(visit.get_by_label("Blood pressure"), "118/76")
    tap(visit.get_by_label("Heart rate"), "72")
    tap(visit.get_by_label("SpO2"), "98")
    tap(visit.get_by_role("button", name="Save vitals"))
    expect(visit.locator(".last-vitals")).to_have_text("Last: BP 118/76 · HR 72 · SpO2 98 %")

    expect(phone.locator("#outbox")).to_be_hidden()
    with open_page(browser, request, DESKTOP, screenshot_suffix="-dispatcher") as console:
        console.goto(f"{base_url}/console/#region={day['region'].id}&date={day['date']}")
        log_in(console, day["region"].dispatcher_name, PASSWORD)
        bar = console.locator(f'.bar.service[data-visit="{first["id"]}"]')
        expect(bar).to_contain_text("infusion 0 of 60 min")

    for label in ("Infusion ended", "Observing", "Discharged"):
        expect(step).to_have_text(label)
        tap(step)
    expect(phone.locator(f'#done-stops .stop-card[data-visit="{first["id"]}"]')).to_have_count(1)
    expect(phone.locator("#outbox")).to_be_hidden()
    assert taps <= 12, taps
    record = reports(db, first["id"])
    assert [r["kind"] for r in record] == [
        "en_route",
        "arrived",
        "escort",
        "started",
        "vitals",
        "infusion_ended",
        "observation",
        "done",
    ]
    vitals = record[4]
    assert (vitals["systolic"], vitals["diastolic"], vitals["heart_rate"], vitals["spo2"]) == (118, 76, 72, 98)
    assert record[2]["escort_present"] is True
    assert all(a["reported_at"] <= b["reported_at"] for a, b in zip(record, record[1:], strict=False))
    assert day["region"].dispatcher.get(f"/v1/visits/{first['id']}").json()["status"] == "done"
    with open_page(browser, request, DESKTOP, screenshot_suffix="-durations") as console:
        console.goto(f"{base_url}/console/#region={day['region'].id}&date={day['date']}")
        log_in(console, day["region"].dispatcher_name, PASSWORD)
        console.get_by_role("button", name="Learned durations").click()
        expect(console.locator("#durations-table tr", has_text="Hydration drip")).to_contain_text("60 min")


@needs_chromium()
def test_undo_takes_back_her_last_tap(phone, day, db):
    first = day["visits"][0]
    card(phone, first).get_by_role("button", name="On my way").tap()
    expect(phone.locator("#outbox")).to_be_hidden()
    phone.get_by_role("button", name="Undo").tap()
    expect(card(phone, first).locator("button.step")).to_have_text("On my way")
    expect(phone.locator("#outbox")).to_be_hidden()
    assert [r["kind"] for r in reports(db, first["id"])] == ["en_route", "undo"]
    assert day["region"].dispatcher.get(f"/v1/visits/{first['id']}").json()["status"] == "scheduled"

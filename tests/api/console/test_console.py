"""The dispatcher's console in a real browser (Debian's Chromium) against the real API and database."""

from __future__ import annotations

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import expect

from dispatch.platform.settings import Settings
from harness.demo_region import load_demo_region
from tests.api.browser import DESKTOP, TABLET, contrast, log_in, needs_chromium, open_page, screenshot_name
from tests.api.conftest import DAY, PASSWORD, Region, login, running_api, unique

pytestmark = needs_chromium()


def published_demo_day(base_url: str, db, prefix: str, nurses: int, visits: int, seed: int, time_limit_s: float) -> dict:
    """A generated region whose day is solved and published through the API."""
    region_id = unique(prefix)
    accounts = load_demo_region(db, DAY, nurses=nurses, visits=visits, seed=seed, region_id=region_id, password=PASSWORD)
    dispatcher = login(base_url, accounts.dispatcher[0])
    job = dispatcher.post(f"/v1/regions/{region_id}/rosters/{DAY}/solve", json={"time_limit_s": time_limit_s}).json()
    while job["state"] in ("queued", "running"):
        job = dispatcher.get(f"/v1/jobs/{job['id']}").json()
    assert job["state"] == "succeeded", job
    roster = dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()
    assert dispatcher.post(f"/v1/rosters/{roster['id']}/publish", headers={"If-Match": f'"{roster["revision"]}"'}).is_success
    return {"region": region_id, "accounts": accounts, "dispatcher": dispatcher, "published": roster["id"]}


@pytest.fixture(scope="module")
def day(base_url, admin, db) -> dict:
    """8 nurses and 28 visits: room to move things."""
    return published_demo_day(base_url, db, "console", nurses=8, visits=28, seed=5, time_limit_s=3)


@pytest.fixture
def page(browser, request):
    with open_page(browser, request, DESKTOP) as page:
        yield page


def open_console(page, base_url: str, day: dict) -> None:
    page.goto(f"{base_url}/console/#region={day['region']}&date={DAY}")
    log_in(page, day["accounts"].dispatcher[0], PASSWORD)
    page.locator(".timeline .row[data-nurse]").first.wait_for()


def shown_roster(page, day: dict) -> dict:
    roster_id = page.locator("#roster").input_value()
    return day["dispatcher"].get(f"/v1/rosters/{roster_id}/view").json()


def test_the_dispatcher_sees_every_route_on_the_map_and_every_nurse_in_the_timeline(page, base_url, day):
    open_console(page, base_url, day)
    view = day["dispatcher"].get(f"/v1/rosters/{day['published']}/view").json()
    working = [n for n in view["nurses"] if n["stops"]]
    assert len(working) >= 6
    assert page.locator("path.route").count() == len(working)
    assert page.locator(".timeline .row[data-nurse]").count() == len(view["nurses"])
    for nurse in view["nurses"]:
        row = page.locator(f'.timeline .row[data-nurse="{nurse["nurse_id"]}"]')
        assert row.locator(".bar.service").count() == len(nurse["stops"])
        assert row.locator(".name").inner_text() == nurse["name"]
    assert page.locator(".marker.stop").count() == sum(len(n["stops"]) for n in view["nurses"])
    assert page.locator(".marker.home").count() == len(view["nurses"])
    kpis = view["kpis"]
    assert page.locator('[data-kpi="served"] .value').inner_text() == str(kpis["visits_served"])
    assert (
        page.locator('[data-kpi="unassigned"] .value').inner_text()
        == f"{kpis['unassigned']} ({kpis['unassigned_priority_weight']})"
    )
    assert page.locator('[data-kpi="travel"] .value').inner_text() == f"{kpis['travel_h']} h"
    assert page.locator(".unassigned-list li").count() == len(view["unassigned"])
    for unassigned in view["unassigned"]:
        assert unassigned["reason"] in page.locator("#unassigned").inner_text()
    assert "published" in page.locator(".roster-status").inner_text()


def test_the_dispatcher_solves_moves_pins_compares_and_publishes(page, base_url, day):
    open_console(page, base_url, day)

    # Solve, watching the job's progress as it runs.
    page.select_option("#time-limit", "5")
    page.get_by_role("button", name="Solve the day").click()
    seen: set[str] = set()
    while not page.locator("#message").inner_text().startswith(("New draft ready", "The solve failed")):
        seen.add(page.locator("#job").inner_text())
        page.wait_for_timeout(200)
    assert page.locator("#message").inner_text().startswith("New draft ready"), page.locator("#message").inner_text()
    assert any(re.search(r"\d+\.\d s of 5 s", text) for text in seen), seen
    assert "draft" in page.locator(".roster-status").inner_text()
    draft = shown_roster(page, day)
    assert draft["summary"]["status"] == "draft" and draft["summary"]["id"] != day["published"]

    # A move the server refuses is explained, and changes nothing.
    nurse = next(n for n in draft["nurses"] if n["stops"])
    stop = nurse["stops"][0]
    page.locator(f'.bar.service[data-visit="{stop["visit_id"]}"]').click()
    page.locator("#move-start").fill("03:00")
    page.get_by_role("button", name="Move", exact=True).click()
    page.locator("#message.error").wait_for()
    assert f"must start within {stop['window']['start']}–{stop['window']['end']}" in page.locator("#message").inner_text()
    assert shown_roster(page, day)["summary"]["revision"] == draft["summary"]["revision"]

    # Move a visit to another nurse: the first move the server accepts (each refusal is explained on the way).
    page.locator("#move-start").fill("")
    message, candidates = (
        "",
        [
            (n, s, o)
            for n in draft["nurses"]
            for s in n["stops"]
            for o in sorted(draft["nurses"], key=lambda o: len(o["stops"]))
            if o is not n
        ],
    )
    for _, stop, other in candidates[:60]:
        page.locator(f'.bar.service[data-visit="{stop["visit_id"]}"]').click()
        page.evaluate("document.querySelector('#message').textContent = ''")
        page.select_option("#move-nurse", str(other["nurse_id"]))
        page.get_by_role("button", name="Move", exact=True).click()
        expect(page.locator("#message")).not_to_have_text("")
        message = page.locator("#message").inner_text()
        if message.startswith("Moved"):
            break
        assert "cannot take" in message or "breaks a rule" in message, message
    assert message.startswith(f"Moved {stop['patient_name']}: {other['name']} at "), message
    moved = shown_roster(page, day)
    target = next(n for n in moved["nurses"] if n["nurse_id"] == other["nurse_id"])
    assert stop["visit_id"] in [s["visit_id"] for s in target["stops"]]
    row = page.locator(f'.timeline .row[data-nurse="{other["nurse_id"]}"]')
    assert row.locator(f'.bar.service[data-visit="{stop["visit_id"]}"]').count() == 1

    # Pin it to her: the visit itself now carries the pin, for every later solve.
    page.locator(f'.bar.service[data-visit="{stop["visit_id"]}"]').click()
    page.get_by_role("button", name=f"Pin to {other['name']}").click()
    page.get_by_text(f"Pinned to {other['name']}: every solve keeps it with her.").first.wait_for()
    assert day["dispatcher"].get(f"/v1/visits/{stop['visit_id']}").json()["pinned_nurse_id"] == int(other["nurse_id"])

    # Compare with the published roster: the move shows for both nurses.
    page.get_by_role("button", name="Compare").click()
    comparison = page.locator("#comparison")
    comparison.locator("h2").wait_for()
    assert stop["patient_name"] in comparison.locator(f'li[data-nurse="{other["nurse_id"]}"] .added').inner_text()

    # Publish: the draft becomes the day's roster.
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"^Published"))
    published = shown_roster(page, day)
    assert published["summary"]["status"] == "published"
    assert published["summary"]["id"] == draft["summary"]["id"]
    assert page.get_by_role("button", name="Publish").is_disabled()


def test_a_visit_can_be_chosen_with_the_keyboard_alone(page, base_url, day):
    open_console(page, base_url, day)
    for _ in range(400):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('service')"):
            break
    else:
        pytest.fail("no visit in the timeline could be reached with Tab")
    label = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    selected = page.locator("#selected")
    selected.wait_for()
    assert selected.locator("h2").inner_text() in label


def test_colours_are_readable(page, base_url, day):
    """Text on every visit bar and the page's own text reach WCAG AA contrast (4.5:1)."""
    open_console(page, base_url, day)
    pairs = page.evaluate("""() => [...document.querySelectorAll('.bar.service, .kpi .label, .reason, .topbar label')]
        .map(e => {
            const style = getComputedStyle(e);
            let under = e, background = style.backgroundColor;
            while (background === 'rgba(0, 0, 0, 0)' && under.parentElement) {
                under = under.parentElement;
                background = getComputedStyle(under).backgroundColor;
            }
            return [style.color, background === 'rgba(0, 0, 0, 0)' ? 'rgb(255, 255, 255)' : background];
        })""")
    assert len(pairs) > 20
    worst = min(pairs, key=lambda pair: contrast(*pair))
    assert contrast(*worst) >= 4.5, worst


def test_the_console_fits_a_tablet(browser, request, base_url, day):
    with open_page(browser, request, TABLET, is_mobile=True, has_touch=True) as page:
        open_console(page, base_url, day)
        assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
        map_box, timeline_box = page.locator("#map").bounding_box(), page.locator("#timeline").bounding_box()
        assert map_box["width"] > 700 and timeline_box["y"] > map_box["y"] + map_box["height"]
        assert page.locator("path.route").count() > 0


class _Tiles(BaseHTTPRequestHandler):
    """A stand-in tile server: a grey 1×1 PNG for every tile, and a count of what was asked."""

    PNG = bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c63f8cfc0f01f0005000201a5f1f6e80000000049454e44ae426082"
    )
    asked: list[str] = []

    def do_GET(self):  # noqa: N802
        _Tiles.asked.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(self.PNG)

    def log_message(self, *args):
        pass


def test_tiles_come_only_from_the_configured_server_and_nothing_else_leaves(browser, request, database, service_home, day):
    tiles = ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    threading.Thread(target=tiles.serve_forever, daemon=True).start()
    tiles_url = f"http://127.0.0.1:{tiles.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    settings = Settings(home=service_home, database_url=database, tiles_url=tiles_url, geocoder="none", embedded_scheduler=False)
    try:
        with running_api(settings) as url:
            with open_page(browser, request, DESKTOP) as page:
                hosts: set[str] = set()
                page.on("request", lambda r: hosts.add(urlsplit(r.url).netloc))
                open_console(page, url, day)
                page.wait_for_timeout(500)
                assert re.search(r"^/\d+/\d+/\d+\.png$", _Tiles.asked[0])
                assert hosts == {urlsplit(url).netloc, f"127.0.0.1:{tiles.server_address[1]}"}
                policy = httpx.get(f"{url}/console/").headers["content-security-policy"]
                assert f"img-src 'self' data: http://127.0.0.1:{tiles.server_address[1]}" in policy
    finally:
        tiles.shutdown()


# ---------------------------------------------------------------- same-day re-planning from the console


@pytest.fixture
def day_under_way(base_url, admin, db) -> dict:
    """A fresh published day (6 nurses, 20 visits) for a test that changes it."""
    return published_demo_day(base_url, db, "replan", nurses=6, visits=20, seed=7, time_limit_s=2)


def test_a_sick_call_from_the_console_re_plans_and_shows_what_changes(page, base_url, day_under_way, request):
    day = day_under_way
    open_console(page, base_url, day)
    view = shown_roster(page, day)
    sick = max(view["nurses"], key=lambda n: len(n["stops"]))
    page.locator(f'.bar.service[data-visit="{sick["stops"][0]["visit_id"]}"]').click()
    page.locator("#as-of").fill("07:15")
    page.get_by_role("button", name=f"{sick['name']} called in sick").click()
    page.get_by_role("button", name=f"Yes, {sick['name']} is off sick").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"^New draft ready"), timeout=60_000)
    changes = page.locator(f'#comparison li[data-nurse="{sick["nurse_id"]}"] .removed')
    for stop in sick["stops"]:
        expect(changes).to_contain_text(stop["patient_name"])
    draft = shown_roster(page, day)
    assert draft["summary"]["status"] == "draft" and draft["summary"]["reason"] == f"sick call: {sick['name']}"
    assert next(n for n in draft["nurses"] if n["nurse_id"] == sick["nurse_id"])["stops"] == []
    row = page.locator(f'.timeline .row[data-nurse="{sick["nurse_id"]}"]')
    expect(row.locator(".figures")).to_have_text("off sick from 07:15")
    assert row.locator(".bar.off").count() == 1
    page.screenshot(path=screenshot_name(request, "-draft"), full_page=True)  # the draft and its changes, for the README
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"^Published"))


def test_an_urgent_visit_is_placed_from_the_console(page, base_url, day_under_way, db):
    day = day_under_way
    dispatcher = day["dispatcher"]
    patient = dispatcher.post(
        f"/v1/regions/{day['region']}/patients",
        json={"name": "Urgent Caller", "location": {"lat": 39.74, "lon": -104.98}, "state": "CO"},
    ).json()
    clinician = login(base_url, f"clinician-{day['region']}")  # the demo region's prescriber
    cleared = clinician.post(
        f"/v1/patients/{patient['id']}/evaluations",
        json={"outcome": "cleared", "mode": "telehealth", "evaluated_on": "2026-11-20"},
    )
    assert cleared.status_code == 201, cleared.text
    visit = dispatcher.post(
        "/v1/visits",
        json={
            "patient_id": patient["id"],
            "date": str(DAY),
            "service": "hydration",
            "window": {"start": "11:00", "end": "15:00"},
            "priority": 10,
        },
    ).json()
    open_console(page, base_url, day)
    page.locator(f'.unassigned-list button[data-visit="{visit["id"]}"]').click()
    page.locator("#as-of").fill("10:40")
    page.get_by_role("button", name="Find a slot").click()
    first = page.locator('.slot-list li[data-rank="1"]')
    expect(first).to_contain_text(re.compile(r"\d\d:\d\d–\d\d:\d\d"))
    first.get_by_role("button", name="Take").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"^Draft v\d+: urgent visit for Urgent Caller: "))
    expect(page.locator("#comparison .added")).to_contain_text("Urgent Caller")
    draft = shown_roster(page, day)
    assert any(s["visit_id"] == visit["id"] for n in draft["nurses"] for s in n["stops"])
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"^Published"))


def test_a_patients_name_shows_as_text_everywhere_and_runs_nothing(page, base_url, admin, db):
    """A name or note that looks like HTML is shown as those characters: on the map, its tooltip, the lists."""
    trap = '<img src=x onerror="window.__pwned = 1">'
    region = Region(base_url, admin, db)
    region.nurse("Ana")
    served = region.patient(trap, notes=trap)
    region.visit(served["id"], window=("09:00", "11:00"))
    left_out = region.patient(f"{trap} late", lat=39.70, notes=trap)
    region.visit(left_out["id"], window=("20:00", "21:00"))  # after her shift: unassigned
    region.solved_roster()
    page.goto(f"{base_url}/console/#region={region.id}&date={DAY}")
    log_in(page, region.dispatcher_name, PASSWORD)
    page.locator(".timeline .row[data-nurse]").first.wait_for()

    page.locator("path.unassigned-point").hover()
    expect(page.locator(".leaflet-tooltip")).to_have_text(f"unassigned: {trap} late")
    assert trap in page.locator("#unassigned").inner_text()
    page.locator(".bar.service").first.click()
    expect(page.locator("#selected h2")).to_have_text(trap)
    assert page.locator(".bar.service").first.get_attribute("title").count(trap) == 1
    assert page.locator("img[src=x]").count() == 0
    assert page.evaluate("window.__pwned") is None


def test_a_held_infusion_says_why_the_patient_is_not_cleared(browser, request, base_url, region):
    """The evaluation visit done but not yet reviewed by a clinician: the infusion is held, and the console says so."""
    region.nurse("Ana")
    patient = region.patient("Harper", cleared=False)
    evaluation = region.visit(patient["id"], window=("08:30", "10:00"), service="evaluation")
    infusion = region.visit(patient["id"], window=("13:00", "15:00"), service="ketamine")
    assert region.publish(region.solved_roster()).status_code == 200
    for status in ("en_route", "in_progress", "done"):
        assert region.dispatcher.patch(f"/v1/visits/{evaluation['id']}", json={"status": status}).status_code == 200
    region.solved_roster()  # the newest draft, which the console opens
    with open_page(browser, request, DESKTOP) as page:
        page.goto(f"{base_url}/console/#region={region.id}&date={DAY}")
        log_in(page, region.dispatcher_name, PASSWORD)
        held = page.locator(".unassigned-list li").filter(has=page.locator(f'button[data-visit="{infusion["id"]}"]'))
        expect(held.locator(".reason")).to_have_text(
            f"not cleared for ketamine infusion (migraine): evaluation of {DAY} needs review by a clinician"
        )
        page.screenshot(path=screenshot_name(request), full_page=True)

"""The day screen where a busy dispatcher would trip: refresh, sick calls, progress, events, colours, finding,
paper and dragging, in a real browser (Debian's Chromium) against the real API and database."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.api.browser import DESKTOP, contrast, log_in, needs_chromium, open_page
from tests.api.conftest import DAY, PASSWORD, TIMEZONE, Region, region_today

pytestmark = needs_chromium()


@pytest.fixture
def page(browser, request):
    with open_page(browser, request, DESKTOP) as page:
        yield page


def two_nurse_day(region: Region, publish: bool = True) -> dict:
    """Ana and Bea (08:00–16:00) and six hydration visits (09:00–15:30) across town; Cy, who cannot give a drip
    (no IV certification), has no visits. Solved, and published unless told."""
    nurses = {
        "Ana": region.nurse("Ana", lat=39.74, lon=-104.99),
        "Bea": region.nurse("Bea", lat=39.70, lon=-104.90),
        "Cy": region.nurse("Cy", lat=39.76, lon=-104.95, certifications=("rn",)),
    }
    for i in range(6):
        region.visit(
            region.patient(f"Patient {i}", lat=39.70 + 0.01 * i, lon=-104.98 + 0.015 * (i % 3))["id"], window=("09:00", "15:30")
        )
    roster = region.solved_roster()
    if publish:
        answer = region.publish(roster)
        assert answer.status_code == 200, answer.text
        roster = answer.json()
    return {"nurses": nurses, "roster": roster}


def open_day(page, base_url: str, region: Region) -> None:
    page.goto(f"{base_url}/console/#region={region.id}&date={DAY}")
    log_in(page, region.dispatcher_name, PASSWORD)
    page.locator(".timeline .row[data-nurse]").first.wait_for()


def view_of(region: Region, roster_id: int) -> dict:
    return region.dispatcher.get(f"/v1/rosters/{roster_id}/view").json()


def stops(view: dict) -> list[tuple[dict, dict]]:
    return [(nurse, stop) for nurse in view["nurses"] for stop in nurse["stops"]]


def set_status(region: Region, visit_id: int, *statuses: str) -> None:
    for status in statuses:
        current = region.dispatcher.get(f"/v1/visits/{visit_id}").json()
        answer = region.dispatcher.patch(
            f"/v1/visits/{visit_id}", json={"status": status}, headers={"If-Match": f'"{current["version"]}"'}
        )
        assert answer.status_code == 200, answer.text


def refreshed(page, region: Region) -> None:
    """Let the 20-second refresh happen (the page's clock jumps) and wait until it has drawn."""
    with page.expect_response(lambda r: r.url.endswith("/view")):
        page.clock.fast_forward(21_000)
    page.wait_for_timeout(400)


# ---------------------------------------------------------------- 1. the refresh keeps what the dispatcher was doing


def test_the_refresh_keeps_the_message_the_zoom_and_the_selected_visit(page, base_url, region):
    day = two_nurse_day(region)
    view = view_of(region, day["roster"]["id"])
    (nurse, chosen), (_, other) = stops(view)[0], stops(view)[-1]
    page.clock.install()
    open_day(page, base_url, region)
    page.locator(f'.bar.service[data-visit="{chosen["visit_id"]}"]').click()
    page.get_by_role("button", name=f"Pin to {nurse['name']}").click()
    expect(page.locator("#message")).to_have_text(f"Pinned to {nurse['name']}: every solve keeps it with her.")
    page.locator(".leaflet-control-zoom-in").click()
    page.wait_for_timeout(600)
    marker = page.locator(f'.marker.stop[data-visit="{chosen["visit_id"]}"]')
    before = marker.bounding_box()

    page.locator(f'.bar.service[data-visit="{chosen["visit_id"]}"]').focus()
    set_status(region, other["visit_id"], "en_route")  # something for the refresh to bring
    refreshed(page, region)

    expect(page.locator(f'.bar.service[data-visit="{other["visit_id"]}"]')).to_have_class(re.compile("status-en_route"))
    expect(page.locator("#message")).to_have_text(f"Pinned to {nurse['name']}: every solve keeps it with her.")
    after = marker.bounding_box()
    assert abs(after["x"] - before["x"]) < 1 and abs(after["y"] - before["y"]) < 1, (before, after)
    expect(page.locator(f'.bar.service.selected[data-visit="{chosen["visit_id"]}"]')).to_have_count(1)
    expect(page.locator(f'.marker.selected[data-visit="{chosen["visit_id"]}"]')).to_have_count(1)
    expect(page.locator("#selected h2")).to_have_text(chosen["patient_name"])
    assert page.evaluate("document.activeElement.dataset.visit") == str(chosen["visit_id"])  # the keyboard's place too


# ---------------------------------------------------------------- 2. sick calls: at risk, and a nurse with no visits


def test_a_sick_call_not_yet_re_planned_shows_her_published_visits_at_risk(page, base_url, region):
    day = two_nurse_day(region)
    view = view_of(region, day["roster"]["id"])
    sick = max(view["nurses"], key=lambda n: len(n["stops"]))
    answer = region.dispatcher.post(
        f"/v1/nurses/{sick['nurse_id']}/sick-calls", json={"date": str(DAY), "at": "07:15", "replan": False}
    )
    assert answer.status_code == 201, answer.text
    open_day(page, base_url, region)
    row = page.locator(f'.timeline .row[data-nurse="{sick["nurse_id"]}"]')
    expect(row.locator(".figures")).to_have_text(f"off sick from 07:15 · {len(sick['stops'])} at risk")
    assert row.locator(".bar.service.at-risk").count() == len(sick["stops"])
    for stop in sick["stops"]:  # drawn above her time off, not hidden under it
        bar = row.locator(f'.bar.service[data-visit="{stop["visit_id"]}"]')
        box = bar.bounding_box()
        on_top = page.evaluate(
            "([x, y]) => document.elementFromPoint(x, y).closest('.bar')?.dataset.visit",
            [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
        )
        assert on_top == str(stop["visit_id"])
        assert "at risk" in bar.get_attribute("aria-label")
    assert page.locator(".marker.stop.at-risk").count() == len(sick["stops"])
    page.locator("#filter-status").select_option("at_risk")
    expect(page.locator("#filter-count")).to_have_text(re.compile(rf"^{len(sick['stops'])} of \d+ visits match$"))


def test_a_nurse_with_no_visits_can_be_marked_sick_and_the_mistake_undone(page, base_url, region):
    day = two_nurse_day(region)
    cy = day["nurses"]["Cy"]
    open_day(page, base_url, region)
    row = page.locator(f'.timeline .row[data-nurse="{cy["id"]}"]')
    expect(row.locator(".figures")).to_have_text(re.compile("^0 visits"))
    row.get_by_role("button", name="Cy").click()
    page.locator("#as-of").fill("07:30")
    page.locator("#selected").get_by_role("button", name="Cy called in sick").click()
    expect(page.locator("#selected .confirm")).to_contain_text("Cy called in sick: off from 07:30?")
    page.keyboard.press("Escape")  # the question has the focus: Escape answers "keep as it was"
    assert region.dispatcher.get(f"/v1/regions/{region.id}/days/{DAY}/events").json() == []

    page.locator("#selected").get_by_role("button", name="Cy called in sick").click()
    page.get_by_role("button", name="Yes, Cy is off sick").click()
    expect(page.locator("#events li")).to_contain_text("Cy called in sick (off from 07:30)")
    events = region.dispatcher.get(f"/v1/regions/{region.id}/days/{DAY}/events").json()
    assert [(e["kind"], e["nurse_id"], e["undone_at"]) for e in events] == [("sick_call", cy["id"], None)]

    page.locator("#events").get_by_role("button", name="Undo").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"^Undone: Cy called in sick"))
    expect(page.locator("#events li.undone")).to_contain_text(f"undone by {region.dispatcher_name}")
    assert region.dispatcher.get(f"/v1/regions/{region.id}/days/{DAY}/events").json()[0]["undone_by"] == region.dispatcher_name


# ---------------------------------------------------------------- 3. progress in visits placed; compare goes after publishing


def test_solve_progress_speaks_in_visits_placed_and_moves_with_time(page, base_url, region):
    two_nurse_day(region)
    open_day(page, base_url, region)
    page.select_option("#time-limit", "5")
    page.get_by_role("button", name="Solve the day").click()
    texts, values = [], []
    while not page.locator("#message").inner_text().startswith(("New draft ready", "The solve failed")):
        if page.locator("#job progress").count():
            texts.append(page.locator("#job .job-progress").inner_text())
            values.append(float(page.locator("#job progress").get_attribute("value") or 0))
        page.wait_for_timeout(300)
    assert any(re.search(r"^\d+ of 6 visits placed · \d+\.\d s of 5 s$", t) for t in texts), texts
    assert not any("cost" in t or "objective" in t for t in texts), texts
    assert len({round(v, 1) for v in values if v > 0}) >= 5, values  # it moves between the search's reports

    expect(page.locator("#comparison")).to_be_visible()
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"^Published"))
    expect(page.locator("#comparison")).to_be_hidden()


# ---------------------------------------------------------------- 4. events confirmed and undone; names; 24 h; the top bar


def test_a_cancellation_asks_first_names_the_patient_and_can_be_undone(page, base_url, region):
    day = two_nurse_day(region)
    view = view_of(region, day["roster"]["id"])
    _, stop = stops(view)[-1]
    open_day(page, base_url, region)
    page.locator(f'.bar.service[data-visit="{stop["visit_id"]}"]').click()
    page.locator("#as-of").fill("7:5")
    page.get_by_role("button", name="Patient cancelled").click()
    page.get_by_role("button", name="Yes, cancel the visit").click()
    expect(page.locator("#message.error")).to_have_text('As of: "7:5" is not a 24-hour time (HH:MM, e.g. 07:15)')
    assert region.dispatcher.get(f"/v1/visits/{stop['visit_id']}").json()["status"] == "scheduled"

    page.locator("#as-of").fill("08:10")
    page.get_by_role("button", name="Patient cancelled").click()
    question = page.locator("#selected .confirm")
    expect(question).to_contain_text(f"Cancel {stop['patient_name']}'s ")
    page.get_by_role("button", name="Yes, cancel the visit").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"^New draft ready"), timeout=60_000)
    assert region.dispatcher.get(f"/v1/visits/{stop['visit_id']}").json()["status"] == "cancelled"
    expect(page.locator("#comparison")).to_contain_text(stop["patient_name"])
    expect(page.locator("#events li")).to_contain_text(f"08:10 {stop['patient_name']} cancelled")
    draft = region.dispatcher.get(f"/v1/rosters/{page.locator('#roster').input_value()}").json()
    assert draft["reason"] == f"cancellation: {stop['patient_name']}"

    page.locator("#events").get_by_role("button", name="Undo").click()
    expect(page.locator("#message")).to_have_text(re.compile(rf"^Undone: {stop['patient_name']} cancelled"))
    assert region.dispatcher.get(f"/v1/visits/{stop['visit_id']}").json()["status"] == "scheduled"

    # Names, not ids, and 24-hour times, everywhere on the page.
    text = page.locator("body").inner_text()
    assert not re.search(r"\b(visit|nurse) \d+\b", text), text
    assert not re.search(r"\b\d{1,2}:\d\d ?(AM|PM|am|pm)\b", text)
    assert page.locator("input[type=time]").count() == 0


def test_the_top_bar_fits_1280_pixels(page, base_url, region):
    two_nurse_day(region)
    open_day(page, base_url, region)
    bar = page.locator(".topbar")
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    overflowing = page.evaluate("""() => [...document.querySelectorAll('.topbar > *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth).map(e => e.textContent)""")
    assert overflowing == []
    middles = page.evaluate(
        "() => [...document.querySelectorAll('.topbar > :not(nav)')].map(e => e.getBoundingClientRect())"
        ".filter(b => b.height > 0).map(b => Math.round(b.top + b.height / 2))"
    )
    # One row of controls, nothing wrapped onto a second (the pages' links, nav.js, have a line of their own above).
    assert max(middles) - min(middles) < 8, middles
    assert bar.bounding_box()["height"] - page.locator(".topbar > nav").bounding_box()["height"] < 56


# ---------------------------------------------------------------- 5. the map with 30+ nurses


def test_forty_nurses_get_forty_distinct_readable_colours(page, base_url, region):
    two_nurse_day(region)
    open_day(page, base_url, region)
    colours = page.evaluate(
        "async () => { const { nurseColour } = await import('./palette.js');"
        " return Array.from({ length: 40 }, (_, i) => nurseColour(i)); }"
    )
    assert len(set(colours)) == 40
    rgb = [tuple(int(c[i : i + 2], 16) for i in (1, 3, 5)) for c in colours]
    nearest = min(sum((a - b) ** 2 for a, b in zip(p, q, strict=True)) ** 0.5 for i, p in enumerate(rgb) for q in rgb[i + 1 :])
    assert nearest > 15, nearest
    assert min(contrast("rgb(255, 255, 255)", f"rgb{c}") for c in rgb) >= 4.5


def test_unassigned_visits_sit_above_the_routes_and_the_routes_fill_the_map(page, base_url, region):
    two_nurse_day(region, publish=False)
    late = region.visit(region.patient("Left Out", lat=39.72, lon=-104.96)["id"], window=("20:00", "21:00"))
    region.solved_roster()
    open_day(page, base_url, region)
    point = page.locator(f'path.unassigned-point[data-visit="{late["id"]}"]')
    box = point.bounding_box()
    on_top = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).getAttribute('class')",
        [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2],
    )
    assert "unassigned-point" in on_top
    panes = page.evaluate("""() => [
        getComputedStyle(document.querySelector('path.unassigned-point').closest('.leaflet-pane')).zIndex,
        getComputedStyle(document.querySelector('.leaflet-marker-pane')).zIndex].map(Number)""")
    assert panes[0] > panes[1], panes
    frame = page.locator("#map").bounding_box()

    def shares() -> tuple[float, float]:
        left, right, top, bottom = page.evaluate("""() => {
            const boxes = [...document.querySelectorAll('path.route, path.unassigned-point')].map(e => e.getBoundingClientRect());
            return [Math.min(...boxes.map(b => b.left)), Math.max(...boxes.map(b => b.right)),
                    Math.min(...boxes.map(b => b.top)), Math.max(...boxes.map(b => b.bottom))]; }""")
        return (right - left) / frame["width"], (bottom - top) / frame["height"]

    for _ in range(25):  # the map's fit is animated: give it a moment to land
        if max(shares()) > 0.75:
            break
        page.wait_for_timeout(200)
    assert max(shares()) > 0.75, shares()


# ---------------------------------------------------------------- 6. find; now; en route and in progress; shift changed


def test_the_dispatcher_finds_visits_by_patient_nurse_service_and_status(page, base_url, region):
    day = two_nurse_day(region)
    view = view_of(region, day["roster"]["id"])
    everyone = stops(view)
    nurse, wanted = everyone[0]
    open_day(page, base_url, region)
    page.locator("#filter-text").fill(wanted["patient_name"])
    expect(page.locator("#filter-count")).to_have_text(f"1 of {len(everyone)} visits match")
    assert "filtered-out" not in page.locator(f'.bar.service[data-visit="{wanted["visit_id"]}"]').get_attribute("class")
    assert page.locator(".bar.service:not(.filtered-out)").count() == 1
    assert page.locator(".timeline .row[data-nurse]:visible").count() == 1

    page.locator("#filter-text").fill("")
    page.locator("#filter-nurse").select_option(str(nurse["nurse_id"]))
    expect(page.locator("#filter-count")).to_have_text(f"{len(nurse['stops'])} of {len(everyone)} visits match")
    assert page.locator(".timeline .row[data-nurse]:visible").count() == 1

    page.locator("#filter-nurse").select_option("")
    set_status(region, wanted["visit_id"], "en_route")
    page.reload()
    page.locator(".timeline .row[data-nurse]").first.wait_for()
    page.locator("#filter-status").select_option("en_route")
    expect(page.locator("#filter-count")).to_have_text(f"1 of {len(everyone)} visits match")
    page.locator("#filter-status").select_option("")
    page.locator("#filter-service").select_option("Hydration drip")
    expect(page.locator("#filter-count")).to_have_text(f"{len(everyone)} of {len(everyone)} visits match")


def test_the_timeline_draws_now_and_visits_under_way_apart_from_scheduled_ones(page, base_url, region):
    day = two_nurse_day(region)
    view = view_of(region, day["roster"]["id"])
    (_, driving), (_, there), (_, waiting) = stops(view)[:3]
    set_status(region, driving["visit_id"], "en_route")
    set_status(region, there["visit_id"], "en_route", "in_progress")
    page.clock.install(time=datetime(DAY.year, DAY.month, DAY.day, 10, 0, tzinfo=ZoneInfo(TIMEZONE)))
    open_day(page, base_url, region)

    def look(visit_id: int) -> dict:
        return page.evaluate(
            '(id) => { const s = getComputedStyle(document.querySelector(`.bar.service[data-visit="${id}"]`));'
            " return { image: s.backgroundImage, shadow: s.boxShadow }; }",
            visit_id,
        )

    scheduled, en_route, in_progress = look(waiting["visit_id"]), look(driving["visit_id"]), look(there["visit_id"])
    assert scheduled["image"] == "none" and scheduled["shadow"] == "none"
    assert "gradient" in en_route["image"]
    assert "inset" in in_progress["shadow"]

    expect(page.locator(".now-label")).to_have_text("now 10:00")
    track = page.locator(".timeline .row[data-nurse] .track").first.bounding_box()
    line = page.locator(".timeline .row[data-nurse] .now-line").first.bounding_box()
    share = (line["x"] + line["width"] / 2 - track["x"]) / track["width"]
    assert abs(share - (10 - 8) / (16 - 8)) < 0.01, share  # the day is drawn 08:00–16:00


def test_a_route_whose_shift_changed_is_flagged(page, base_url, region):
    day = two_nurse_day(region)
    view = view_of(region, day["roster"]["id"])
    nurse = max(view["nurses"], key=lambda n: len(n["stops"]))
    last = nurse["stops"][-1]
    ends = datetime.fromisoformat(last["start"]).strftime("%H:%M")
    answer = region.dispatcher.put(f"/v1/nurses/{nurse['nurse_id']}/shifts/{DAY}", json={"start": "08:00", "end": ends})
    assert answer.status_code == 200, answer.text
    flagged = view_of(region, day["roster"]["id"])
    reason = next(n for n in flagged["nurses"] if n["nurse_id"] == nurse["nurse_id"])["shift_changed"]
    assert reason
    open_day(page, base_url, region)
    flag = page.locator(f'.timeline .row[data-nurse="{nurse["nurse_id"]}"] .shift-flag')
    expect(flag).to_have_text("⚠ shift changed")
    assert flag.get_attribute("title") == reason


# ---------------------------------------------------------------- 7. paper: run sheets, CSV, the call list, the history


def test_run_sheets_print_per_nurse_and_for_the_day(page, base_url, region):
    day = two_nurse_day(region)
    view = view_of(region, day["roster"]["id"])
    working = [n for n in view["nurses"] if n["stops"]]
    page.add_init_script("window.printed = 0; window.print = () => { window.printed += 1; };")
    open_day(page, base_url, region)
    page.get_by_role("button", name="Print the day").click()
    assert page.evaluate("window.printed") == 1
    page.emulate_media(media="print")
    expect(page.locator(".run-sheet")).to_have_count(len(working))
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("#map")).to_be_hidden()
    for nurse in working:
        sheet = page.locator(f'.run-sheet[data-nurse="{nurse["nurse_id"]}"]')
        expect(sheet.locator("h1")).to_have_text(f"{nurse['name']} — {DAY}")
        expect(sheet.locator("tbody tr")).to_have_count(len(nurse["stops"]))
        first = sheet.locator("tbody tr").first
        expect(first).to_contain_text(nurse["stops"][0]["patient_name"])
        expect(first).to_contain_text("+1 303 555 0100")
        expect(first).to_contain_text("1 Test St")
    page.emulate_media(media="screen")
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    expect(page.locator(".run-sheet").first).to_be_hidden()

    one = working[0]
    page.locator(f'.timeline .row[data-nurse="{one["nurse_id"]}"] .name').click()
    page.get_by_role("button", name=f"Print {one['name']}'s run sheet").click()
    page.emulate_media(media="print")
    expect(page.locator(".run-sheet")).to_have_count(1)
    expect(page.locator(".run-sheet h1")).to_have_text(f"{one['name']} — {DAY}")


def test_the_day_exports_as_csv(page, base_url, region):
    day = two_nurse_day(region)
    view = view_of(region, day["roster"]["id"])
    open_day(page, base_url, region)
    with page.expect_download() as download:
        page.get_by_role("button", name="Export CSV").click()
    assert download.value.suggested_filename == f"{region.id}-{DAY}-v{view['summary']['version']}.csv"
    rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8").read())))
    assert len(rows) == len(stops(view)) + len(view["unassigned"])
    for (nurse, stop), row in zip(stops(view), rows, strict=False):
        assert (row["nurse"], row["patient"], row["start"]) == (nurse["name"], stop["patient_name"], stop["start"][11:16])
        assert row["phone"] == "+1 303 555 0100"


def test_after_a_re_plan_is_published_the_patients_to_call_are_listed_with_a_called_tick(page, base_url, region):
    day = two_nurse_day(region)
    view = view_of(region, day["roster"]["id"])
    sick = max(view["nurses"], key=lambda n: len(n["stops"]))
    open_day(page, base_url, region)
    page.locator(f'.timeline .row[data-nurse="{sick["nurse_id"]}"] .name').click()
    page.locator("#as-of").fill("07:15")
    page.locator("#selected").get_by_role("button", name=f"{sick['name']} called in sick").click()
    page.get_by_role("button", name=f"Yes, {sick['name']} is off sick").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"^New draft ready"), timeout=60_000)
    expect(page.locator("#calls")).to_be_hidden()  # a draft: nobody is called yet
    page.get_by_role("button", name="Publish").click()
    expect(page.locator("#message")).to_have_text(re.compile(r"patients to call about their new time"))
    calls = page.locator("#calls li")
    expect(calls).to_have_count(len(sick["stops"]))
    for stop in sick["stops"]:
        expect(page.locator("#calls")).to_contain_text(stop["patient_name"])
    expect(calls.first).to_contain_text("+1 303 555 0100")
    heading = page.locator("#calls h2")
    expect(heading).to_have_text(f"Patients to call ({len(sick['stops'])} of {len(sick['stops'])} left)")
    calls.first.get_by_label("called").check()
    expect(heading).to_have_text(f"Patients to call ({len(sick['stops']) - 1} of {len(sick['stops'])} left)")
    expect(calls.first).to_contain_text(f"called by {region.dispatcher_name} at ")
    roster_id = page.locator("#roster").input_value()
    ticked = region.dispatcher.get(f"/v1/rosters/{roster_id}/calls").json()
    assert [(c["visit_id"], c["called_by"]) for c in ticked] == [
        (int(calls.first.get_attribute("data-visit")), region.dispatcher_name)
    ]
    page.reload()  # the server keeps the ticks: another dispatcher, or this one after a reload, sees them
    expect(page.locator("#calls h2")).to_have_text(f"Patients to call ({len(sick['stops']) - 1} of {len(sick['stops'])} left)")
    page.locator("#calls li").first.get_by_label("called").uncheck()
    expect(page.locator("#calls h2")).to_have_text(f"Patients to call ({len(sick['stops'])} of {len(sick['stops'])} left)")
    assert region.dispatcher.get(f"/v1/rosters/{roster_id}/calls").json() == []

    history = page.locator("#history li")
    expect(history).to_have_count(2)
    expect(history.first).to_contain_text(re.compile(rf"^v2 published · made \d\d:\d\d by {region.dispatcher_name}"))
    expect(history.first).to_contain_text(f"by {region.dispatcher_name} · sick call: {sick['name']} · ")
    expect(history.last).to_contain_text(
        re.compile(rf"^v1 superseded · made \d\d:\d\d by {region.dispatcher_name} · published \d\d:\d\d by ")
    )
    first = region.dispatcher.get(f"/v1/rosters/{day['roster']['id']}").json()
    made = datetime.fromisoformat(first["created_at"]).astimezone(ZoneInfo(TIMEZONE)).strftime("%H:%M")
    expect(history.last).to_contain_text(f"made {made} by")  # the region's clock, whatever the browser's zone


# ---------------------------------------------------------------- 8. drag and drop


def test_a_visit_dragged_to_another_nurse_and_time_is_moved_by_the_server(page, base_url, region):
    day = two_nurse_day(region, publish=False)
    view = view_of(region, day["roster"]["id"])
    nurse = max(view["nurses"], key=lambda n: len(n["stops"]))
    other = next(n for n in view["nurses"] if n["name"] in ("Ana", "Bea") and n is not nurse)  # both give drips
    stop = nurse["stops"][0]
    open_day(page, base_url, region)
    bar = page.locator(f'.bar.service[data-visit="{stop["visit_id"]}"]').bounding_box()
    target = page.locator(f'.timeline .row[data-nurse="{other["nurse_id"]}"] .track').bounding_box()
    grab_x, grab_y = bar["x"] + 3, bar["y"] + bar["height"] / 2
    # Drop its start at 13:30 (the day is drawn 08:00–16:00), on the other nurse's row.
    drop_x = target["x"] + target["width"] * (13.5 - 8) / 8 + 3
    page.mouse.move(grab_x, grab_y)
    page.mouse.down()
    page.mouse.move((grab_x + drop_x) / 2, grab_y + 10, steps=5)
    page.mouse.move(drop_x, target["y"] + target["height"] / 2, steps=5)
    page.mouse.up()
    expect(page.locator("#message")).not_to_have_text("")
    assert page.locator("#message").inner_text() == f"Moved {stop['patient_name']}: {other['name']} at 13:30."
    moved = view_of(region, int(page.locator("#roster").input_value()))
    assert moved["summary"]["revision"] == view["summary"]["revision"] + 1
    target_day = next(n for n in moved["nurses"] if n["nurse_id"] == other["nurse_id"])
    placed = next(s for s in target_day["stops"] if s["visit_id"] == stop["visit_id"])
    assert placed["start"][11:16] == "13:30"
    expect(
        page.locator(f'.timeline .row[data-nurse="{other["nurse_id"]}"] .bar.service[data-visit="{stop["visit_id"]}"]')
    ).to_have_count(1)


def test_a_visit_booked_from_an_offer_is_marked_promised_with_its_window(page, base_url, region, db):
    day = region_today(db) + timedelta(days=3)  # offers look forward only
    region.nurse("Ana", lat=39.74, lon=-104.99, day=day)
    region.visit(region.patient("Walk-in", lat=39.72)["id"], window=("09:00", "15:30"), day=day)
    patient = region.patient("Booked", lat=39.75, lon=-104.97)
    offers = region.dispatcher.get(
        f"/v1/patients/{patient['id']}/offers", params={"service": "hydration", "from": str(day), "days": 1}
    )
    assert offers.status_code == 200, offers.text
    offer = offers.json()["offers"][0]
    taken = region.dispatcher.post(f"/v1/offers/{offer['id']}/take")
    assert taken.status_code == 201, taken.text
    region.solved_roster(day)
    page.goto(f"{base_url}/console/#region={region.id}&date={day}")
    log_in(page, region.dispatcher_name, PASSWORD)
    promised = page.locator(".bar.service.promised")
    expect(promised).to_have_count(1)
    window = f"{offer['window']['start'][:5]}–{offer['window']['end'][:5]}"
    assert promised.get_attribute("data-visit") == str(taken.json()["id"])
    label = promised.get_attribute("aria-label")
    assert "Booked" in label and f"promised {window}" in label
    assert page.locator(".bar.service:not(.promised)").count() == 1  # the walk-in is not marked
    promised.click()
    expect(page.locator("#selected .promised")).to_contain_text(f"the patient was told {window}")

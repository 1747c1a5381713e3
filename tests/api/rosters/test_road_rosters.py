"""Road travel times through the API: a region names its dataset, its rosters are timed by road and say so,
a missing dataset falls back and says why, and the console shows which model timed the roster."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest
from playwright.sync_api import expect

from dispatch.platform.roads import OsrmEngine, dataset_base
from tests.api.browser import DESKTOP, log_in, needs_chromium, open_page, screenshot_name
from tests.api.conftest import DAY, PASSWORD

HUB = (60.167957, 24.939822)
MANNERHEIMINTIE_NORTH = (60.170176, 24.937781)
MANNERHEIMINTIE_SOUTH = (60.168414, 24.940504)


@pytest.fixture
def roads_dir(helsinki_roads, monkeypatch):
    # The worker inside the test server reads its settings from the environment, as in production.
    monkeypatch.setenv("NURSE_DISPATCH_ROADS_DIR", str(helsinki_roads.parent))
    return helsinki_roads.parent


def helsinki_day(region) -> None:
    """One nurse at the hub; a visit on Mannerheimintie's north end (09:00-10:00), then one at its south end."""
    region.nurse("Aino", lat=HUB[0], lon=HUB[1])
    north = region.patient("Eero", lat=MANNERHEIMINTIE_NORTH[0], lon=MANNERHEIMINTIE_NORTH[1])
    south = region.patient("Helmi", lat=MANNERHEIMINTIE_SOUTH[0], lon=MANNERHEIMINTIE_SOUTH[1])
    region.visit(north["id"], window=("09:00", "10:00"))
    region.visit(south["id"], window=("11:00", "12:00"))


def test_a_region_with_a_dataset_shows_road_drive_times_in_the_roster_view(region, admin, roads_dir, helsinki_roads):
    answer = admin.patch(f"/v1/regions/{region.id}", json={"roads_dataset": "helsinki"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["roads_dataset"] == "helsinki"
    helsinki_day(region)
    roster = region.solved_roster()
    assert roster["travel"] == {"model": "road", "dataset": "helsinki", "geodesic_pairs": None, "reason": None}
    view = region.dispatcher.get(f"/v1/rosters/{roster['id']}/view").json()
    assert view["summary"]["travel"]["model"] == "road"
    (aino,) = view["nurses"]
    places = np.array([HUB, MANNERHEIMINTIE_NORTH, MANNERHEIMINTIE_SOUTH])
    engine = OsrmEngine(dataset_base(helsinki_roads)).table(places, [0, 1, 2], [0, 1, 2])
    drives = [stop["drive_s"] for stop in aino["stops"]]
    assert drives == [math.ceil(engine[0, 1] - 1e-9), math.ceil(engine[1, 2] - 1e-9)]
    assert aino["drive_home_s"] == math.ceil(engine[2, 0] - 1e-9)
    # Along the one-way street: the road time north → south is not the geodesic model's 1.35 × straight line.
    assert drives[1] < 90


def test_a_missing_dataset_falls_back_to_the_geodesic_model_and_the_roster_says_why(region, admin, roads_dir):
    assert admin.patch(f"/v1/regions/{region.id}", json={"roads_dataset": "espoo"}).status_code == 200
    helsinki_day(region)
    roster = region.solved_roster()
    assert roster["travel"]["model"] == "geodesic"
    assert roster["travel"]["dataset"] == "espoo"
    assert roster["travel"]["reason"].startswith("road dataset espoo is missing from NURSE_DISPATCH_ROADS_DIR")
    assert "/" not in roster["travel"]["reason"].split("(")[0]  # no server paths shown to dispatchers


def test_a_region_without_a_dataset_is_timed_by_the_geodesic_model_and_says_so(region):
    helsinki_day(region)
    roster = region.solved_roster()
    assert roster["travel"]["model"] == "geodesic"
    assert roster["travel"]["reason"] == "no road dataset is set for this region"


def test_a_dataset_name_must_be_a_folder_name_and_only_an_admin_sets_it(region, admin, db):
    refused = admin.patch(f"/v1/regions/{region.id}", json={"roads_dataset": "../etc"})
    assert refused.status_code == 422
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "roads_dataset" in refused.text
    assert region.dispatcher.patch(f"/v1/regions/{region.id}", json={"roads_dataset": "helsinki"}).status_code == 403
    assert admin.patch("/v1/regions/no-such-region", json={"roads_dataset": "helsinki"}).status_code == 404
    assert db.execute("SELECT roads_dataset FROM regions WHERE id = %s", [region.id]).fetchone()["roads_dataset"] is None
    assert admin.patch(f"/v1/regions/{region.id}", json={"roads_dataset": "helsinki"}).status_code == 200
    audited = db.execute(
        "SELECT detail FROM audit_log WHERE resource = %s AND action = 'update' ORDER BY id DESC LIMIT 1", [f"region/{region.id}"]
    ).fetchone()
    assert audited["detail"] == {"roads_dataset": "helsinki"}
    cleared = admin.patch(f"/v1/regions/{region.id}", json={"roads_dataset": None})
    assert cleared.status_code == 200 and cleared.json()["roads_dataset"] is None


@needs_chromium()
def test_the_console_says_which_travel_model_timed_the_roster(browser, request, base_url, region, admin, roads_dir):
    assert admin.patch(f"/v1/regions/{region.id}", json={"roads_dataset": "espoo"}).status_code == 200
    helsinki_day(region)
    fallback = region.solved_roster()
    assert admin.patch(f"/v1/regions/{region.id}", json={"roads_dataset": "helsinki"}).status_code == 200
    road = region.solved_roster()
    with open_page(browser, request, DESKTOP) as page:
        page.goto(f"{base_url}/console/#region={region.id}&date={DAY}")
        log_in(page, region.dispatcher_name, PASSWORD)
        page.locator(".timeline .row[data-nurse]").first.wait_for()
        page.locator("#roster").select_option(str(road["id"]))
        note = page.locator("#travel-note")
        expect(note).to_have_attribute("data-model", "road")
        expect(note).to_contain_text("Road travel times (helsinki")
        expect(note).to_contain_text("© OpenStreetMap contributors")
        expect(note).not_to_have_class(re.compile("fallback"))
        page.locator("#roster").select_option(str(fallback["id"]))
        expect(note).to_have_attribute("data-model", "geodesic")
        expect(note).to_contain_text("geodesic model")
        expect(note).to_contain_text("espoo")
        expect(note).to_have_class(re.compile("fallback"))
        page.screenshot(path=screenshot_name(request))

"""`nurse-dispatch roads build` and `solve --roads` as a user runs them, on the Helsinki extract (OpenStreetMap, ODbL)."""

from __future__ import annotations

import json
import math

import numpy as np

from dispatch.platform.roads import OsrmEngine, dataset_base
from harness.bench.roads import helsinki_extract
from tests.cli.test_cli import run

HUB = (60.167957, 24.939822)
MANNERHEIMINTIE_NORTH = (60.170176, 24.937781)
MANNERHEIMINTIE_SOUTH = (60.168414, 24.940504)


def test_roads_build_makes_a_dataset_with_its_attribution(tmp_path):
    result = run("roads", "build", str(helsinki_extract()), "--out", str(tmp_path / "helsinki"))
    assert result.returncode == 0, result.stderr
    assert dataset_base(tmp_path / "helsinki").name == "helsinki.osrm"
    assert "© OpenStreetMap contributors, ODbL" in (tmp_path / "helsinki" / "ATTRIBUTION").read_text()
    assert "© OpenStreetMap contributors" in result.stdout


def test_roads_build_of_a_missing_extract_exits_2(tmp_path):
    result = run("roads", "build", str(tmp_path / "nowhere.osm.pbf"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "no such OpenStreetMap extract" in result.stderr and "Traceback" not in result.stderr


def test_solve_with_roads_times_every_leg_by_the_road_engine(tmp_path, helsinki_roads):
    problem = {
        "date": "2026-12-01",
        "timezone": "Europe/Helsinki",
        "nurses": [
            {"id": "N1", "name": "Aino", "start": {"lat": HUB[0], "lon": HUB[1]}, "shift": {"start": "08:00", "end": "16:00"}}
        ],
        "visits": [
            {
                "id": "V1",
                "location": dict(zip(("lat", "lon"), MANNERHEIMINTIE_NORTH)),
                "window": {"start": "09:00", "end": "10:00"},
            },
            {
                "id": "V2",
                "location": dict(zip(("lat", "lon"), MANNERHEIMINTIE_SOUTH)),
                "window": {"start": "11:00", "end": "12:00"},
            },
        ],
    }
    (tmp_path / "day.json").write_text(json.dumps(problem))
    result = run(
        "solve", str(tmp_path / "day.json"), "--roads", str(helsinki_roads), "--time-limit", "1", "-o", str(tmp_path / "r.json")
    )
    assert result.returncode == 0, result.stderr
    assert "road travel times from" in result.stderr and "OpenStreetMap" in result.stderr
    (route,) = json.loads((tmp_path / "r.json").read_text())["routes"]
    engine = OsrmEngine(dataset_base(helsinki_roads)).table(
        np.array([HUB, MANNERHEIMINTIE_NORTH, MANNERHEIMINTIE_SOUTH]), [0, 1, 2], [0, 1, 2]
    )
    legs = [0, 1, 2, 0]
    assert route["travel_s"] == sum(math.ceil(engine[a, b] - 1e-9) for a, b in zip(legs, legs[1:]))


def test_solve_with_roads_refuses_a_document_that_has_a_matrix(tmp_path, helsinki_roads):
    from tests.conftest import BASE_DOCUMENT

    (tmp_path / "day.json").write_text(json.dumps(BASE_DOCUMENT))
    result = run("solve", str(tmp_path / "day.json"), "--roads", str(helsinki_roads))
    assert result.returncode == 2 and "already has a matrix" in result.stderr


def test_roads_serve_answers_the_same_times_over_http_as_the_dataset_in_process(helsinki_roads):
    import subprocess
    import sys
    import time

    from dispatch.platform.roads import OsrmHttpEngine, TravelCache, road_source, travel_cache
    from harness.bench.roads import road_places
    from tests.api.conftest import free_port

    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "roads", "serve", str(helsinki_roads), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        engine = OsrmEngine(dataset_base(helsinki_roads))
        places = road_places(TravelCache(engine, "finder"), 150, seed=3)  # over HTTP_BLOCK: the blocks are stitched
        deadline = time.monotonic() + 30
        while True:
            try:
                over_http = travel_cache(road_source("helsinki", None, url)).durations(places)
                break
            except Exception:
                assert time.monotonic() < deadline, "osrm-routed did not answer within 30 s"
                time.sleep(0.3)
        np.testing.assert_allclose(over_http, TravelCache(engine, "helsinki").durations(places), atol=0.1)
        assert isinstance(travel_cache(road_source("helsinki", None, url)).engine, OsrmHttpEngine)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_roads_serve_of_a_folder_with_no_dataset_exits_2(tmp_path):
    result = run("roads", "serve", str(tmp_path), "--port", "1")
    assert result.returncode == 2 and "Traceback" not in result.stderr

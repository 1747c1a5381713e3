"""Road travel times from the Helsinki extract (OpenStreetMap © contributors, ODbL): the engine, the cache,
the fallback, and a day solved on them."""

from __future__ import annotations

import math

import numpy as np
import osrm
import pytest

from dispatch.errors import InvalidField
from dispatch.platform.roads import (
    OsrmEngine,
    RoadsUnavailable,
    TravelCache,
    checked_dataset_name,
    dataset_base,
    road_source,
)
from dispatch.rosters.travel import GEODESIC, with_travel
from dispatch.vocabulary import ROADS_DATASET_PATTERN
from harness.bench.roads import road_places
from solver import check_solution, parse_problem, solve
from solver.travel import speed_durations

# Two places on Mannerheimintie a few hundred metres apart: one way is a straight drive, the other a loop.
MANNERHEIMINTIE_NORTH = (60.170176, 24.937781)
MANNERHEIMINTIE_SOUTH = (60.168414, 24.940504)
# A stretch of Siltavuorenpenger the extract's edge cuts off: no road from or to anywhere else.
CUT_OFF = (60.175537, 24.950970)


@pytest.fixture(scope="module")
def engine(helsinki_roads) -> OsrmEngine:
    return OsrmEngine(dataset_base(helsinki_roads))


def engine_seconds(base, places: np.ndarray) -> np.ndarray:
    """The engine's own table, asked directly through osrm-bindings (not through our cache)."""
    answer = osrm.OSRM(storage_config=str(base), algorithm="CH", use_shared_memory=False).Table(
        osrm.TableParameters(coordinates=[(lon, lat) for lat, lon in places.tolist()], annotations=["duration"])
    )
    return np.array([[math.nan if x is None else x for x in row] for row in answer["durations"]])


def test_a_leg_along_a_one_way_street_differs_from_its_reverse(engine):
    seconds = TravelCache(engine, "helsinki").durations(np.array([MANNERHEIMINTIE_NORTH, MANNERHEIMINTIE_SOUTH]))
    there, back = seconds[0, 1], seconds[1, 0]
    assert there < 90 and back > 3 * there, (there, back)


def test_a_warm_cache_asks_the_engine_only_about_new_places(engine):
    places = road_places(TravelCache(engine, "finder"), 30, seed=5)
    cache = TravelCache(engine, "helsinki")
    cold = cache.durations(places[:25])
    assert cache.places_asked == 25
    again = cache.durations(places[:25])
    assert cache.places_asked == 25
    np.testing.assert_array_equal(cold, again)
    grown = cache.durations(places[[24, 25, 3, 26, 27, 28, 29]])
    assert cache.places_asked == 30  # five new places, two known
    fresh = TravelCache(engine, "fresh").durations(places[[24, 25, 3, 26, 27, 28, 29]])
    np.testing.assert_array_equal(grown, fresh)


def test_a_day_solved_with_road_times_passes_the_checker_with_every_leg_the_engines_duration(engine, helsinki_roads):
    places = road_places(TravelCache(engine, "finder"), 14, seed=7)
    skills = ["rn", "iv"]
    document = {
        "date": "2026-12-01",
        "timezone": "Europe/Helsinki",
        "nurses": [
            {"id": f"N{i}", "name": f"Nurse {i}", "start": {"lat": lat, "lon": lon}, "shift": {"start": "08:00", "end": "16:00"}}
            | {"skills": skills}
            for i, (lat, lon) in enumerate(places[:3].tolist())
        ],
        "visits": [
            {"id": f"V{i}", "location": {"lat": lat, "lon": lon}, "window": {"start": "08:00", "end": "15:00"}}
            | {"duration_min": 45, "required_skills": skills}
            for i, (lat, lon) in enumerate(places[3:].tolist())
        ],
        "options": {"time_limit_s": 2},
    }
    timed, note = with_travel(document, TravelCache(engine, "helsinki"), {"model": "road", "dataset": "helsinki"})
    assert note == {"model": "road", "dataset": "helsinki"}
    problem = parse_problem(timed)
    solution = solve(problem)
    assert not check_solution(problem, solution)
    assert sum(len(r.stops) for r in solution.routes) == 11
    truth = engine_seconds(dataset_base(helsinki_roads), places)
    row = {(round(lat, 6), round(lon, 6)): i for i, (lat, lon) in enumerate(places.tolist())}
    by_id = {v.id: v for v in problem.visits}
    legs = 0
    for route in solution.routes:
        nurse = problem.nurse(route.nurse_id)
        stops = [nurse.start_index] + [by_id[s.visit_id].location_index for s in route.stops] + [nurse.end_index]
        for a, b in zip(stops, stops[1:]):
            where_a = timed_place(timed, a)
            where_b = timed_place(timed, b)
            expected = math.ceil(truth[row[where_a], row[where_b]] - 1e-9)
            assert problem.travel(a, b) == expected
            legs += 1
    assert legs >= 11 + 3


def timed_place(document: dict, index: int) -> tuple[float, float]:
    for place in [n["start"] for n in document["nurses"]] + [v["location"] for v in document["visits"]]:
        if place["index"] == index:
            return (round(place["lat"], 6), round(place["lon"], 6))
    raise AssertionError(f"no place with index {index}")


def test_an_unreachable_pair_falls_back_to_the_geodesic_model_and_is_flagged(engine):
    document = {
        "date": "2026-12-01",
        "timezone": "Europe/Helsinki",
        "nurses": [
            {
                "id": "N1",
                "name": "Aino",
                "start": {"lat": 60.167957, "lon": 24.939822},
                "shift": {"start": "08:00", "end": "16:00"},
            }
        ],
        "visits": [
            {"id": "V1", "location": {"lat": CUT_OFF[0], "lon": CUT_OFF[1]}, "window": {"start": "09:00", "end": "12:00"}},
            {"id": "V2", "location": {"lat": 60.168414, "lon": 24.940504}, "window": {"start": "09:00", "end": "12:00"}},
        ],
    }
    timed, note = with_travel(document, TravelCache(engine, "helsinki"), {"model": "road", "dataset": "helsinki"})
    assert note["model"] == "road"
    assert note["geodesic_pairs"] == 4  # the cut-off place to and from each of the two others
    assert "no road between them" in note["reason"]
    matrix = np.array(timed["travel"]["durations_s"])
    points = np.array([[p["lat"], p["lon"]] for p in [timed["nurses"][0]["start"]] + [v["location"] for v in timed["visits"]]])
    geodesic = speed_durations(points[:, 0], points[:, 1], GEODESIC["speed_kmh"], GEODESIC["circuity"])
    cut = timed["visits"][0]["location"]["index"]
    np.testing.assert_array_equal(matrix[cut], geodesic[cut])
    np.testing.assert_array_equal(matrix[:, cut], geodesic[:, cut])
    assert not check_solution(parse_problem(timed), solve(parse_problem(timed | {"options": {"time_limit_s": 1}})))


def test_a_region_without_a_dataset_is_timed_by_the_geodesic_model():
    timed, note = with_travel({"nurses": [], "visits": []}, None, {"model": "geodesic", "reason": "no road dataset"})
    assert timed["travel"] == GEODESIC and note["model"] == "geodesic"


def test_a_missing_dataset_says_where_it_was_looked_for(tmp_path):
    with pytest.raises(RoadsUnavailable, match="road dataset nowhere is missing from NURSE_DISPATCH_ROADS_DIR"):
        road_source("nowhere", tmp_path, None)
    with pytest.raises(RoadsUnavailable, match="NURSE_DISPATCH_ROADS_DIR is not"):
        road_source("helsinki", None, None)


@pytest.mark.parametrize("name", ["../etc", "Helsinki", "a/b", "-x", "x" * 41])
def test_a_dataset_name_is_a_plain_folder_name(name):
    with pytest.raises(InvalidField) as refused:
        checked_dataset_name(name)
    assert refused.value.field == "roads_dataset"


def test_the_database_check_on_dataset_names_is_the_vocabularys_pattern():
    from pathlib import Path

    migration = Path(__file__).resolve().parents[2] / "dispatch/platform/db/migrations/versions/0007_roads.py"
    assert f"roads_dataset ~ '{ROADS_DATASET_PATTERN}'" in migration.read_text()


def test_an_engine_failing_half_way_leaves_the_cache_as_it_was(engine):
    class Flaky:
        def __init__(self):
            self.calls = 0

        def table(self, places, sources, destinations):
            self.calls += 1
            if self.calls == 2:
                raise RoadsUnavailable("the routing server restarted")
            return engine.table(places, sources, destinations)

    places = road_places(TravelCache(engine, "finder"), 12, seed=9)
    cache = TravelCache(Flaky(), "helsinki")
    cache.durations(places[:8])  # call 1: every row of the first places
    with pytest.raises(RoadsUnavailable):
        cache.durations(places)  # call 2 fails: the new places' rows
    np.testing.assert_array_equal(cache.durations(places), TravelCache(engine, "helsinki").durations(places))

"""The day generator: deterministic, valid for the document reader, realistic, and solvable by VROOM."""

from __future__ import annotations

import hashlib
import json
import math
import statistics
from datetime import time

import pytest

from harness.generate import SHAPES, generate_day
from solver.document import parse_problem
from solver.model import Problem
from solver.vroom_start import solve_with_vroom


@pytest.fixture(scope="module")
def default_day() -> Problem:
    return parse_problem(generate_day(seed=3))


def test_same_seed_gives_the_same_day():
    assert generate_day(30, 200, seed=7) == generate_day(30, 200, seed=7)


def test_different_seeds_give_different_days():
    assert generate_day(30, 200, seed=7)["visits"] != generate_day(30, 200, seed=8)["visits"]


@pytest.mark.parametrize(("nurses", "visits"), [(30, 200), (40, 300)])
def test_reader_accepts_generated_day_with_the_asked_counts(nurses: int, visits: int):
    problem = parse_problem(generate_day(nurses, visits, seed=1))
    assert len(problem.nurses) == nurses
    assert len(problem.visits) == visits
    assert [nurse.id for nurse in problem.nurses][:2] == ["N001", "N002"]
    assert len({visit.patient_id for visit in problem.visits}) == visits


@pytest.mark.parametrize("metro", ["denver", "phoenix", "atlanta", "seattle", "houston"])
def test_every_metro_gives_a_readable_day_in_its_time_zone(metro: str):
    document = generate_day(5, 30, seed=2, metro=metro)
    assert parse_problem(document).clock.tz_name == document["timezone"]


def test_date_defaults_to_a_fixed_day_and_can_be_chosen():
    assert generate_day(2, 5)["date"] == "2026-12-01"
    assert generate_day(2, 5, day="2027-03-14")["date"] == "2027-03-14"


def test_unknown_metro_is_refused():
    with pytest.raises(ValueError, match="unknown metro"):
        generate_day(metro="atlantis")


def test_some_visit_needs_ketamine(default_day: Problem):
    assert any("ketamine" in visit.required_skills for visit in default_day.visits)


def test_urgent_migraines_are_ketamine_visits_with_a_tight_window(default_day: Problem):
    urgent = [visit for visit in default_day.visits if visit.priority == 10]
    assert urgent
    for visit in urgent:
        assert "ketamine" in visit.required_skills
        assert [window.end - window.start for window in visit.windows] == [3 * 3600]


def test_every_window_lies_between_six_and_nine(default_day: Problem):
    opens = default_day.clock.seconds(time(6, 0))
    closes = default_day.clock.seconds(time(21, 0))
    for visit in default_day.visits:
        for window in visit.windows:
            assert opens <= window.start <= window.end <= closes, visit.id


def test_some_visits_offer_two_windows(default_day: Problem):
    assert any(len(visit.windows) == 2 for visit in default_day.visits)


def test_pinned_and_preferred_nurses_hold_the_visits_skills(default_day: Problem):
    pinned = [visit for visit in default_day.visits if visit.pinned_nurse]
    assert pinned
    for visit in default_day.visits:
        chosen = set(visit.preferred_nurses) | ({visit.pinned_nurse} if visit.pinned_nurse else set())
        for nurse_id in chosen:
            assert visit.required_skills <= default_day.nurse(nurse_id).skills, visit.id


def test_every_nurse_is_an_iv_nurse_with_a_lunch_break_inside_her_shift(default_day: Problem):
    for nurse in default_day.nurses:
        assert {"rn", "iv"} <= nurse.skills
        assert nurse.break_ is not None and nurse.break_.duration == 30 * 60
        assert nurse.shift.start + 3.5 * 3600 <= nurse.break_.window.start <= nurse.break_.window.end <= nurse.shift.end
        assert 6 <= nurse.max_visits <= 9


def test_vroom_assigns_each_visit_at_most_once_and_only_to_qualified_nurses():
    problem = parse_problem(generate_day(5, 30, seed=4))
    rosters, unassigned, seconds = solve_with_vroom(problem, exploration_level=1)
    assigned = [visit_id for roster in rosters for visit_id in roster]
    assert len(rosters) == len(problem.nurses)
    assert len(assigned) == len(set(assigned))
    assert sorted(assigned + unassigned) == sorted(visit.id for visit in problem.visits)
    visits = {visit.id: visit for visit in problem.visits}
    for nurse, roster in zip(problem.nurses, rosters, strict=True):
        assert len(roster) <= nurse.max_visits
        for visit_id in roster:
            assert visits[visit_id].required_skills <= nurse.skills, (nurse.id, visit_id)
            assert visits[visit_id].pinned_nurse in (None, nurse.id), (nurse.id, visit_id)
    assert seconds >= 0


# ---------------------------------------------------------------- shapes


def _sha256(document: dict) -> str:
    return hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()


@pytest.mark.parametrize(
    ("nurses", "visits", "seed", "metro", "digest"),
    [  # computed before day shapes existed: "standard" is the generator as it was
        (30, 200, 1, "denver", "996fc92c720842811055d81099a9097d6b8691283fe3602c0173263b8f0714b4"),
        (40, 300, 2, "phoenix", "fa45d741abe5dda4e03bb86ee1fa93c5308ac41943945d669f99b5e179bb523b"),
        (5, 30, 3, "atlanta", "c9ca374725f0e8393fb33e1158afda1b0917c56b2c2738bcf8fd597acc476dff"),
    ],
)
def test_the_standard_shape_is_the_generator_as_it_was(nurses: int, visits: int, seed: int, metro: str, digest: str):
    assert _sha256(generate_day(nurses, visits, seed=seed, metro=metro)) == digest
    assert _sha256(generate_day(nurses, visits, seed=seed, metro=metro, shape="standard")) == digest


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_shape_gives_a_readable_day_the_same_for_the_same_seed(shape: str):
    document = generate_day(12, 80, seed=5, shape=shape)
    problem = parse_problem(document)
    assert (len(problem.nurses), len(problem.visits)) == (12, 80)
    assert all(1 <= visit.priority <= 100 for visit in problem.visits)  # VROOM's range
    assert generate_day(12, 80, seed=5, shape=shape) == document
    assert generate_day(12, 80, seed=6, shape=shape)["visits"] != document["visits"]


def test_unknown_shape_is_refused_with_the_known_ones():
    with pytest.raises(ValueError, match="unknown shape 'weekend'.*standard, drips"):
        generate_day(shape="weekend")


def _visit_offsets_km(document: dict) -> list[tuple[float, float]]:
    """Each visit's (east, north) km from the visits' centroid."""
    lats = [visit["location"]["lat"] for visit in document["visits"]]
    lons = [visit["location"]["lon"] for visit in document["visits"]]
    lat0, lon0 = statistics.fmean(lats), statistics.fmean(lons)
    east = 111.32 * math.cos(math.radians(lat0))
    return [((lon - lon0) * east, (lat - lat0) * 111.32) for lat, lon in zip(lats, lons, strict=True)]


def _mean_distance_km(document: dict) -> float:
    return statistics.fmean(math.hypot(x, y) for x, y in _visit_offsets_km(document))


def test_drips_make_a_fifth_or_more_of_the_visits_two_and_a_half_hours_or_longer():
    visits = generate_day(40, 300, seed=1, shape="drips")["visits"]
    long = [visit for visit in visits if visit["duration_min"] >= 150]
    assert len(long) >= 0.2 * len(visits)
    assert {visit["service"] for visit in long} == {"nad", "ivig"}


def test_capped_nurses_take_at_most_eight_visits_each():
    assert {nurse["max_visits"] for nurse in generate_day(40, 300, seed=1, shape="capped")["nurses"]} == {8}


def test_lunch_is_one_45_minute_break_in_the_same_window_for_everyone():
    breaks = {json.dumps(nurse["break"], sort_keys=True) for nurse in generate_day(40, 300, seed=1, shape="lunch")["nurses"]}
    assert breaks == {json.dumps({"duration_min": 45, "window": {"end": "13:30", "start": "12:00"}}, sort_keys=True)}


def test_triage_has_three_priority_levels_each_with_real_weight():
    priorities = [visit["priority"] for visit in generate_day(40, 300, seed=1, shape="triage")["visits"]]
    assert sorted(set(priorities)) == [1, 5, 10]
    assert all(priorities.count(level) >= 0.08 * len(priorities) for level in (1, 5, 10))


def test_a_sparse_region_spreads_visits_further_and_a_dense_one_closer_than_standard():
    standard, sparse, dense = (
        _mean_distance_km(generate_day(40, 300, seed=1, shape=shape)) for shape in ("standard", "sparse", "dense")
    )
    assert sparse > 1.5 * standard
    assert dense < 0.7 * standard


def test_a_corridor_metro_is_at_least_twice_as_long_as_it_is_wide():
    offsets = _visit_offsets_km(generate_day(40, 300, seed=1, shape="corridor"))
    east = statistics.pstdev(x for x, _ in offsets)
    north = statistics.pstdev(y for _, y in offsets)
    assert north >= 2 * east

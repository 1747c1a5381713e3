"""The day generator: deterministic, valid for the document reader, realistic, and solvable by VROOM."""

from __future__ import annotations

from datetime import time

import pytest

from harness.generate import generate_day
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

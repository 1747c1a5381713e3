"""Property tests: on random small days, every roster the solver returns passes the independent checker."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.generate_odd_day import generate_odd_day
from solver import check_solution, parse_problem, solve

SKILLS = ["rn", "iv", "ketamine", "nad"]


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@st.composite
def days(draw):
    nurse_count = draw(st.integers(1, 4))
    visit_count = draw(st.integers(0, 12))
    places = nurse_count + visit_count
    # Arbitrary non-negative travel (not even symmetric): the rules must hold whatever the matrix.
    matrix = [[0 if i == j else draw(st.integers(60, 2400)) for j in range(places)] for i in range(places)]
    nurses = []
    for n in range(nurse_count):
        start = draw(st.integers(6 * 60, 10 * 60))
        end = start + draw(st.integers(4 * 60, 10 * 60))
        nurse = {
            "id": f"N{n}",
            "start": {"index": n},
            "shift": {"start": _hhmm(start), "end": _hhmm(end)},
            "skills": draw(st.lists(st.sampled_from(SKILLS), unique=True)),
        }
        if draw(st.booleans()):
            nurse["max_visits"] = draw(st.integers(0, 5))
        if draw(st.booleans()) and end - start >= 5 * 60:
            opens = draw(st.integers(start + 60, end - 90))
            nurse["break"] = {"window": {"start": _hhmm(opens), "end": _hhmm(min(opens + 60, end - 30))}, "duration_min": 30}
        nurses.append(nurse)
    visits = []
    for v in range(visit_count):
        opens = draw(st.integers(6 * 60, 18 * 60))
        visit = {
            "id": f"V{v}",
            "location": {"index": nurse_count + v},
            "window": {"start": _hhmm(opens), "end": _hhmm(min(opens + draw(st.integers(0, 240)), 23 * 60))},
            "duration_min": draw(st.integers(0, 120)),
            "required_skills": draw(st.lists(st.sampled_from(SKILLS), unique=True, max_size=2)),
            "priority": draw(st.integers(1, 10)),
        }
        if draw(st.integers(0, 5)) == 0:
            visit["pinned_nurse"] = f"N{draw(st.integers(0, nurse_count - 1))}"
        if draw(st.integers(0, 3)) == 0:
            visit["preferred_nurses"] = [f"N{draw(st.integers(0, nurse_count - 1))}"]
        visits.append(visit)
    return {
        "date": "2026-12-01",
        "timezone": "Europe/Paris",
        "travel": {"durations_s": matrix},
        "nurses": nurses,
        "visits": visits,
        "options": {"time_limit_s": 0.3},
    }


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(days())
def test_every_roster_passes_the_checker(document):
    problem = parse_problem(document)
    solution = solve(problem)  # solve() also checks; assert here so the property is explicit
    assert check_solution(problem, solution) == []
    assert sorted(solution.assigned_visit_ids() + [u.visit_id for u in solution.unassigned]) == sorted(
        v["id"] for v in document["visits"]
    )


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(days())
def test_a_visit_no_nurse_is_certified_for_is_unassigned_with_that_reason(document):
    if not document["visits"]:
        document["visits"].append({"id": "V0", "location": {"index": 0}, "window": {"start": "09:00", "end": "10:00"}})
    document["visits"][0]["required_skills"] = ["hyperbaric"]
    document["visits"][0].pop("pinned_nurse", None)
    problem = parse_problem(document)
    reasons = {u.visit_id: u.reason for u in solve(problem).unassigned}
    assert reasons[document["visits"][0]["id"]] == "no nurse holds skill hyperbaric"


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(days())
def test_no_visit_is_dropped_while_its_only_nurse_is_idle(document):
    """If a visit fits a nurse's day alone and she has nothing else, it is served (priority dominates)."""
    document["nurses"] = document["nurses"][:1]
    document["nurses"][0].pop("max_visits", None)
    document["visits"] = document["visits"][:1]
    for visit in document["visits"]:
        visit.pop("pinned_nurse", None)
        visit.pop("preferred_nurses", None)
    problem = parse_problem(document)
    solution = solve(problem)
    for item in solution.unassigned:
        assert "fully booked" not in item.reason, item.reason


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 10_000), st.integers(1, 8), st.integers(0, 60))
def test_days_drawn_unlike_the_generator_pass_the_checker(seed, nurses, visits):
    """Five cities, any area, own hours, overtime, no break, visit caps, two windows, pins (harness.generate_odd_day)."""
    document = generate_odd_day(nurses, visits, seed, time_limit_s=0.5)
    problem = parse_problem(document)
    solution = solve(problem)
    assert check_solution(problem, solution) == []
    assert sorted(solution.assigned_visit_ids() + [u.visit_id for u in solution.unassigned]) == sorted(
        v["id"] for v in document["visits"]
    )

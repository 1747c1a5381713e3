"""The checker catches each kind of broken roster (a roster is changed by hand to break one rule)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from solver import check_solution, parse_problem, solve
from solver.model import Route, Stop, Unassigned


@pytest.fixture
def solved(document):
    document["nurses"][1]["break"] = {"window": {"start": "12:00", "end": "12:30"}, "duration_min": 30}
    problem = parse_problem(document)
    solution = solve(problem)
    assert check_solution(problem, solution) == []
    return problem, solution


def _with_route(solution, position, route):
    routes = list(solution.routes)
    routes[position] = route
    return replace(solution, routes=tuple(routes))


def _shift_stop(route, position, seconds):
    stops = list(route.stops)
    s = stops[position]
    stops[position] = Stop(s.visit_id, s.arrival + seconds, s.start + seconds, s.end + seconds)
    return replace(route, stops=tuple(stops))


def test_start_outside_window_is_caught(solved):
    problem, solution = solved
    broken = _with_route(solution, 0, _shift_stop(solution.routes[0], 0, 2 * 3600))
    assert any("outside its windows" in v for v in check_solution(problem, broken))


def test_visit_served_twice_is_caught(solved):
    problem, solution = solved
    ana = solution.routes[0]
    twice = replace(ana, stops=ana.stops + (Stop("V3", 14 * 3600, 14 * 3600, 14 * 3600 + 2400),))
    assert any("V3 appears 2×" in v for v in check_solution(problem, _with_route(solution, 0, twice)))


def test_visit_both_served_and_unassigned_is_caught(solved):
    problem, solution = solved
    broken = replace(solution, unassigned=(Unassigned("V1", "x"),))
    assert any("V1 appears 1× in routes and 1× unassigned" in v for v in check_solution(problem, broken))


def test_too_little_travel_time_is_caught(solved):
    problem, solution = solved
    bea = solution.routes[1]
    early = Stop(bea.stops[0].visit_id, bea.departure + 10, bea.stops[0].start, bea.stops[0].end)
    broken = _with_route(solution, 1, replace(bea, stops=(early, *bea.stops[1:])))
    assert any("cannot be there before" in v for v in check_solution(problem, broken))


def test_missing_skill_is_caught(solved):
    problem, solution = solved
    problem = replace(problem, visits=(replace(problem.visits[2], required_skills=frozenset({"ketamine"})), *problem.visits[:2]))
    assert any("lacks" in v for v in check_solution(problem, solution))


def test_break_overlapping_a_visit_is_caught(solved):
    problem, solution = solved
    bea = solution.routes[1]
    broken = _with_route(solution, 1, replace(bea, break_start=bea.stops[1].start - 600))
    violations = check_solution(problem, broken)
    assert any("break" in v for v in violations)


def test_missing_break_is_caught(solved):
    problem, solution = solved
    broken = _with_route(solution, 1, replace(solution.routes[1], break_start=None))
    assert any("no break" in v for v in check_solution(problem, broken))


def test_return_after_shift_end_is_caught(solved):
    problem, solution = solved
    broken = _with_route(solution, 1, replace(solution.routes[1], return_time=17 * 3600))
    assert any("after the shift ends" in v for v in check_solution(problem, broken))


def test_max_visits_exceeded_is_caught(solved):
    problem, solution = solved
    nurses = (problem.nurses[0], replace(problem.nurses[1], max_visits=1))
    assert any("exceed max_visits" in v for v in check_solution(replace(problem, nurses=nurses), solution))


def test_pinned_to_another_nurse_is_caught(solved):
    problem, solution = solved
    visits = (replace(problem.visits[0], pinned_nurse="N2"), *problem.visits[1:])
    assert any("pinned to N2" in v for v in check_solution(replace(problem, visits=visits), solution))


def test_excluded_nurse_is_caught(solved):
    problem, solution = solved
    nurse = next(route.nurse_id for route in solution.routes if any(s.visit_id == problem.visits[0].id for s in route.stops))
    visits = (replace(problem.visits[0], excluded_nurses=frozenset({nurse})), *problem.visits[1:])
    assert any(f"excludes nurse {nurse}" in v for v in check_solution(replace(problem, visits=visits), solution))


def test_unknown_nurse_route_is_caught(solved):
    problem, solution = solved
    ghost = Route("N9", 0, (), 0)
    assert any("unknown nurse N9" in v for v in check_solution(problem, replace(solution, routes=(*solution.routes, ghost))))

"""Overtime in the day model: the shift end is soft up to overtime.max_min, each minute past it priced.

Travel (tests/conftest.py): N1's home → V1 600 s, N2's home → V1 1,500 s.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from solver import ProblemError, check_solution, parse_problem, roster_document, solve


def _one_late_visit(document, overtime=None, second_nurse=False):
    """V1 starts at 14:00 and lasts an hour: N1 (shift to 15:00) is home at 15:10, ten minutes past her shift."""
    document["visits"] = [
        {"id": "V1", "location": {"index": 2}, "window": {"start": "14:00", "end": "14:00"}, "duration_min": 60}
    ]
    document["nurses"][0]["shift"] = {"start": "08:00", "end": "15:00"}
    if overtime is not None:
        document["nurses"][0]["overtime"] = overtime
    if not second_nurse:
        document["nurses"] = document["nurses"][:1]
    return document


def _solve(document):
    problem = parse_problem(document)
    solution = solve(problem)
    assert check_solution(problem, solution) == []
    return problem, solution


def test_without_overtime_a_visit_that_ends_the_shift_late_is_left_out(document):
    _, solution = _solve(_one_late_visit(document))
    assert [u.visit_id for u in solution.unassigned] == ["V1"]


def test_overtime_allowance_too_short_still_leaves_it_out(document):
    _, solution = _solve(_one_late_visit(document, {"max_min": 5}))
    assert [u.visit_id for u in solution.unassigned] == ["V1"]


def test_overtime_within_the_allowance_serves_it_and_the_roster_says_how_much(document):
    problem, solution = _solve(_one_late_visit(document, {"max_min": 15}))
    assert solution.unassigned == ()
    roster = roster_document(problem, solution)
    assert roster["routes"][0]["overtime_s"] == 600  # back at 15:10
    assert roster["summary"]["total_overtime_s"] == 600


def test_cheap_overtime_beats_a_longer_drive(document):
    # N1: 1,200 s of travel + 600 s of overtime at 1 s/s = 1,800 < N2's 3,000 s of travel.
    _, solution = _solve(_one_late_visit(document, {"max_min": 15, "cost_per_min_s": 60}, second_nurse=True))
    assert [s.visit_id for s in solution.routes[0].stops] == ["V1"]


def test_dear_overtime_sends_the_visit_to_a_nurse_on_shift(document):
    # N1: 1,200 s + 600 s × 4 = 3,600 > N2's 3,000 s.
    _, solution = _solve(_one_late_visit(document, {"max_min": 15, "cost_per_min_s": 240}, second_nurse=True))
    assert [s.visit_id for s in solution.routes[1].stops] == ["V1"]


def test_checker_allows_a_return_within_the_allowance_and_refuses_one_beyond(document):
    problem, solution = _solve(_one_late_visit(document, {"max_min": 15}))
    route = solution.routes[0]
    later = replace(solution, routes=(replace(route, return_time=route.return_time + 301),))
    assert check_solution(problem, solution) == []
    assert any("overtime" in v for v in check_solution(problem, later))


def test_overtime_fields_are_validated(document):
    document["nurses"][0]["overtime"] = {"max_min": -1}
    with pytest.raises(ProblemError, match=r"nurses\[0\]\.overtime\.max_min"):
        parse_problem(document)

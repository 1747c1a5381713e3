"""Small instances whose best rosters were worked out by hand (travel matrix in conftest.py).

Optimal travel for the base day: Ana (N1) takes V1 (600 + 600 s) and Bea (N2) takes V2 then V3
(600 + 600 + 900 s): 3,300 s in all; every other split drives further (e.g. Ana doing all
three: 3,900 s).
"""

from __future__ import annotations

from solver import check_solution, parse_problem, solve


def _orders(solution):
    return {route.nurse_id: [stop.visit_id for stop in route.stops] for route in solution.routes}


def _solve(document):
    problem = parse_problem(document)
    solution = solve(problem)
    assert check_solution(problem, solution) == []
    return problem, solution


def test_finds_the_least_travel_roster(document):
    _, solution = _solve(document)
    assert _orders(solution) == {"N1": ["V1"], "N2": ["V2", "V3"]}
    assert sum(route.travel for route in solution.routes) == 3300
    assert solution.unassigned == ()


def test_visits_start_inside_their_windows_and_nurses_leave_late(document):
    problem, solution = _solve(document)
    ana = solution.routes[0]
    assert ana.stops[0].start == 9 * 3600  # V1 opens at 09:00
    assert ana.departure == 9 * 3600 - 600  # leaves just in time, not at shift start
    assert ana.waiting == 0


def test_required_skill_moves_the_visit_to_a_certified_nurse(document):
    document["visits"][1]["required_skills"] = ["ketamine"]
    _, solution = _solve(document)
    # Ana must do V1 and V2; adding V3 to her day (3,900 s) beats giving it to Bea (2,700 + 1,800 s).
    assert _orders(solution) == {"N1": ["V1", "V2", "V3"], "N2": []}


def test_pinned_nurse_is_obeyed(document):
    document["visits"][2]["pinned_nurse"] = "N1"
    _, solution = _solve(document)
    assert _orders(solution)["N1"] == ["V1", "V2", "V3"]  # 3,900 s beats 4,800 s for any split


def test_excluded_nurse_never_takes_the_visit(document):
    document["visits"][0]["excluded_nurses"] = ["N1"]
    _, solution = _solve(document)
    assert "V1" not in _orders(solution)["N1"]


def test_a_visit_that_excludes_every_qualified_nurse_is_explained(document):
    document["visits"][0]["excluded_nurses"] = ["N1", "N2"]
    _, solution = _solve(document)
    reasons = {u.visit_id: u.reason for u in solution.unassigned}
    assert reasons["V1"] == "every qualified nurse is excluded for this patient"


def test_max_visits_is_a_hard_limit(document):
    document["nurses"][1]["max_visits"] = 1
    _, solution = _solve(document)
    assert len(_orders(solution)["N2"]) <= 1
    assert solution.unassigned == ()


def test_higher_priority_is_served_first_and_the_rest_explained(document):
    for visit in document["visits"]:
        visit["required_skills"] = ["ketamine"]
    document["nurses"][0]["shift"] = {"start": "08:00", "end": "11:00"}
    document["visits"][1]["priority"] = 5
    _, solution = _solve(document)
    assert _orders(solution)["N1"] == ["V2"]  # V1 and V2 do not both fit before 11:00
    reasons = {u.visit_id: u.reason for u in solution.unassigned}
    assert reasons["V1"] == "the only qualified nurse is fully booked around 09:00–10:00 (lowest priority dropped first)"
    assert reasons["V3"] == "window 13:00–15:00 is outside every qualified nurse's shift"


def test_skill_nobody_holds_is_not_an_error(document):
    document["visits"][0]["required_skills"] = ["nad"]
    _, solution = _solve(document)
    assert [(u.visit_id, u.reason) for u in solution.unassigned] == [("V1", "no nurse holds skill nad")]


def test_break_is_taken_inside_its_window_between_visits(document):
    document["nurses"][1]["break"] = {"window": {"start": "12:00", "end": "12:30"}, "duration_min": 30}
    _, solution = _solve(document)
    bea = solution.routes[1]
    assert [s.visit_id for s in bea.stops] == ["V2", "V3"]
    assert 12 * 3600 <= bea.break_start <= 12 * 3600 + 1800
    assert bea.break_start + 1800 <= bea.stops[1].start


def test_second_window_is_used_when_the_first_cannot_be_reached(document):
    document["visits"][2].pop("window")
    document["visits"][2]["windows"] = [{"start": "06:00", "end": "07:00"}, {"start": "14:00", "end": "14:30"}]
    _, solution = _solve(document)
    v3 = next(s for r in solution.routes for s in r.stops if s.visit_id == "V3")
    assert 14 * 3600 <= v3.start <= 14 * 3600 + 1800

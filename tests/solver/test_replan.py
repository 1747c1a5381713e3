"""Re-planning a day under way, on small days worked out by hand (travel matrix in conftest.py unless given).

The published roster of the base day: Ana (N1) V1 at 09:00; Bea (N2) V2 at 09:00 and V3 at 13:00.
"""

from __future__ import annotations

import pytest

from solver import ProblemError, check_solution, parse_problem, roster_document, solve
from solver.model import Stop
from solver.replan import current_roster, replan

H = 3600


def _hm(seconds: int) -> str:
    return f"{seconds // H:02d}:{seconds % H // 60:02d}"


@pytest.fixture
def published(document):
    """The base day with its roster in force."""
    plan = {"V1": ("N1", "09:00"), "V2": ("N2", "09:00"), "V3": ("N2", "13:00")}
    for visit in document["visits"]:
        nurse, start = plan[visit["id"]]
        visit["planned"] = {"nurse": nurse, "start": start}
    return document


def _replan(document):
    problem = parse_problem(document)
    solution = replan(problem)
    assert check_solution(problem, solution) == []
    return problem, solution


def _orders(solution):
    return {route.nurse_id: [stop.visit_id for stop in route.stops] for route in solution.routes}


def _stop(solution, visit_id):
    return next(stop for route in solution.routes for stop in route.stops if stop.visit_id == visit_id)


def test_a_sick_nurses_visits_move_to_the_other_nurse_and_keep_their_told_times(published):
    published["as_of"] = "07:15"
    published["nurses"][1]["now"] = {"off_duty": True}
    _, solution = _replan(published)
    assert sorted(_orders(solution)["N1"]) == ["V1", "V2", "V3"]
    assert _orders(solution)["N2"] == []
    assert solution.unassigned == ()
    assert _stop(solution, "V3").start == 13 * H  # as told, though Ana could be there from 11:00


def test_with_nothing_changed_the_roster_in_force_is_kept(published):
    published["as_of"] = "07:00"
    _, solution = _replan(published)
    assert _orders(solution) == {"N1": ["V1"], "N2": ["V2", "V3"]}
    assert [_stop(solution, v).start for v in ("V1", "V2", "V3")] == [9 * H, 9 * H, 13 * H]


def test_a_done_visit_stays_exactly_as_it_happened_even_outside_its_window(published):
    published["as_of"] = "11:00"
    published["visits"][0]["progress"] = {"status": "done", "arrival": "10:05", "start": "10:10", "end": "11:10"}
    problem, solution = _replan(published)
    ana = solution.routes[0]
    assert ana.stops[0] == Stop("V1", 10 * H + 300, 10 * H + 600, 11 * H + 600)
    assert ana.return_time == 11 * H + 600 + 600  # home from V1, 10 minutes
    assert roster_document(problem, solution)["routes"][0]["stops"][0]["committed"] is True


def test_the_stop_a_nurse_is_driving_to_is_kept(published):
    # Bea is planned for V1 and left home at 08:35 (25 minutes away); Ana, 10 minutes away, would be cheaper.
    published["visits"][0]["planned"] = {"nurse": "N2", "start": "09:00"}
    published["visits"][1]["planned"] = {"nurse": "N1", "start": "09:00"}
    published["visits"][2]["planned"] = {"nurse": "N1", "start": "13:00"}
    published["as_of"] = "08:40"
    published["nurses"][1]["now"] = {"location": {"index": 1}, "time": "08:35"}
    published["visits"][0]["progress"] = {"status": "en_route"}
    problem, solution = _replan(published)
    assert solution.routes[1].stops[0] == Stop("V1", 9 * H, 9 * H, 10 * H)
    assert problem.state.of("N2").committed == (Stop("V1", 9 * H, 9 * H, 10 * H),)


def test_nothing_new_starts_before_the_re_plan(published):
    published["as_of"] = "10:05"
    published["visits"][1].pop("planned")  # V2 (09:00-12:00) was not planned; nobody has left yet
    published["visits"][0].pop("planned")
    _, solution = _replan(published)
    reasons = {u.visit_id: u.reason for u in solution.unassigned}
    assert reasons["V1"] == "its window 09:00–10:00 closed before the re-plan at 10:05"
    assert _stop(solution, "V2").start >= 10 * H + 300 + 600  # leaves home at 10:05 at the earliest


# Overrun: Ana's visit Y (planned 08:00-08:40) runs until 10:40; X (09:00-12:00, planned Ana at 09:00) is
# 10 minutes from Y and from Ana's home, 20 minutes from Bea's. Ana could start X at 10:50: 80 minutes
# beyond the 30-minute tolerance (4,800 s) plus 600 s of driving. Bea starts it at 09:00: 2,400 s of
# driving plus 1,800 s for another nurse. So X moves to Bea; without the re-timing cost it would stay.
OVERRUN_DOCUMENT = {
    "date": "2026-12-01",
    "timezone": "America/Denver",
    "as_of": "08:30",
    "travel": {
        "durations_s": [
            # 0: Ana's home, 1: Bea's home, 2: X, 3: Y
            [0, 1500, 600, 600],
            [1500, 0, 1200, 1500],
            [600, 1200, 0, 600],
            [600, 1500, 600, 0],
        ]
    },
    "nurses": [
        {"id": "N1", "name": "Ana", "start": {"index": 0}, "shift": {"start": "08:00", "end": "16:00"}},
        {"id": "N2", "name": "Bea", "start": {"index": 1}, "shift": {"start": "08:00", "end": "16:00"}},
    ],
    "visits": [
        {
            "id": "Y",
            "location": {"index": 3},
            "window": {"start": "08:00", "end": "08:30"},
            "duration_min": 40,
            "planned": {"nurse": "N1", "start": "08:00"},
            "progress": {"status": "in_progress", "end": "10:40"},
        },
        {
            "id": "X",
            "location": {"index": 2},
            "window": {"start": "09:00", "end": "12:00"},
            "duration_min": 60,
            "planned": {"nurse": "N1", "start": "09:00"},
        },
    ],
    "options": {"time_limit_s": 1},
}


def test_a_start_moved_far_beyond_the_tolerance_costs_more_than_another_nurse():
    _, solution = _replan(OVERRUN_DOCUMENT)
    assert _orders(solution) == {"N1": ["Y"], "N2": ["X"]}
    assert _stop(solution, "X").start == 9 * H
    assert solution.routes[0].stops[0] == Stop("Y", 8 * H, 8 * H, 10 * H + 2400)  # the overrun is a fact


def test_without_a_re_timing_cost_the_visit_stays_with_its_nurse_and_starts_late():
    document = {**OVERRUN_DOCUMENT, "options": {"time_limit_s": 1, "retime_weight": 0}}
    _, solution = _replan(document)
    assert _orders(solution) == {"N1": ["Y", "X"], "N2": []}
    assert _stop(solution, "X").start == 10 * H + 3000  # 10:40 + 10 minutes


def test_a_gap_does_not_pull_a_told_visit_forward(document):
    # V3 may start from 11:00, but its patient was told 13:00; V2 is cancelled (no longer in the day).
    document["visits"][2]["window"] = {"start": "11:00", "end": "15:00"}
    document["visits"] = [document["visits"][0], document["visits"][2]]
    fresh = solve(parse_problem(document))
    assert _stop(fresh, "V3").start == 11 * H  # without a plan: as early as possible
    document["visits"][0]["planned"] = {"nurse": "N1", "start": "09:00"}
    document["visits"][1]["planned"] = {"nurse": "N2", "start": "13:00"}
    _, solution = _replan(document)
    assert _stop(solution, "V3").start == 13 * H


def test_a_visit_that_fits_nowhere_after_a_sick_call_says_why(published):
    published["as_of"] = "07:15"
    published["nurses"][1]["now"] = {"off_duty": True}
    published["nurses"][0]["shift"] = {"start": "08:00", "end": "12:30"}
    _, solution = _replan(published)
    reasons = {u.visit_id: u.reason for u in solution.unassigned}
    assert reasons == {"V3": "its nurse Bea is off duty; window 13:00–15:00 is outside every qualified nurse's shift"}


def test_a_break_already_taken_stays_and_a_missed_one_is_not_required(published):
    for nurse in published["nurses"]:
        nurse["break"] = {"window": {"start": "11:30", "end": "12:00"}, "duration_min": 30}
    published["as_of"] = "12:30"
    published["visits"][0]["progress"] = {"status": "done", "end": "12:10"}  # Ana worked through her lunch window
    published["visits"][1]["progress"] = {"status": "done"}
    published["nurses"][1]["now"] = {"time": "12:30", "break_start": "11:35"}
    _, solution = _replan(published)
    ana, bea = solution.routes
    assert ana.break_start is None  # missed: re-planning cannot give it back, and the checker does not ask for it
    assert bea.break_start == 11 * H + 35 * 60
    assert _orders(solution) == {"N1": ["V1"], "N2": ["V2", "V3"]}


def test_a_nurse_with_nothing_more_takes_her_break_on_the_way_home(published):
    published["nurses"][0]["break"] = {"window": {"start": "11:30", "end": "12:00"}, "duration_min": 30}
    published["as_of"] = "09:30"
    published["visits"][0]["progress"] = {"status": "in_progress"}  # 09:00-10:00, her only visit
    _, solution = _replan(published)
    ana = solution.routes[0]
    assert [s.visit_id for s in ana.stops] == ["V1"]
    assert (ana.break_start, ana.return_time) == (11 * H + 1800, 10 * H + 600)  # home at 10:10, lunch at 11:30


def test_the_roster_in_force_is_re_timed_from_each_nurses_now(published):
    published["as_of"] = "09:30"
    published["visits"][1]["progress"] = {"status": "in_progress", "end": "11:50"}  # V2 runs long
    problem = parse_problem(published)
    roster = current_roster(problem)
    assert check_solution(problem, roster) == []
    assert _orders(roster) == {"N1": ["V1"], "N2": ["V2", "V3"]}
    assert _stop(roster, "V3").start == 13 * H
    published["visits"][1]["progress"] = {"status": "in_progress", "end": "14:55"}  # V3 closes at 15:00
    roster = current_roster(parse_problem(published))
    assert [u.visit_id for u in roster.unassigned] == ["V3"]
    assert roster.unassigned[0].reason == "no longer fits Bea's day as planned"


def test_replan_re_plans_a_day_under_way(published):
    published["as_of"] = "07:15"
    published["nurses"][1]["now"] = {"off_duty": True}
    problem = parse_problem(published)
    solution = replan(problem)
    assert sorted(_orders(solution)["N1"]) == ["V1", "V2", "V3"]
    summary = roster_document(problem, solution)["summary"]
    assert (summary["planned"], summary["planned_moved"], summary["planned_lost"]) == (3, 2, 0)


def test_solve_refuses_a_day_under_way_and_names_the_field(published):
    published["as_of"] = "07:15"
    with pytest.raises(ProblemError, match=r"^as_of: .*call solver\.replan"):
        solve(parse_problem(published))


def test_solve_refuses_a_roster_in_force_and_names_the_planned_visit(published):
    with pytest.raises(ProblemError, match=r"^visits\[0\]\.planned: .*call solver\.replan"):
        solve(parse_problem(published))


def test_a_nurse_reporting_before_her_shift_still_starts_at_its_start(published):
    published["as_of"] = "07:15"
    published["nurses"][0]["now"] = {"time": "07:15"}  # at home, an early riser
    published["visits"][0]["window"] = {"start": "07:00", "end": "10:00"}
    published["visits"][0]["planned"] = {"nurse": "N1", "start": "08:10"}
    _, solution = _replan(published)
    assert solution.routes[0].departure >= 8 * H
    assert _stop(solution, "V1").start == 8 * H + 600

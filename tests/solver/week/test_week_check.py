"""The independent week checker, one broken rule at a time on a plan that passed it."""

from __future__ import annotations

import copy

import pytest

from solver.week import check_week, parse_week, plan_week
from tests.solver.week.conftest import BASE_WEEK, TUE


@pytest.fixture(scope="module")
def planned():
    problem = parse_week(copy.deepcopy(BASE_WEEK))
    plan = plan_week(problem).document()
    assert check_week(problem, plan) == []
    return problem, plan


def _find(plan, visit_id):
    for day, roster in plan["days"].items():
        for route in roster["routes"]:
            for k, stop in enumerate(route["stops"]):
                if stop["visit_id"] == visit_id:
                    return day, route, k
    raise KeyError(visit_id)


def _moved(plan, visit_id, to_day):
    """The plan with the visit's whole route moved to another day (same nurse and times)."""
    plan = copy.deepcopy(plan)
    day, route, k = _find(plan, visit_id)
    stop = route["stops"].pop(k)
    target = next(r for r in plan["days"][to_day]["routes"] if r["nurse_id"] == route["nurse_id"])
    stop = {**stop, **{key: stop[key].replace(day, to_day) for key in ("arrival", "start", "end")}}
    target["stops"] = [stop]
    target.update({key: route[key] for key in ("travel_s", "waiting_s", "service_s", "working_s", "overtime_s") if key in route})
    target["departure"], target["return"] = (route[key].replace(day, to_day) for key in ("departure", "return"))
    if not route["stops"]:
        for key in ("departure", "return", "working_s", "break", "overtime_s"):
            route.pop(key, None)
    return plan


def test_a_session_outside_its_gap_is_reported(planned):
    problem, plan = planned
    bad = _moved(plan, "A2", TUE)  # one day after A1, min gap 3
    assert any("outside 3–4" in v for v in check_week(problem, bad))


def test_a_visit_served_twice_is_reported(planned):
    problem, plan = planned
    bad = copy.deepcopy(plan)
    bad["unassigned"].append({"visit_id": "B1", "reason": "x"})
    assert any("B1 is served 1× and listed unassigned 1×" in v for v in check_week(problem, bad))


def test_a_visit_on_a_day_its_nurse_does_not_work_is_reported(planned):
    problem, plan = planned
    day, route, _ = _find(plan, "A2")
    shifts = dict(problem.nurse(route["nurse_id"]).shifts)
    del shifts[__import__("datetime").date.fromisoformat(day)]
    from dataclasses import replace

    nurses = tuple(replace(n, shifts=shifts) if n.id == route["nurse_id"] else n for n in problem.nurses)
    assert any("does not work" in v for v in check_week(replace(problem, nurses=nurses), plan))


def test_a_week_above_the_cap_is_reported(planned):
    problem, plan = planned
    from dataclasses import replace

    _, route, _ = _find(plan, "A1")
    nurses = tuple(replace(n, max_week_min=1) if n.id == route["nurse_id"] else n for n in problem.nurses)
    assert any("above max_week_min 1" in v for v in check_week(replace(problem, nurses=nurses), plan))


def test_a_day_roster_that_breaks_a_day_rule_is_reported(planned):
    problem, plan = planned
    bad = copy.deepcopy(plan)
    _, route, k = _find(bad, "A1")
    route["stops"][k]["start"] = route["stops"][k]["start"].replace("T", "T").replace(route["stops"][k]["start"][11:16], "13:30")
    assert any("outside its windows" in v for v in check_week(problem, bad))


def test_a_later_session_given_after_an_earlier_one_left_out_is_reported(planned):
    problem, plan = planned
    bad = copy.deepcopy(plan)
    day, route, k = _find(bad, "A1")
    route["stops"].pop(k)
    bad["unassigned"].append({"visit_id": "A1", "reason": "x"})
    assert any("though the earlier session A1 is not" in v for v in check_week(problem, bad))

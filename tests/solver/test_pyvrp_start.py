"""PyVRP's first roster: which days it may build, and that what it builds keeps our rules and our objective's order."""

from __future__ import annotations

from pathlib import Path

import pytest

from solver import check_solution, parse_problem, solve
from solver.explain import eligibility
from solver.pyvrp_start import pyvrp_can_express, pyvrp_positions
from tests.conftest import SHARED


def _expressible(document) -> bool:
    problem = parse_problem(document)
    return pyvrp_can_express(problem, eligibility(problem))


def test_a_day_without_breaks_or_skills_is_expressible(document):
    assert _expressible(document)


def _two_windows(visit: dict) -> None:
    del visit["window"]
    visit["windows"] = [{"start": "09:00", "end": "10:00"}, {"start": "13:00", "end": "14:00"}]


@pytest.mark.parametrize(
    "change",
    [
        lambda d: d["nurses"][1].update(**{"break": {"window": {"start": "12:00", "end": "12:30"}, "duration_min": 30}}),
        lambda d: d["visits"][0].update(required_skills=["ketamine"]),  # only Ana holds it
        lambda d: d["visits"][0].update(pinned_nurse="N2"),
        lambda d: d["visits"][0].update(excluded_nurses=["N1"]),
        lambda d: d["visits"][0].update(preferred_nurses=["N1"]),
        lambda d: _two_windows(d["visits"][1]),
    ],
    ids=["break", "skill", "pinned", "excluded", "preferred", "two windows"],
)
def test_rules_pyvrp_cannot_hold_keep_the_day_from_it(document, change):
    change(document)
    assert not _expressible(document)


def test_an_overbooked_day_serves_the_heavier_visit(document):
    # Ana alone, 09:00-10:30: V1 (60 min, opens 09:00) or V2 (40 min), not both; V2 weighs 10.
    document["nurses"] = document["nurses"][:1]
    document["nurses"][0]["shift"] = {"start": "08:45", "end": "10:30"}
    document["visits"] = document["visits"][:2]
    document["visits"][1]["priority"] = 10
    problem = parse_problem(document)
    eligible = eligibility(problem)
    assert pyvrp_positions(problem, eligible, 0.5, serve_all=False) == [(1,)]
    solution = solve(problem)
    assert check_solution(problem, solution) == []
    assert [stop.visit_id for stop in solution.routes[0].stops] == ["V2"]


def test_max_visits_holds_in_pyvrps_roster(document):
    for nurse in document["nurses"]:
        nurse["max_visits"] = 1
    problem = parse_problem(document)
    positions = pyvrp_positions(problem, eligibility(problem), 0.5, serve_all=False)
    assert positions is not None
    assert sorted(len(order) for order in positions) == [1, 1]


def test_pyvrps_roster_of_the_hand_worked_day_is_the_least_travel_one(document):
    problem = parse_problem(document)
    assert pyvrp_positions(problem, eligibility(problem), 0.5, serve_all=True) == [(0,), (1, 2)]


@pytest.mark.skipif(not (SHARED / "benchmarks" / "solomon").is_dir(), reason="../shared/benchmarks (Solomon) is absent")
def test_a_solomon_instance_is_served_whole_and_feasibly():
    from harness.bench.solomon import check_routes, parse_solomon, routes_from_solution, to_problem

    path = Path(SHARED / "benchmarks" / "solomon" / "R101.txt")
    instance = parse_solomon(path.read_text(), "R101")
    problem = to_problem(instance, time_limit_s=2)
    solution = solve(problem)
    routes = routes_from_solution(problem, solution)
    assert check_routes(instance, routes) == []

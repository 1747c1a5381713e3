"""Large days are searched in parts; a given roster can seed the search; preferences never make a model infeasible."""

from __future__ import annotations

import time
from dataclasses import replace

import pytest

import solver.search as search_module  # where the day's search decides to split it
from harness.generate import generate_day
from solver import check_solution, parse_problem, solve
from solver.decompose import partition
from solver.explain import eligibility
from solver.routing import search


@pytest.fixture(scope="module")
def day():
    doc = generate_day(nurses=16, visits=110, seed=5)
    doc["options"] = {"time_limit_s": 2}
    return parse_problem(doc)


def test_parts_share_visits_in_proportion_to_nurses(day):
    parts = partition(day, eligibility(day), max_visits=30)
    assert len(parts) >= 4
    nurses = sorted(n for part in parts for n in part.nurse_positions)
    assert nurses == list(range(len(day.nurses)))  # every nurse in exactly one part
    visits = [v for part in parts for v in part.visit_positions]
    assert len(visits) == len(set(visits))
    ratios = [len(p.visit_positions) / len(p.nurse_positions) for p in parts]
    assert max(ratios) - min(ratios) < 3.0


def test_pinned_visits_go_to_the_part_of_their_nurse(day):
    positions = {nurse.id: i for i, nurse in enumerate(day.nurses)}
    for part in partition(day, eligibility(day), max_visits=30):
        for v in part.visit_positions:
            pinned = day.visits[v].pinned_nurse
            if pinned is not None:
                assert positions[pinned] in part.nurse_positions


def test_a_day_solved_in_parts_is_feasible_and_uses_every_part(day, monkeypatch):
    monkeypatch.setattr(search_module, "DECOMPOSE_ABOVE_VISITS", 40)
    monkeypatch.setattr(search_module, "PART_VISITS", 40)
    solution = solve(day)
    assert check_solution(day, solution) == []
    assert sum(1 for route in solution.routes if route.stops) > len(day.nurses) // 2
    assert not any("time limit ran out" in u.reason for u in solution.unassigned)


def _solved_in_two_parts(day, monkeypatch, first_holds_every_visit: bool):
    """The day solved in two halves of its nurses, searched in order, one holding every visit, the other none.

    Returns the solution and the two halves' nurse positions; the roster is checked.
    """
    from solver.decompose import Part

    routable = tuple(v for v, e in enumerate(eligibility(day)) if e.nurse_positions)
    first, second = tuple(range(8)), tuple(range(8, len(day.nurses)))
    parts = [Part(first, routable), Part(second, ())] if first_holds_every_visit else [Part(first, ()), Part(second, routable)]
    monkeypatch.setattr(search_module, "DECOMPOSE_ABOVE_VISITS", 40)
    monkeypatch.setattr(search_module, "partition", lambda *_: parts)
    solution = solve(day)
    assert check_solution(day, solution) == []
    return solution, first, second


def _assert_served_near(day, solution, nurses: tuple[int, ...]) -> None:
    """These nurses serve at least ten visits, each with one of them among its nearest qualified nurses."""
    from solver.decompose import OFFERED_TO_NEAREST_NURSES

    eligible = eligibility(day)
    by_position = {visit.id: v for v, visit in enumerate(day.visits)}
    ids = {day.nurses[n].id for n in nurses}
    served = [by_position[stop.visit_id] for route in solution.routes if route.nurse_id in ids for stop in route.stops]
    assert len(served) >= 10
    for v in served:
        place = day.visits[v].location_index
        nearest = sorted(eligible[v].nurse_positions, key=lambda n: (int(day.durations[day.nurses[n].start_index, place]), n))
        assert set(nearest[:OFFERED_TO_NEAREST_NURSES]) & set(nurses)


def test_what_a_part_leaves_out_is_offered_to_the_later_part_of_its_nearest_nurses(day, monkeypatch):
    """Half the nurses hold every visit and cannot serve them all; the other half, searched after, hold none.

    The visits the first part leaves out go to the second part when one of its nurses is among their
    nearest qualified ones, so its nurses serve them; before they were offered, they served nothing.
    """
    solution, _, second = _solved_in_two_parts(day, monkeypatch, first_holds_every_visit=True)
    _assert_served_near(day, solution, second)


def test_what_the_last_part_leaves_out_is_offered_back_to_an_earlier_part_of_its_nearest_nurses(day, monkeypatch):
    """Half the nurses, searched first, hold no visit; the other half hold every visit and cannot serve them all.

    No part comes after the second, so what it leaves out goes back, in a second pass, to the first part
    when one of its nurses is among their nearest qualified ones; before, the first part's nurses served nothing.
    """
    solution, first, _ = _solved_in_two_parts(day, monkeypatch, first_holds_every_visit=False)
    _assert_served_near(day, solution, first)


def test_search_improves_a_given_roster_and_never_worsens_it(day):
    eligible = eligibility(day)
    first = search(replace(day, options=replace(day.options, time_limit_s=0.5)), eligible)
    again = search(day, eligible, initial=first.per_nurse)
    assert again.complete
    assert again.objective <= first.objective


def test_visits_with_preferred_nurses_do_not_make_a_part_infeasible():
    # Regression: counting preference *misses* per nurse made OR-Tools models infeasible when such a
    # visit was left out; every visit then came back "time limit ran out".
    doc = generate_day(nurses=30, visits=230, seed=1)
    doc["options"] = {"time_limit_s": 2}
    problem = parse_problem(doc)
    assert sum(1 for v in problem.visits if v.preferred_nurses) > 10
    solution = solve(problem)
    assert not any("time limit ran out" in u.reason for u in solution.unassigned)
    assert len(solution.unassigned) < len(problem.visits) // 2


def test_progress_is_reported_while_parts_are_searched(day, monkeypatch):
    monkeypatch.setattr(search_module, "DECOMPOSE_ABOVE_VISITS", 40)
    monkeypatch.setattr(search_module, "PART_VISITS", 40)
    seen: list[tuple[int, float, int]] = []
    solution = solve(day, lambda objective, elapsed, placed: seen.append((objective, elapsed, placed)))
    assert len(seen) >= 4
    assert seen[-1][1] >= seen[0][1]  # elapsed time runs forward across parts
    # Visits placed add up across parts: the last report counts the finished parts' visits and the last part's.
    assert max(placed for _, _, placed in seen) > max(placed for _, _, placed in seen[:1])
    assert seen[-1][2] <= sum(len(route.stops) for route in solution.routes)


def test_an_overbooked_day_starts_from_vrooms_roster_and_keeps_what_it_packed(day, monkeypatch):
    from solver.vroom_start import vroom_positions

    given = []

    def recording(problem, threads, seconds, exploration_level=5):
        positions = vroom_positions(problem, threads, seconds, exploration_level)
        given.append((exploration_level, positions))
        return positions

    monkeypatch.setattr("solver.vroom_start.vroom_positions", recording)
    solution = solve(day)
    assert [level for level, _ in given] == [1, 5]  # the probe found the day overbooked, then VROOM built a roster
    packed = {day.visits[v].id for order in given[1][1] for v in order}
    weight = {v.id: v.priority for v in day.visits}
    served = {s.visit_id for r in solution.routes for s in r.stops}
    assert sum(weight[v] for v in served) >= sum(weight[v] for v in packed)
    assert check_solution(day, solution) == []


def test_the_insertion_start_leaves_vroom_out(day, monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("VROOM must not run with first_roster insertion")

    monkeypatch.setattr("solver.vroom_start.vroom_positions", refuse)
    solution = solve(replace(day, options=replace(day.options, first_roster="insertion")))
    assert check_solution(day, solution) == []


def test_vrooms_first_roster_prices_a_missed_preference_as_the_objective_does_when_asked():
    """Two visits at one place 100 s from N1's home and 200 s from N2's; V1 prefers N2, V2 prefers N1.

    Without pricing, VROOM gives N1 both (200 s of driving). Priced at 600 s a miss, V1 goes to N2 (400 s of
    driving against 600) and V2 stays with N1: each visit has a node of its own, though they share a place.
    Priced at 150 s, the miss is cheaper than N2's drive and N1 keeps both: a price, not a rule.
    """
    from solver.vroom_start import vroom_positions

    doc = {
        "date": "2026-12-07",
        "timezone": "America/Denver",
        "travel": {"durations_s": [[0, 300, 100], [300, 0, 200], [100, 200, 0]]},
        "nurses": [
            {"id": "N1", "start": {"index": 0}, "shift": {"start": "08:00", "end": "16:00"}},
            {"id": "N2", "start": {"index": 1}, "shift": {"start": "08:00", "end": "16:00"}},
        ],
        "visits": [
            {"id": f"V{k}", "location": {"index": 2}, "window": {"start": "09:00", "end": "15:00"}, "duration_min": 40}
            | {"preferred_nurses": [nurse]}
            for k, nurse in enumerate(["N2", "N1"], start=1)
        ],
    }

    def roster(**options):
        return vroom_positions(parse_problem({**doc, "options": options}), 1, 2.0)

    assert sorted(roster(preference_weight_s=600)[0]) == [0, 1]
    assert roster(preference_weight_s=600, preferences_in_first_roster=True) == [(1,), (0,)]
    assert sorted(roster(preference_weight_s=150, preferences_in_first_roster=True)[0]) == [0, 1]


def test_an_overbooked_day_pricing_preferences_starts_from_vrooms_priced_roster(day, monkeypatch):
    """The probe is plain (does everything fit?); the roster the search starts from prices preferences."""
    from solver.vroom_start import vroom_positions

    built = []

    def recording(problem, threads, seconds, exploration_level=5):
        positions = vroom_positions(problem, threads, seconds, exploration_level)
        built.append((exploration_level, problem.options.preferences_in_first_roster, positions))
        return positions

    monkeypatch.setattr("solver.vroom_start.vroom_positions", recording)
    priced = replace(day, options=replace(day.options, preferences_in_first_roster=True))
    solution = solve(priced)
    assert [(level, pricing) for level, pricing, _ in built] == [(1, False), (5, True)]
    weight = {v.id: v.priority for v in day.visits}
    start = sum(weight[day.visits[v].id] for order in built[1][2] for v in order)
    served = {s.visit_id for r in solution.routes for s in r.stops}
    assert sum(weight[v] for v in served) >= start
    assert check_solution(priced, solution) == []


def test_a_roster_or_tools_cannot_start_from_is_kept_when_searching_afresh_does_worse():
    # Everyone's lunch in one window (the "lunch" shape): OR-Tools fails to time VROOM's routes, which hold,
    # and searching afresh left 79 weight out where VROOM's roster leaves 44.
    from solver.vroom_start import vroom_positions

    doc = generate_day(nurses=40, visits=300, seed=1, shape="lunch")
    problem = parse_problem(doc)
    eligible = eligibility(problem)
    given = vroom_positions(problem, 2, 3.0)
    result = search(problem, eligible, initial=given, deadline=time.monotonic() + 3.0)
    weight = [visit.priority for visit in problem.visits]
    assert sum(weight[v] for order in result.per_nurse for v in order) >= sum(weight[v] for order in given for v in order)

"""Re-planning benchmark: a day solved and published, events injected at a time of day, the rest re-planned.

Each scenario is re-planned three ways: the roster in force as it stands (no search), `replan`
(disruption costs, warm start from the published routes) and from scratch (the same residual day
with no plan: no disruption costs, no warm start, the usual first roster). Counted against the
published roster: visits moved to another nurse, re-timed beyond the tolerance, and lost (planned,
not cancelled, not served). The day comes in as a Problem (cli/main.py generates it).
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from solver.as_planned import published, state_as_planned
from solver.check import check_solution
from solver.disruption import disruption
from solver.model import DayState, NurseNow, Problem, Solution, Stop, TimeWindow, Visit
from solver.replan import current_roster, replan
from solver.solve import solve
from solver.urgent import urgent_slots

URGENT_ID = "URGENT"
URGENT_MINUTES = 90
URGENT_WINDOW_S = 3 * 3600
URGENT_SKILLS = frozenset({"rn", "iv", "ketamine"})
CANCELLED_SHARE = 0.05
OVERRUN_S = 30 * 60
MORNING_CALL = 7 * 3600 + 15 * 60  # 07:15
MID_MORNING = 10 * 3600 + 40 * 60  # 10:40


@dataclass(frozen=True)
class Scenario:
    """The published day with events injected at `moment`; cancelled visits left out of `problem`."""

    name: str
    problem: Problem
    cancelled: tuple[str, ...] = ()


@dataclass(frozen=True)
class Row:
    day: str
    scenario: str
    engine: str
    seconds: float
    moved: int
    retimed: int
    lost: int
    unserved_weight: int  # priority weight of every visit left unassigned (planned or not)
    urgent_served: str  # "yes", "no" or "-" (no urgent visit)
    travel_h: float
    feasible: bool


@dataclass(frozen=True)
class UrgentTiming:
    day: str
    median_ms: float
    max_ms: float
    slots: int
    best: str


def scenarios(day: Problem, roster: Solution, seed: int) -> list[Scenario]:
    """The events of the issue, one at a time and all together, on the published day."""
    planned = published(day, roster)
    rng = random.Random(seed)
    busiest = max(roster.routes, key=lambda route: len(route.stops)).nurse_id
    morning = replace(planned, state=state_as_planned(planned, roster, MORNING_CALL))
    later = replace(planned, state=state_as_planned(planned, roster, MID_MORNING))
    cancelled = _cancellations(later, rng)
    return [
        Scenario("nurse sick from 07:15", _off_duty(morning, busiest)),
        Scenario("urgent ketamine visit at 10:40", _with_urgent(later, seed)),
        Scenario("5 % cancelled at 10:40", _without(later, cancelled), cancelled),
        Scenario("visit overruns 30 min at 10:40", _overrun(later)),
        Scenario(
            "all at 10:40 (nurse sent home sick)",
            _overrun(_off_duty(_with_urgent(_without(later, cancelled), seed), busiest)),
            cancelled,
        ),
    ]


def run_scenario(day_label: str, scenario: Scenario, seconds: float) -> list[Row]:
    """The roster in force, `replan` and from scratch on one scenario."""
    problem = replace(scenario.problem, options=replace(scenario.problem.options, time_limit_s=seconds))
    scratch = replace(problem, visits=tuple(replace(visit, planned=None) for visit in problem.visits))
    engines: list[tuple[str, Callable[[], Solution]]] = [
        ("roster in force", lambda: current_roster(problem)),
        ("replan", lambda: replan(problem)),
        ("from scratch", lambda: replan(scratch)),  # the residual day with no plan to keep: solved as new
    ]
    rows = []
    for engine, run in engines:
        started = time.monotonic()
        solution = run()
        seconds_taken = time.monotonic() - started
        change = disruption(problem, solution)
        has_urgent = any(visit.id == URGENT_ID for visit in problem.visits)
        served = URGENT_ID in solution.assigned_visit_ids()
        priority = {visit.id: visit.priority for visit in problem.visits}
        rows.append(
            Row(
                day_label,
                scenario.name,
                engine,
                round(seconds_taken, 2),
                len(change.moved),
                len(change.retimed),
                len(change.lost),
                sum(priority[u.visit_id] for u in solution.unassigned),
                ("yes" if served else "no") if has_urgent else "-",
                round(sum(route.travel for route in solution.routes) / 3600, 1),
                not check_solution(problem, solution),
            )
        )
    return rows


def time_urgent(day_label: str, events: list[Scenario], repeats: int = 5) -> UrgentTiming:
    """How long ranking the urgent visit's slots takes on the roster in force of the first scenario that has one."""
    scenario = next(s for s in events if any(visit.id == URGENT_ID for visit in s.problem.visits))
    current = current_roster(scenario.problem)
    timings, slots = [], ()
    for _ in range(repeats):
        started = time.perf_counter()
        slots = urgent_slots(scenario.problem, current, URGENT_ID)
        timings.append(time.perf_counter() - started)
    clock = scenario.problem.clock
    best = "-"
    if slots:
        top = slots[0]
        best = f"{top.nurse_id} at {clock.hhmm(top.start)}, {top.added_travel / 60:+.0f} min driving" + "".join(
            f", bumps {b.visit_id}" for b in top.bumped
        )
    return UrgentTiming(day_label, round(statistics.median(timings) * 1000, 1), round(max(timings) * 1000, 1), len(slots), best)


def markdown(rows: list[Row], timings: list[UrgentTiming]) -> str:
    lines = [
        "| day | scenario | engine | time | moved | re-timed > tolerance | lost | unserved weight | urgent served "
        "| travel h | feasible |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    lines += [
        f"| {r.day} | {r.scenario} | {r.engine} | {r.seconds:.2f} s | {r.moved} | {r.retimed} | {r.lost} | "
        f"{r.unserved_weight} | {r.urgent_served} | {r.travel_h} | {'yes' if r.feasible else 'NO'} |"
        for r in rows
    ]
    if timings:
        lines += ["", "| day | urgent slots ranked: median | max | slots | best |", "|---|---|---|---|---|"]
        lines += [f"| {t.day} | {t.median_ms} ms | {t.max_ms} ms | {t.slots} | {t.best} |" for t in timings]
    return "\n".join(lines)


def _off_duty(problem: Problem, nurse_id: str) -> Problem:
    """`nurse_id` takes nothing more from the state's as_of; what she has done stays."""
    state = problem.state
    assert state is not None
    now = state.of(nurse_id)
    if now is None:
        nurse = problem.nurse(nurse_id)
        now = NurseNow(nurse_id, nurse.start_index, state.as_of)
    others = tuple(n for n in state.nurses if n.nurse_id != nurse_id)
    return replace(problem, state=DayState(state.as_of, (*others, replace(now, off_duty=True))))


def _with_urgent(problem: Problem, seed: int) -> Problem:
    """A ketamine visit for within three hours of as_of, at one of the day's patients' addresses."""
    assert problem.state is not None
    place = random.Random(seed).choice(problem.visits).location_index
    start = problem.state.as_of
    urgent = Visit(
        URGENT_ID,
        place,
        (TimeWindow(start, start + URGENT_WINDOW_S),),
        URGENT_MINUTES * 60,
        URGENT_SKILLS,
        priority=10,
        service="urgent migraine ketamine",
    )
    return replace(problem, visits=(*problem.visits, urgent))


def _cancellations(problem: Problem, rng: random.Random) -> tuple[str, ...]:
    assert problem.state is not None
    committed = problem.state.committed_visit_ids()
    open_visits = sorted(visit.id for visit in problem.visits if visit.planned is not None and visit.id not in committed)
    return tuple(rng.sample(open_visits, round(CANCELLED_SHARE * len(open_visits))))


def _without(problem: Problem, visit_ids: tuple[str, ...]) -> Problem:
    gone = set(visit_ids)
    return replace(problem, visits=tuple(visit for visit in problem.visits if visit.id not in gone))


def _overrun(problem: Problem) -> Problem:
    """The first visit in progress at as_of (by nurse order) runs OVERRUN_S longer."""
    state = problem.state
    assert state is not None
    for k, now in enumerate(state.nurses):
        last = now.committed[-1] if now.committed else None
        if last is not None and last.start < state.as_of < last.end and not now.off_duty:
            longer = Stop(last.visit_id, last.arrival, last.start, last.end + OVERRUN_S)
            late = replace(now, committed=(*now.committed[:-1], longer), free_at=max(now.free_at, longer.end))
            return replace(problem, state=replace(state, nurses=(*state.nurses[:k], late, *state.nurses[k + 1 :])))
    return problem


def publish(day: Problem, seconds: float) -> Solution:
    """The day's roster as published: solved from scratch within `seconds`."""
    return solve(replace(day, options=replace(day.options, time_limit_s=seconds)))

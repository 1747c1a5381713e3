"""Re-planning a day under way: from each nurse's now, starting from the roster in force and keeping close to it.

`replan(problem)` searches the residual day (solver.residual) from the published orders (what
still fits of them), with the disruption costs of docs/objective.md, then puts the committed
stops back in front. `current_roster(problem)` is the roster in force as it stands now, with no
search: the starting point of `replan` and of urgent insertion (solver.urgent).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from solver.check import assert_feasible
from solver.decompose import partition, parts_keeping_plans
from solver.explain import Eligibility, eligibility
from solver.insertion import RemainingDays
from solver.model import Problem, Solution, SolveStats, Unassigned
from solver.residual import nurse_name, reason_in_state, residual, whole_day_routes
from solver.routing import PORTFOLIO, Progress, Sequences, search
from solver.schedule import InfeasibleSequence, schedule_near_plan, schedule_route
from solver.search import DECOMPOSE_ABOVE_VISITS, PART_VISITS, search_day, search_parts, solve_deadline, unassigned_visits

NOT_PLANNED = "not in the roster in force yet"
NOT_REASSIGNED = "not given to another nurse yet (re-plan)"
REPAIR_SHARE = 0.2  # of the time, at most, to put visits the kept orders leave out where they fit
REPAIR_TIMED_POSITIONS = 40  # per visit: the cheapest positions timed exactly


def replan(problem: Problem, on_progress: Progress | None = None) -> Solution:
    """A new roster for the rest of the day that changes the roster in force as little as it is worth.

    Committed stops stay as they are; each nurse goes on from her now. With planned visits, the
    search starts from the published orders (never from scratch or VROOM) and prices every change
    (docs/objective.md); without any, the rest of the day is solved as a new day.
    """
    started = time.monotonic()
    deadline = solve_deadline(problem, started)
    rest = residual(problem)
    day = rest.problem
    if on_progress is not None:  # the visits done or under way are placed already: count them in
        on_progress = _counting_from(on_progress, len(problem.visits) - len(day.visits))
    eligible = eligibility(day)
    initial = kept_orders(day, eligible)
    if initial is None:
        sequences = search_day(day, eligible, on_progress, deadline)
    else:
        repair_until = time.monotonic() + REPAIR_SHARE * (deadline - time.monotonic())
        initial = filled_orders(day, eligible, initial, rest.away, repair_until)
        sequences = _search_from_plan(day, eligible, initial, on_progress, deadline)
    residual_routes = [
        schedule_near_plan(day, nurse, [day.visits[v] for v in order])
        for nurse, order in zip(day.nurses, sequences.per_nurse, strict=True)
    ]
    visits = {visit.id: visit for visit in day.visits}
    unassigned = tuple(
        Unassigned(u.visit_id, reason_in_state(problem, visits[u.visit_id], u.reason))
        for u in unassigned_visits(day, eligible, sequences)
    )
    stats = SolveStats(round(time.monotonic() - started, 3), sequences.objective, sequences.solutions_found)
    solution = Solution(whole_day_routes(problem, rest, residual_routes), unassigned, stats)
    assert_feasible(problem, solution)
    return solution


def _counting_from(on_progress: Progress, placed_before: int) -> Progress:
    return lambda objective, elapsed, placed: on_progress(objective, elapsed, placed_before + placed)


def current_roster(problem: Problem) -> Solution:
    """The roster in force as it stands at problem.state's as_of, re-timed from each nurse's now, without search.

    Each nurse keeps her planned visits in planned order as far as they still fit her day (a
    visit that no longer does is left out, with the reason); visits of a nurse off duty, and
    visits not planned yet, are unassigned.
    """
    started = time.monotonic()
    rest = residual(problem)
    day = rest.problem
    eligible = eligibility(day)
    orders = kept_orders(day, eligible) or [() for _ in day.nurses]
    residual_routes = [
        schedule_near_plan(day, nurse, [day.visits[v] for v in order]) for nurse, order in zip(day.nurses, orders, strict=True)
    ]
    served = {v for order in orders for v in order}
    nurse_ids = {nurse.id for nurse in day.nurses}
    unassigned = []
    for v, visit in enumerate(day.visits):
        if v in served:
            continue
        if screened := eligible[v].reason:
            reason = screened
        elif visit.planned is None:
            reason = NOT_PLANNED
        elif visit.planned.nurse_id in nurse_ids:
            reason = f"no longer fits {nurse_name(problem, visit.planned.nurse_id)}'s day as planned"
        else:  # off duty (reason_in_state says so) or her shift is over
            reason = NOT_REASSIGNED
            now = problem.state.of(visit.planned.nurse_id) if problem.state is not None else None
            if now is None or not now.off_duty:
                reason = f"{nurse_name(problem, visit.planned.nurse_id)}'s shift is over; {reason}"
        unassigned.append(Unassigned(visit.id, reason_in_state(problem, visit, reason)))
    stats = SolveStats(round(time.monotonic() - started, 3), 0, 0, engine="roster in force")
    solution = Solution(whole_day_routes(problem, rest, residual_routes), tuple(unassigned), stats)
    assert_feasible(problem, solution)
    return solution


def kept_orders(day: Problem, eligible: list[Eligibility]) -> list[tuple[int, ...]] | None:
    """Per nurse, her planned visits (positions) in planned order, as many as still fit; None if nothing is planned.

    A visit that no longer fits where it was (a late start, an overrun before it) is skipped, and the
    rest are tried after it: the search then finds it a place.
    """
    if not any(visit.planned is not None for visit in day.visits):
        return None
    position_of = {nurse.id: n for n, nurse in enumerate(day.nurses)}
    candidates: list[list[int]] = [[] for _ in day.nurses]
    for v, visit in sorted(enumerate(day.visits), key=lambda item: item[1].planned.start if item[1].planned else 0):
        if visit.planned is None or visit.planned.nurse_id not in position_of:
            continue
        n = position_of[visit.planned.nurse_id]
        if n in eligible[v].nurse_positions:
            candidates[n].append(v)
    orders = []
    for nurse, wanted in zip(day.nurses, candidates, strict=True):
        order: list[int] = []
        for v in wanted:
            try:
                schedule_route(day, nurse, [day.visits[u] for u in (*order, v)])
            except InfeasibleSequence:
                continue
            order.append(v)
        orders.append(tuple(order))
    return orders


def filled_orders(
    day: Problem, eligible: list[Eligibility], initial: list[tuple[int, ...]], away: Sequence[bool], until: float
) -> list[tuple[int, ...]]:
    """The kept orders with each routable visit they leave out put where it costs least, while one fits.

    Highest priority first, then the tightest windows. Guided local search from the kept orders
    alone seldom finds room for many visits at once (a sick nurse's day); this gives it a start
    that serves them where they fit without moving anyone.
    """
    days = RemainingDays(
        day,
        [[day.visits[v] for v in order] for order in initial],
        away,
        {visit.id: visit.planned.start for visit in day.visits if visit.planned is not None},
    )
    placed = {v for order in initial for v in order}
    missing = sorted(
        (v for v, e in enumerate(eligible) if e.nurse_positions and v not in placed),
        key=lambda v: (-day.visits[v].priority, sum(w.end - w.start for w in day.visits[v].windows)),
    )
    for v in missing:
        if time.monotonic() > until:
            break
        found = days.best(day.visits[v], eligible[v].nurse_positions, 1, max_timed=REPAIR_TIMED_POSITIONS)
        if found:
            days.orders[found[0].nurse].insert(found[0].position, day.visits[v])
    position_of = {visit.id: v for v, visit in enumerate(day.visits)}
    return [tuple(position_of[visit.id] for visit in order) for order in days.orders]


def _search_from_plan(
    day: Problem, eligible: list[Eligibility], initial: list[tuple[int, ...]], on_progress: Progress | None, deadline: float
) -> Sequences:
    """Guided local search from the kept orders; a large day in parts, each nurse with her own planned visits."""
    plan = replace(PORTFOLIO[0], metaheuristic="GLS")
    if sum(1 for e in eligible if e.nurse_positions) <= DECOMPOSE_ABOVE_VISITS:
        return search(day, eligible, on_progress, plan, initial=initial, deadline=deadline)
    parts = parts_keeping_plans(partition(day, eligible, PART_VISITS), initial)
    return search_parts(day, eligible, parts, initial, on_progress, deadline)

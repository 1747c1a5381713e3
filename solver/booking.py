"""Booking: where one new visit fits in a day's routes as they stand, nurse by nurse, without moving anyone's visit far.

A day's routes come as each nurse's visit ids in order (the roster in force, or a draft); `settle`
times them, leaves out a visit that no longer fits its nurse's day, and puts every visit of the
problem that no route holds (booked since, or held for a caller) in at its cheapest place. `openings`
then asks the cheapest insertion (solver.insertion) for the new visit in each nurse's settled day:
her name, the start, and the driving it adds. Pure: no clock, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from solver.explain import may_take
from solver.insertion import RemainingDays
from solver.model import Problem, Visit


@dataclass(frozen=True)
class Opening:
    """The new visit in one nurse's day: when she would arrive and start, and the driving it adds (seconds)."""

    nurse_id: str
    arrival: int
    start: int
    added_travel: int
    working: int = 0  # her day with it, departure to return (seconds): what a weekly cap counts


@dataclass(frozen=True)
class SettledDay:
    """Each nurse's day as it will be served, and the visits that fit nowhere (they take no capacity)."""

    days: RemainingDays
    left_out: tuple[str, ...]


def settle(problem: Problem, orders: Mapping[str, Sequence[str]], skip: frozenset[str] = frozenset()) -> SettledDay:
    """The routes given, each re-timed, then the problem's visits in no route put in cheapest first.

    Visits in `skip` (the new visit being offered) are in no route. A visit whose nurse may no longer take
    it, or that no longer fits her day in the order given, is taken out and placed again like a new one.
    Visits pinned to a nurse are placed first, then by priority, then by how narrow their window is.
    """
    by_id = {visit.id: visit for visit in problem.visits if visit.id not in skip}
    days = RemainingDays(problem, [[] for _ in problem.nurses], [False] * len(problem.nurses), {})
    placed: set[str] = set()
    for n, nurse in enumerate(problem.nurses):
        order = [by_id[v] for v in orders.get(nurse.id, ()) if v in by_id and v not in placed and may_take(nurse, by_id[v])]
        if order and days.time(n, order) is None:
            kept: list[Visit] = []
            for visit in order:
                if days.time(n, [*kept, visit]) is not None:
                    kept.append(visit)
            order = kept
        days.orders[n] = order
        placed.update(v.id for v in order)
    waiting = sorted(
        (visit for visit in by_id.values() if visit.id not in placed),
        key=lambda v: (v.pinned_nurse is None, -v.priority, v.windows[-1].end - v.windows[0].start, v.id),
    )
    left_out = []
    for visit in waiting:
        allowed = [n for n, nurse in enumerate(problem.nurses) if may_take(nurse, visit)]
        found = days.best(visit, allowed, 1)
        if not found:
            left_out.append(visit.id)
            continue
        days.orders[found[0].nurse].insert(found[0].position, visit)
    return SettledDay(days, tuple(left_out))


def openings(settled: SettledDay, visit: Visit, limit: int) -> list[Opening]:
    """The new visit's cheapest place in each nurse's day who may take it, the `limit` cheapest (least added driving)."""
    days = settled.days
    allowed = [n for n, nurse in enumerate(days.day.nurses) if may_take(nurse, visit)]
    found = days.best(visit, allowed, limit)
    return [
        Opening(
            days.day.nurses[f.nurse].id,
            f.route.stops[f.position].arrival,
            f.route.stops[f.position].start,
            f.added_travel,
            f.route.return_time - f.route.departure,
        )
        for f in found
    ]

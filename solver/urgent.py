"""Urgent insertion: where one new visit could go in the roster in force, ranked, and taking the one chosen.

A slot puts the visit into one nurse's remaining day (after her committed stops, from her now) at
one position; the rest of her day is re-timed near its plan, and the slot lists every visit whose
start moves, against the roster given (solver.insertion has the search and the cost). When a
nurse has no room, a variant takes out one of her visits of lower priority (two, if one is not
enough and together they weigh less) and gives each to the nurse who can take it at least cost,
or reports it left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from solver.check import assert_feasible
from solver.explain import may_take
from solver.insertion import Insertion, RemainingDays, Retimed
from solver.model import Problem, Solution, SolveStats, Unassigned, Visit
from solver.residual import Residual, full_route, residual, route_in_order

BUMP_NURSES = 5  # nurses without room for whom a variant taking out one of their visits is tried
BUMP_SLOTS = 3  # such variants returned, after the plain slots

__all__ = ["Bumped", "Retimed", "Slot", "accept_slot", "cheapest_position", "urgent_slots"]


@dataclass(frozen=True)
class Bumped:
    """A visit taken out to make room: who takes it instead (None: nobody, it is left out), where and when.

    With two visits taken out, the second's position counts the first if the same nurse takes both.
    """

    visit_id: str
    nurse_id: str | None
    position: int | None  # in that nurse's stops, committed ones included
    start: int | None
    retimed: tuple[Retimed, ...] = ()  # visits of that nurse whose start moves


@dataclass(frozen=True)
class Slot:
    """One way to serve the new visit."""

    nurse_id: str
    position: int  # index in her stops (committed ones included) where the visit goes
    arrival: int
    start: int
    added_travel: int  # seconds: hers, less what a bumped visit saved her, plus what it adds to its new nurse
    retimed: tuple[Retimed, ...]  # her other visits whose start moves
    cost: int  # the ranking, in seconds of travel (solver.insertion; each bumped visit re-placed adds reassign_weight_s)
    bumped: tuple[Bumped, ...] = ()  # visits taken out to make room (at most two)


class _Roster:
    """The roster given (each nurse's visit ids in order, committed ones first), seen from the residual day.

    `reference` are the starts that re-timing is counted against (the roster shown, or the plan).
    """

    def __init__(self, problem: Problem, orders: Mapping[str, Sequence[str]], reference: dict[str, int]):
        self.problem = problem
        self.rest: Residual = residual(problem)
        day = self.rest.problem
        self.visits = {visit.id: visit for visit in day.visits}
        self.committed: list[int] = []
        remaining = []
        for position in self.rest.nurse_positions:
            nurse = problem.nurses[position]
            now = problem.state.of(nurse.id) if problem.state is not None else None
            committed = [stop.visit_id for stop in now.committed] if now is not None else []
            order = list(orders.get(nurse.id, ()))
            if order[: len(committed)] != committed:
                raise ValueError(f"the roster given changes nurse {nurse.id}'s committed stops")
            self.committed.append(len(committed))
            remaining.append([self.visits[visit_id] for visit_id in order[len(committed) :]])
        self.days = RemainingDays(day, remaining, self.rest.away, reference)

    @classmethod
    def of(cls, problem: Problem, current: Solution) -> _Roster:
        routes = {route.nurse_id: route for route in current.routes}
        for nurse in problem.nurses:
            now = problem.state.of(nurse.id) if problem.state is not None else None
            committed = now.committed if now is not None else ()
            if nurse.id in routes and routes[nurse.id].stops[: len(committed)] != committed:
                raise ValueError(f"the roster given changes nurse {nurse.id}'s committed stops")
        orders = {route.nurse_id: [stop.visit_id for stop in route.stops] for route in current.routes}
        starts = {stop.visit_id: stop.start for route in current.routes for stop in route.stops}
        return cls(problem, orders, starts)

    def slot(self, found: Insertion) -> Slot:
        stop = found.route.stops[found.position]
        return Slot(
            self.days.day.nurses[found.nurse].id,
            self.committed[found.nurse] + found.position,
            stop.arrival,
            stop.start,
            found.added_travel,
            found.retimed,
            found.cost,
        )


def urgent_slots(problem: Problem, current: Solution, visit_id: str, limit: int = 10) -> tuple[Slot, ...]:
    """The best slot per nurse for visit `visit_id` (in `problem`, not in a route of `current`), cheapest first.

    `current` is the roster in force (e.g. `current_roster(problem)` or a re-planned one); its
    committed stops must be as problem.state says. After up to `limit` plain slots come up to
    BUMP_SLOTS variants that take out visits of lower priority (`Slot.bumped`). Every slot is feasible:
    `accept_slot` turns it into a roster that passes the checker.
    """
    roster = _Roster.of(problem, current)
    visit = roster.visits.get(visit_id)
    if visit is None:
        raise ValueError(f"visit {visit_id} is not in the problem, or is committed already")
    if any(v.id == visit_id for order in roster.days.orders for v in order):
        raise ValueError(f"visit {visit_id} is already in the roster given")
    allowed = [n for n, nurse in enumerate(roster.days.day.nurses) if may_take(nurse, visit)]
    plain = [roster.slot(found) for found in roster.days.best(visit, allowed, limit)]
    with_room = {slot.nurse_id for slot in plain}
    crowded = [n for n in allowed if roster.days.day.nurses[n].id not in with_room]
    return tuple(plain) + tuple(_bump_slots(roster, visit, crowded))


def cheapest_position(
    problem: Problem, orders: Mapping[str, Sequence[str]], reference: dict[str, int], visit_id: str, nurse_id: str
) -> int:
    """Where visit `visit_id` goes in nurse `nurse_id`'s order at least cost, ranked exactly as `urgent_slots` ranks.

    `orders` are each nurse's visit ids in order, committed ones first, without the visit; `reference`
    the starts that re-timing is counted against (the roster shown). Returns the index in her order.
    Raises InfeasibleSequence, with why in a dispatcher's words, when it fits nowhere in her day.
    """
    roster = _Roster(problem, orders, reference)
    whole_position = next(p for p, nurse in enumerate(problem.nurses) if nurse.id == nurse_id)
    n = roster.rest.residual_nurse(whole_position)
    found = [] if n is None else roster.days.best(roster.visits[visit_id], [n], 1)
    if found:
        return roster.committed[found[0].nurse] + found[0].position
    # Why not: her day with the visit last (the insertion's screening only skips orders this refuses).
    at_end = [*orders.get(nurse_id, ()), visit_id]
    route_in_order(problem, nurse_id, at_end, roster.rest)
    return len(at_end) - 1


def accept_slot(problem: Problem, current: Solution, visit_id: str, slot: Slot) -> Solution:
    """`current` with the slot taken (and its bumped visit moved or left out), checked by the independent checker."""
    roster = _Roster.of(problem, current)
    day = roster.days.day
    by_id = {nurse.id: n for n, nurse in enumerate(day.nurses)}
    orders = {n: list(order) for n, order in enumerate(roster.days.orders)}
    n = by_id[slot.nurse_id]
    unassigned = [u for u in current.unassigned if u.visit_id != visit_id]
    changed = {n}
    orders[n] = [v for v in orders[n] if v.id not in {b.visit_id for b in slot.bumped}]
    for bumped in slot.bumped:  # in the order they were given away, as urgent_slots placed them
        if bumped.nurse_id is None or bumped.position is None:
            unassigned.append(Unassigned(bumped.visit_id, f"taken out to make room for urgent visit {visit_id}"))
            continue
        other = by_id[bumped.nurse_id]
        at = bumped.position - roster.committed[other]
        orders[other] = [*orders[other][:at], roster.visits[bumped.visit_id], *orders[other][at:]]
        changed.add(other)
    at = slot.position - roster.committed[n]
    orders[n] = [*orders[n][:at], roster.visits[visit_id], *orders[n][at:]]
    routes = list(current.routes)
    for m in changed:
        tail = roster.days.time(m, orders[m])
        if tail is None:
            raise ValueError(f"the slot no longer fits {day.nurses[m].name or 'nurse ' + day.nurses[m].id}'s day")
        nurse = problem.nurses[roster.rest.nurse_positions[m]]
        now = problem.state.of(nurse.id) if problem.state is not None else None
        whole = full_route(problem, nurse, now, tail)
        routes = [whole if route.nurse_id == nurse.id else route for route in routes]
    solution = Solution(tuple(routes), tuple(unassigned), SolveStats(0.0, 0, 0, engine="urgent insertion"))
    assert_feasible(problem, solution)
    return solution


def _bump_slots(roster: _Roster, visit: Visit, crowded: list[int]) -> list[Slot]:
    """For the nearest nurses without room: take out one visit of lower priority (or two, if one is not enough),
    put the new one in, and give what was taken out to the nurses who can take it at least cost."""
    days, day = roster.days, roster.days.day
    nearest = sorted(
        crowded,
        key=lambda n: min(
            [day.travel(v.location_index, visit.location_index) for v in days.orders[n]]
            + [day.travel(day.nurses[n].start_index, visit.location_index)]
        ),
    )[:BUMP_NURSES]
    slots = []
    for n in nearest:
        movable = [v for v in days.orders[n] if v.priority < visit.priority and v.pinned_nurse is None]
        made_room = _make_room(days, visit, n, [(v,) for v in movable])
        if made_room is None:
            pairs = [(a, b) for i, a in enumerate(movable) for b in movable[i + 1 :] if a.priority + b.priority < visit.priority]
            made_room = _make_room(days, visit, n, pairs)
        if made_room is None:
            continue
        outs, found, saved = made_room
        slot = roster.slot(found)
        orders = {n: [v for v in days.orders[n] if v not in outs]}
        bumped, added, cost = [], slot.added_travel - saved, slot.cost - saved
        for out in outs:
            others = [m for m, nurse in enumerate(day.nurses) if m != n and may_take(nurse, out)]
            taker = days.best(out, others, 1, orders)
            if not taker:
                bumped.append(Bumped(out.id, None, None, None))
                continue
            t = roster.slot(taker[0])
            orders[taker[0].nurse] = [*orders.get(taker[0].nurse, days.orders[taker[0].nurse])]
            orders[taker[0].nurse].insert(taker[0].position, out)
            bumped.append(Bumped(out.id, t.nurse_id, t.position, t.start, t.retimed))
            added, cost = added + t.added_travel, cost + t.cost + day.options.reassign_weight_s
        slots.append(Slot(slot.nurse_id, slot.position, slot.arrival, slot.start, added, slot.retimed, cost, tuple(bumped)))
    slots.sort(key=lambda s: (sum(b.nurse_id is None for b in s.bumped), len(s.bumped), s.cost, s.start))
    return slots[:BUMP_SLOTS]


def _make_room(
    days: RemainingDays, visit: Visit, n: int, choices: Sequence[tuple[Visit, ...]]
) -> tuple[tuple[Visit, ...], Insertion, int] | None:
    """The visits of nurse n to take out (one choice of `choices`) that let `visit` in at least cost, and the travel saved."""
    best = None
    for outs in choices:
        order = [v for v in days.orders[n] if v not in outs]
        found = days.best(visit, [n], 1, {n: order})
        saved = days.travel_of(n, days.orders[n]) - days.travel_of(n, order)
        if found and (best is None or found[0].cost - saved < best[1].cost - best[2]):
            best = (outs, found[0], saved)
    return best

"""Cheapest feasible insertion of one visit into the nurses' remaining days, fast enough for a 900-visit day.

Each candidate puts the visit at one position of one nurse's remaining visits (a residual day,
solver.residual) and re-times her day near its plan (`schedule_near_plan`). Its cost, in seconds of
travel (docs/objective.md): the added travel, a missed preference, and each second another visit
moves beyond options.retime_tolerance_s from its reference start.

The added travel of a position is exact from the travel matrix and bounds the cost from below, so
positions are timed cheapest first and the search stops once no untimed position can beat the
insertions found (branch and bound); a necessary timing test (her earliest possible arrival,
break ignored) skips positions that cannot meet the visit's window or the next visit's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from solver.model import Nurse, Problem, Route, Visit
from solver.schedule import InfeasibleSequence, schedule_near_plan


@dataclass(frozen=True)
class Retimed:
    """A visit whose start moves: from its reference start (the roster shown, or the plan) to the new one."""

    visit_id: str
    old_start: int
    new_start: int
    beyond_tolerance: bool


@dataclass(frozen=True)
class Insertion:
    """The visit at `position` of residual nurse `nurse`'s remaining visits, and what it does to her day."""

    nurse: int  # position in the residual day's nurses
    position: int  # in her remaining visits
    route: Route  # her remaining day with the visit, timed
    added_travel: int
    retimed: tuple[Retimed, ...]
    cost: int


class RemainingDays:
    """Each nurse's remaining visits in a residual day, with reference starts to count re-timing against."""

    def __init__(self, day: Problem, orders: Sequence[Sequence[Visit]], went_out: Sequence[bool], reference: dict[str, int]):
        self.day = day
        self.orders = [list(order) for order in orders]
        self.went_out = list(went_out)  # she is away from her start already (she drives back even with nothing more)
        self.reference = reference

    def time(self, n: int, order: Sequence[Visit]) -> Route | None:
        try:
            return schedule_near_plan(self.day, self.day.nurses[n], order)
        except InfeasibleSequence:
            return None

    def retimed(self, route: Route, skip: str) -> tuple[Retimed, ...]:
        tolerance = self.day.options.retime_tolerance_s
        return tuple(
            Retimed(s.visit_id, self.reference[s.visit_id], s.start, abs(s.start - self.reference[s.visit_id]) > tolerance)
            for s in route.stops
            if s.visit_id != skip and s.visit_id in self.reference and s.start != self.reference[s.visit_id]
        )

    def retime_cost(self, retimed: tuple[Retimed, ...]) -> int:
        tolerance, weight = self.day.options.retime_tolerance_s, self.day.options.retime_weight
        return weight * sum(max(0, abs(r.new_start - r.old_start) - tolerance) for r in retimed)

    def travel_of(self, n: int, order: Sequence[Visit]) -> int:
        nurse = self.day.nurses[n]
        places = [nurse.start_index, *(v.location_index for v in order), nurse.end_index]
        return _tail_travel(self.day, places, self.went_out[n])

    def best(
        self,
        visit: Visit,
        nurses: Sequence[int],
        limit: int = 1,
        orders: dict[int, list[Visit]] | None = None,
        max_timed: int | None = None,
    ) -> list[Insertion]:
        """The cheapest insertion for each nurse in `nurses`, the `limit` cheapest of them.

        `orders` replaces some nurses' remaining visits for this question; `max_timed` caps the
        positions timed exactly (the cheapest first), for callers that ask about many visits.
        """
        day, options = self.day, self.day.options
        candidates = []  # (lower bound on the cost, added travel, nurse, position)
        for n in nurses:
            nurse, order = day.nurses[n], (orders or {}).get(n, self.orders[n])
            if nurse.max_visits is not None and len(order) >= nurse.max_visits:
                continue
            missed = options.preference_weight_s if visit.preferred_nurses and nurse.id not in visit.preferred_nurses else 0
            places = [nurse.start_index, *(v.location_index for v in order), nurse.end_index]
            ready = _earliest_ends(day, nurse, order)
            before = _tail_travel(day, places, self.went_out[n])
            for p in range(len(order) + 1):
                earliest = visit.earliest_start_at_or_after(ready[p] + day.travel(places[p], visit.location_index))
                if earliest is None:
                    break  # later positions are reached later still
                if (
                    p < len(order)
                    and order[p].earliest_start_at_or_after(
                        earliest + visit.duration + day.travel(visit.location_index, places[p + 1])
                    )
                    is None
                ):
                    continue
                added = _tail_travel(day, [*places[: p + 1], visit.location_index, *places[p + 1 :]], True) - before
                candidates.append((added + missed, added, n, p))
        candidates.sort()
        best: dict[int, Insertion] = {}
        for timed, (bound, added, n, p) in enumerate(candidates):
            if max_timed is not None and timed >= max_timed:
                break
            costs = sorted(found.cost for found in best.values())
            if len(costs) >= limit and costs[limit - 1] <= bound:
                break  # no untimed position can enter the `limit` cheapest
            if n in best and best[n].cost <= bound:
                continue
            order = (orders or {}).get(n, self.orders[n])
            route = self.time(n, [*order[:p], visit, *order[p:]])
            if route is None:
                continue
            retimed = self.retimed(route, visit.id)
            found = Insertion(n, p, route, added, retimed, bound + self.retime_cost(retimed))
            if n not in best or (found.cost, route.stops[p].start) < (best[n].cost, best[n].route.stops[best[n].position].start):
                best[n] = found
        ranked = sorted(best.values(), key=lambda i: (i.cost, i.route.stops[i.position].start, i.nurse))
        return ranked[:limit]


def _tail_travel(problem: Problem, places: list[int], went_out: bool) -> int:
    """Driving along `places` (where she is now, visits, her end); none if she stays at her start with nothing to do."""
    if len(places) == 2 and not went_out:
        return 0
    return sum(problem.travel(a, b) for a, b in zip(places, places[1:], strict=False))


def _earliest_ends(problem: Problem, nurse: Nurse, order: Sequence[Visit]) -> list[int]:
    """For each position, a lower bound on when she can leave the place before it (her break ignored)."""
    ready, place, ends = nurse.shift.start, nurse.start_index, [nurse.shift.start]
    for visit in order:
        arrival = ready + problem.travel(place, visit.location_index)
        start = visit.earliest_start_at_or_after(arrival)
        ready = (arrival if start is None else start) + visit.duration
        place = visit.location_index
        ends.append(ready)
    return ends

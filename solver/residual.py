"""A day under way as a smaller day: what is left to plan from each nurse's "now", and the way back.

`residual(problem)` leaves the committed visits out and moves each nurse's start to where and when
she is free (a nurse off duty, or whose shift is over, is left out); `full_route` puts her committed
stops back in front of a route of that smaller day, so the roster covers the whole day and is
checked against the original problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from solver.model import Break, Nurse, NurseNow, Problem, Route, TimeWindow, Visit
from solver.schedule import InfeasibleSequence, break_between, schedule_near_plan


@dataclass(frozen=True)
class Residual:
    """The day left to plan, and where its nurses and visits sit in the whole problem."""

    problem: Problem  # no state; committed visits left out; planned visits keep `planned`
    nurse_positions: tuple[int, ...]  # into the whole problem's nurses, one per residual nurse
    visit_positions: tuple[int, ...]  # into the whole problem's visits, one per residual visit
    away: tuple[bool, ...]  # per residual nurse: out already (she drives back to her end even with nothing more)

    def residual_nurse(self, whole_position: int) -> int | None:
        """The residual position of the whole problem's nurse at `whole_position`, if she plans on."""
        try:
            return self.nurse_positions.index(whole_position)
        except ValueError:
            return None


def residual(problem: Problem) -> Residual:
    """The part of the day still to plan; the problem itself when it carries no state."""
    state = problem.state
    if state is None:
        return Residual(
            problem, tuple(range(len(problem.nurses))), tuple(range(len(problem.visits))), (False,) * len(problem.nurses)
        )
    committed = state.committed_visit_ids()
    demand = {visit.id: visit.demand for visit in problem.visits}
    nurses, nurse_positions, away = [], [], []
    for position, nurse in enumerate(problem.nurses):
        now = state.of(nurse.id)
        going_on = _nurse_from_now(nurse, now, state.as_of, demand)
        if going_on is not None:
            nurses.append(going_on)
            nurse_positions.append(position)
            away.append(now is not None and (bool(now.committed) or now.location_index != nurse.start_index))
    visit_positions = tuple(v for v, visit in enumerate(problem.visits) if visit.id not in committed)
    rest = replace(problem, nurses=tuple(nurses), visits=tuple(problem.visits[v] for v in visit_positions), state=None)
    return Residual(rest, tuple(nurse_positions), visit_positions, tuple(away))


def free_from(nurse: Nurse, now: NurseNow | None, as_of: int) -> tuple[int, int]:
    """(place, time) from which she can take new work: after her committed stops, a reported break, and as_of."""
    if now is None:
        return nurse.start_index, max(nurse.shift.start, as_of)
    free = max(nurse.shift.start, now.free_at, as_of)
    if now.break_start is not None and nurse.break_ is not None:
        free = max(free, now.break_start + nurse.break_.duration)
    return now.location_index, free


def _nurse_from_now(nurse: Nurse, now: NurseNow | None, as_of: int, demand: dict[str, int]) -> Nurse | None:
    """The nurse as the residual day sees her, or None when she takes no more work."""
    if now is not None and now.off_duty:
        return None
    place, free = free_from(nurse, now, as_of)
    if free >= nurse.shift.end:
        return None
    done = now.committed if now is not None else ()
    brk = nurse.break_
    if brk is not None:
        taken = now is not None and now.break_start is not None
        # A break whose window closed before she was free is missed: re-planning cannot give it back.
        brk = (
            None
            if taken or brk.window.end < free
            else Break(TimeWindow(max(brk.window.start, free), brk.window.end), brk.duration)
        )
    max_visits = None if nurse.max_visits is None else max(0, nurse.max_visits - len(done))
    capacity = None if nurse.capacity is None else max(0, nurse.capacity - sum(demand.get(s.visit_id, 0) for s in done))
    return replace(
        nurse, start_index=place, shift=TimeWindow(free, nurse.shift.end), break_=brk, max_visits=max_visits, capacity=capacity
    )


def full_route(problem: Problem, nurse: Nurse, now: NurseNow | None, rest: Route | None) -> Route:
    """Her whole day: her committed stops, then `rest` (her route in the residual day; None if she has none)."""
    reported_break = now.break_start if now is not None else None
    committed = now.committed if now is not None else ()
    if now is None or not committed:
        if rest is None:
            return Route(nurse.id, nurse.shift.start, (), nurse.shift.start)
        if reported_break is not None and rest.stops:
            return replace(rest, break_start=reported_break)
        return rest
    visits = {visit.id: visit for visit in problem.visits}
    places = [visits[stop.visit_id].location_index for stop in committed]
    first = committed[0]
    departure = min(first.arrival, max(nurse.shift.start, first.arrival - problem.travel(nurse.start_index, places[0])))
    travel = problem.travel(nurse.start_index, places[0]) + sum(
        problem.travel(a, b) for a, b in zip(places, places[1:], strict=False)
    )
    if rest is not None and rest.stops:
        stops = committed + rest.stops
        return_time, travel = rest.return_time, travel + rest.travel
        break_start = reported_break if reported_break is not None else rest.break_start
    else:  # nothing more: she goes home from her last stop, with her break on the way if it is still due
        stops = committed
        drive = problem.travel(now.location_index, nurse.end_index)
        return_time, travel, break_start = now.free_at + drive, travel + drive, reported_break
        if reported_break is None and nurse.break_ is not None:
            try:
                break_start, return_time, _ = break_between(now.free_at, drive, nurse)
            except InfeasibleSequence:
                break_start = None  # the window closed during her committed visits
        elif reported_break is not None and nurse.break_ is not None and now.free_at <= reported_break < return_time:
            return_time += nurse.break_.duration  # reported on her way home: it delays her return
    service = sum(stop.end - stop.start for stop in stops)
    on_duty_break = 0
    if break_start is not None and nurse.break_ is not None and departure <= break_start < return_time:
        on_duty_break = nurse.break_.duration
    waiting = max(0, return_time - departure - travel - service - on_duty_break)
    return Route(nurse.id, departure, stops, return_time, break_start, travel, waiting)


def whole_day_routes(problem: Problem, rest: Residual, residual_routes: list[Route]) -> tuple[Route, ...]:
    """One route per nurse of the whole problem: committed stops, then her residual route."""
    routes = []
    for position, nurse in enumerate(problem.nurses):
        residual_position = rest.residual_nurse(position)
        now = problem.state.of(nurse.id) if problem.state is not None else None
        tail = None if residual_position is None else residual_routes[residual_position]
        routes.append(full_route(problem, nurse, now, tail))
    return tuple(routes)


def nurse_name(problem: Problem, nurse_id: str) -> str:
    """The nurse as the dispatcher knows her (reasons are read by people), or by id if the day does not hold her."""
    try:
        return problem.nurse(nurse_id).name or f"nurse {nurse_id}"
    except KeyError:
        return f"nurse {nurse_id}"


def reason_in_state(problem: Problem, visit: Visit, reason: str) -> str:
    """Why a visit is left out, told in the terms of the day under way when those explain it better."""
    state = problem.state
    if state is None:
        return reason
    if all(window.end < state.as_of for window in visit.windows):
        clock = problem.clock
        windows = ", ".join(f"{clock.hhmm(w.start)}–{clock.hhmm(w.end)}" for w in visit.windows)
        noun = "window" if len(visit.windows) == 1 else "windows"
        return f"its {noun} {windows} closed before the re-plan at {clock.hhmm(state.as_of)}"
    if visit.planned is not None:
        now = state.of(visit.planned.nurse_id)
        if now is not None and now.off_duty:
            return f"its nurse {nurse_name(problem, visit.planned.nurse_id)} is off duty; {reason}"
    return reason


def route_in_order(problem: Problem, nurse_id: str, order: Sequence[str], rest: Residual | None = None) -> Route:
    """Her whole day with her visits in `order` (her committed stops first, as they are; ids of them in
    `order` are skipped), timed near the plan. Raises InfeasibleSequence when that order does not fit."""
    rest = rest or residual(problem)
    position = next(p for p, nurse in enumerate(problem.nurses) if nurse.id == nurse_id)
    now = problem.state.of(nurse_id) if problem.state is not None else None
    committed = {stop.visit_id for stop in now.committed} if now is not None else set()
    visits = {visit.id: visit for visit in rest.problem.visits}
    tail = [visits[v] for v in order if v not in committed]
    residual_position = rest.residual_nurse(position)
    if residual_position is None:
        if tail:
            name = problem.nurses[position].name
            raise InfeasibleSequence(f"{name} takes no more visits today (off duty, or her shift is over)")
        return full_route(problem, problem.nurses[position], now, None)
    day_nurse = rest.problem.nurses[residual_position]
    return full_route(problem, problem.nurses[position], now, schedule_near_plan(rest.problem, day_nurse, tail))

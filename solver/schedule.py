"""Turning a nurse's visit order into times: arrival, start and end of each visit, and her break.

Times are the earliest feasible ones (waiting only where a window is not yet open), except
that the nurse leaves home as late as still reaches her first visit on time. The break is put
in whichever gap of the day gets her home earliest: it may be taken at home before leaving,
on the road between two visits, or at home after the last one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from solver.model import Nurse, Problem, Route, Stop, TimeWindow, Visit


class InfeasibleSequence(ValueError):
    """The visits cannot be done in this order by this nurse."""


@dataclass(frozen=True)
class _Timing:
    departure: int
    stops: tuple[Stop, ...]
    return_time: int
    break_start: int | None


def schedule_route(problem: Problem, nurse: Nurse, visits: Sequence[Visit]) -> Route:
    """The earliest feasible timing of `visits` in this order for `nurse`; raises InfeasibleSequence."""
    if not visits:
        return Route(nurse.id, nurse.shift.start, (), nurse.shift.start)
    if nurse.max_visits is not None and len(visits) > nurse.max_visits:
        raise InfeasibleSequence(f"{len(visits)} visits exceed {nurse.id}'s maximum of {nurse.max_visits}")
    needs_break = nurse.break_ is not None
    placements: list[int | None] = list(range(len(visits) + 1)) if needs_break else [None]
    best: _Timing | None = None
    failure = "no feasible timing"
    for gap in placements:
        try:
            timing = _time_with_break_in_gap(problem, nurse, visits, gap)
        except InfeasibleSequence as why:
            failure = str(why)
            continue
        if best is None or timing.return_time < best.return_time:
            best = timing
    if best is None:
        raise InfeasibleSequence(failure)
    travel = _travel_seconds(problem, nurse, visits)
    service = sum(stop.end - stop.start for stop in best.stops)
    break_on_duty = 0
    if best.break_start is not None and best.departure <= best.break_start < best.return_time:
        break_on_duty = nurse.break_.duration  # type: ignore[union-attr]
    waiting = best.return_time - best.departure - travel - service - break_on_duty
    return Route(nurse.id, best.departure, best.stops, best.return_time, best.break_start, travel, waiting)


def schedule_near_plan(problem: Problem, nurse: Nurse, visits: Sequence[Visit]) -> Route:
    """Like `schedule_route`, but planned visits keep the start the patient was told where the order allows.

    Earliest times would pull a planned visit forward whenever a gap opens before it (a cancellation,
    a visit moved away), and patients do not expect the nurse early. So planned visits first may not
    start before their planned start; if that order cannot be kept so, not before the planned start
    less options.retime_tolerance_s; failing that, they take the earliest times.
    """
    if not any(visit.planned is not None for visit in visits):
        return schedule_route(problem, nurse, visits)
    for early in (0, problem.options.retime_tolerance_s):
        try:
            return schedule_route(problem, nurse, [_not_before(visit, early) for visit in visits])
        except InfeasibleSequence:
            continue
    return schedule_route(problem, nurse, visits)


def _not_before(visit: Visit, early: int) -> Visit:
    """The visit with its windows cut to start no sooner than `early` seconds before its planned start."""
    if visit.planned is None:
        return visit
    floor = visit.planned.start - early
    windows = tuple(TimeWindow(max(w.start, floor), w.end) for w in visit.windows if w.end >= floor)
    return replace(visit, windows=windows) if windows else visit


def _travel_seconds(problem: Problem, nurse: Nurse, visits: Sequence[Visit]) -> int:
    places = [nurse.start_index, *(v.location_index for v in visits), nurse.end_index]
    return sum(problem.travel(a, b) for a, b in zip(places, places[1:], strict=False))


def _time_with_break_in_gap(problem: Problem, nurse: Nurse, visits: Sequence[Visit], gap: int | None) -> _Timing:
    """Forward pass with the break in gap `gap` (0 = before the first visit, len = after the last)."""
    shift, brk = nurse.shift, nurse.break_
    departure = shift.start
    ready, place = departure, nurse.start_index  # when and where the previous activity ended
    break_start: int | None = None
    stops: list[Stop] = []
    for position, visit in enumerate(visits):
        drive = problem.travel(place, visit.location_index)
        arrival = ready + drive
        earliest = arrival
        if gap == position:
            break_start, arrival, earliest = break_between(ready, drive, nurse)
        start = visit.earliest_start_at_or_after(earliest)
        if start is None:
            raise InfeasibleSequence(
                f"visit {visit.id} cannot start in any of its windows (arrives at {problem.clock.hhmm(arrival)})"
            )
        stops.append(Stop(visit.id, arrival, start, start + visit.duration))
        ready, place = start + visit.duration, visit.location_index
    drive_home = problem.travel(place, nurse.end_index)
    return_time = ready + drive_home
    if gap == len(visits):
        break_start, return_time, _ = break_between(ready, drive_home, nurse)
        if break_start >= return_time:  # taken at home after the day's work
            if break_start + brk.duration > shift.end:  # type: ignore[union-attr]
                raise InfeasibleSequence("the break would run past the end of the shift")
            return_time = ready + drive_home
    if return_time > nurse.latest_return:
        clock = problem.clock
        allowed = f" and {nurse.overtime // 60} min of overtime" if nurse.overtime else ""
        raise InfeasibleSequence(f"back at {clock.hhmm(return_time)}, after the shift ends at {clock.hhmm(shift.end)}{allowed}")
    if gap != 0 and stops:  # leave as late as still arrives in time for the first visit
        first_drive = problem.travel(nurse.start_index, visits[0].location_index)
        departure = max(shift.start, stops[0].start - first_drive)
        stops[0] = Stop(stops[0].visit_id, departure + first_drive, stops[0].start, stops[0].end)
    return _Timing(departure, tuple(stops), return_time, break_start)


def break_between(ready: int, drive: int, nurse: Nurse) -> tuple[int, int, int]:
    """Break after an activity ending at `ready` followed by `drive` seconds of travel.

    Returns (break start, arrival at the next place, earliest moment the next activity may begin).
    The break starts as soon as its window allows; if that is after the nurse would arrive, she
    takes it on arrival, otherwise it interrupts the drive and delays the arrival.
    """
    brk = nurse.break_
    assert brk is not None
    start = max(ready, brk.window.start)
    if start > brk.window.end:
        raise InfeasibleSequence("the break window closes before the nurse is free")
    if start >= ready + drive:
        return start, ready + drive, start + brk.duration
    arrival = ready + drive + brk.duration
    return start, arrival, max(arrival, start + brk.duration)

"""An independent feasibility checker for rosters.

It re-derives every rule from the problem and the roster as written (it shares no code with
the search or the scheduler), and lists each violation in words. Used after every solve and in
tests.

For a day under way (problem.state), each nurse's committed stops must open her route exactly as
given; they are facts, so their windows, durations, skills and travel are not judged (a visit may
have started late or run long). What follows must start from where and when she was free (never
before the re-plan's as_of), a nurse off duty gets nothing new, a reported break stays as reported,
and a break whose window closed before she was free is no longer required.
"""

from __future__ import annotations

from collections import Counter

from solver.model import Nurse, NurseNow, Problem, Route, Solution, Stop


class RosterInfeasible(AssertionError):
    """The solver produced a roster that breaks a rule: a bug, never bad input."""

    def __init__(self, violations: list[str]):
        super().__init__("roster failed the feasibility check:\n  " + "\n  ".join(violations))
        self.violations = violations


def assert_feasible(problem: Problem, solution: Solution) -> None:
    violations = check_solution(problem, solution)
    if violations:
        raise RosterInfeasible(violations)


def check_solution(problem: Problem, solution: Solution) -> list[str]:
    """Every broken rule of `solution`, as sentences; empty when the roster is feasible."""
    violations: list[str] = []
    visits = {visit.id: visit for visit in problem.visits}
    nurses = {nurse.id: nurse for nurse in problem.nurses}

    served = Counter(stop.visit_id for route in solution.routes for stop in route.stops)
    dropped = Counter(item.visit_id for item in solution.unassigned)
    for visit_id in visits:
        times = served[visit_id] + dropped[visit_id]
        if times != 1:
            violations.append(f"visit {visit_id} appears {served[visit_id]}× in routes and {dropped[visit_id]}× unassigned")
    for visit_id in set(served) | set(dropped):
        if visit_id not in visits:
            violations.append(f"visit {visit_id} is not in the problem")
    route_count = Counter(route.nurse_id for route in solution.routes)
    for nurse_id, count in route_count.items():
        if nurse_id not in nurses:
            violations.append(f"route for unknown nurse {nurse_id}")
        elif count > 1:
            violations.append(f"nurse {nurse_id} has {count} routes")

    state = problem.state
    for route in solution.routes:
        nurse = nurses.get(route.nurse_id)
        if nurse is not None:
            now = state.of(nurse.id) if state is not None else None
            violations += [f"{route.nurse_id}: {v}" for v in _check_route(problem, nurse, route, visits, now)]
    if state is not None:
        for now in state.nurses:
            if now.committed and now.nurse_id not in route_count:
                violations.append(f"{now.nurse_id}: has no route, so her committed stops are lost")
    return violations


def _check_route(problem: Problem, nurse: Nurse, route: Route, visits: dict, now: NurseNow | None) -> list[str]:
    """The rules for one route; with a day under way, its committed stops are facts and only what follows is planned."""
    committed = now.committed if now is not None else ()
    if route.stops[: len(committed)] != committed:
        return [
            f"committed stops changed or dropped: expected {_stops_text(committed)}, "
            f"got {_stops_text(route.stops[: len(committed)])}"
        ]
    if not route.stops:
        return []
    new_stops = route.stops[len(committed) :]
    as_of = problem.state.as_of if problem.state is not None else None
    out: list[str] = []
    if nurse.max_visits is not None and new_stops and len(route.stops) > nurse.max_visits:
        out.append(f"{len(route.stops)} visits exceed max_visits {nurse.max_visits}")
    if nurse.capacity is not None and new_stops:
        load = sum(visits[s.visit_id].demand for s in route.stops if s.visit_id in visits)
        if load > nurse.capacity:
            out.append(f"load {load} exceeds capacity {nurse.capacity}")
    if now is not None and now.off_duty and new_stops:
        out.append(f"is off duty but has {len(new_stops)} new visits")
    if not committed and route.departure < nurse.shift.start:
        out.append(f"leaves at {route.departure}s, before the shift starts at {nurse.shift.start}s")
    if as_of is not None and now is None and route.departure < as_of:
        out.append(f"leaves at {route.departure}s, before the re-plan at {as_of}s")

    # Where and from when the planned part of her day begins.
    reported_break = now.break_start if now is not None else None
    if now is None:
        place, free_at = nurse.start_index, route.departure
    elif new_stops:
        place, free_at = now.location_index, max(nurse.shift.start, now.free_at, as_of or 0)
        if reported_break is not None and nurse.break_ is not None:
            free_at = max(free_at, reported_break + nurse.break_.duration)
    else:
        place, free_at = now.location_index, now.free_at

    # A break whose window closed before she could take new work is missed, not a planning error.
    free_for_new = free_at if now is not None else max(nurse.shift.start, as_of or 0)
    break_missed = problem.state is not None and nurse.break_ is not None and nurse.break_.window.end < free_for_new

    latest_return = nurse.latest_return  # the shift end, plus the overtime allowed
    if committed and not new_stops:  # a late finish forced by what happened is not a planning error
        latest_return = max(
            latest_return,
            free_at + int(problem.durations[place, nurse.end_index]) + (nurse.break_.duration if nurse.break_ else 0),
        )
    if route.return_time > latest_return:
        out.append(
            f"returns at {route.return_time}s, after the shift ends at {nurse.shift.end}s"
            + (f" and its {nurse.overtime}s of overtime" if nurse.overtime else "")
        )

    brk = nurse.break_
    if brk is not None:
        if reported_break is not None:
            if route.break_start != reported_break:
                out.append(f"break reported at {reported_break}s but the route has it at {route.break_start}s")
        elif route.break_start is None:
            if not break_missed:
                out.append("works but has no break")
        else:
            b0, b1 = route.break_start, route.break_start + brk.duration
            if not brk.window.contains(b0):
                out.append(f"break starts at {b0}s, outside its window {brk.window.start}s–{brk.window.end}s")
            if b0 < nurse.shift.start or b1 > nurse.shift.end:
                out.append("break lies outside the shift")
            if now is not None and b0 < free_at:
                out.append(f"break at {b0}s is before she is free at {free_at}s")

    for stop in new_stops:
        visit = visits.get(stop.visit_id)
        if visit is None:
            continue
        if not visit.required_skills <= nurse.skills:
            out.append(f"visit {visit.id} needs {sorted(visit.required_skills - nurse.skills)} which the nurse lacks")
        if visit.pinned_nurse is not None and visit.pinned_nurse != nurse.id:
            out.append(f"visit {visit.id} is pinned to {visit.pinned_nurse}")
        if nurse.id in visit.excluded_nurses:
            out.append(f"visit {visit.id} excludes nurse {nurse.id}")
        if not any(window.contains(stop.start) for window in visit.windows):
            out.append(f"visit {visit.id} starts at {stop.start}s, outside its windows")
        if stop.end - stop.start != visit.duration:
            out.append(f"visit {visit.id} lasts {stop.end - stop.start}s, not {visit.duration}s")
        if stop.start < stop.arrival:
            out.append(f"visit {visit.id} starts before the nurse arrives")
        out += _check_gap(problem, nurse, route, free_at, place, stop.arrival, stop.start, visit.location_index, visit.id)
        place, free_at = visit.location_index, stop.end
    out += _check_gap(problem, nurse, route, free_at, place, route.return_time, route.return_time, nurse.end_index, "home")
    if reported_break is None:
        out += _check_break_off_duty(nurse, route)
    return out


def _stops_text(stops: tuple[Stop, ...]) -> str:
    return "[" + ", ".join(f"{s.visit_id} {s.arrival}/{s.start}–{s.end}s" for s in stops) + "]"


def _check_gap(
    problem: Problem,
    nurse: Nurse,
    route: Route,
    free_at: int,
    origin: int,
    arrival: int,
    next_start: int,
    destination: int,
    label: str,
) -> list[str]:
    """Between finishing at `origin` (at `free_at`) and starting at `destination`: travel, and the break if here."""
    drive = int(problem.durations[origin, destination])
    if arrival < free_at + drive:
        return [f"arrives at {label} at {arrival}s but cannot be there before {free_at + drive}s"]
    brk, b0 = nurse.break_, route.break_start
    if brk is None or b0 is None or not (free_at <= b0 < next_start):
        return []
    out = []
    if b0 + brk.duration > next_start:
        out.append(f"break at {b0}s overlaps the visit at {label}")
    if next_start - free_at < drive + brk.duration:
        out.append(f"gap before {label} is too short for {drive}s of travel and the break")
    if b0 < arrival and arrival < free_at + drive + brk.duration:
        out.append(f"break taken on the way to {label} but the arrival is not delayed by it")
    return out


def _check_break_off_duty(nurse: Nurse, route: Route) -> list[str]:
    """A break outside the working day must not overlap it."""
    brk, b0 = nurse.break_, route.break_start
    if brk is None or b0 is None:
        return []
    b1 = b0 + brk.duration
    if b0 < route.departure < b1:
        return ["break overlaps the departure"]
    for stop in route.stops:
        if b0 < stop.end and stop.start < b1:
            return [f"break overlaps visit {stop.visit_id}"]
    return []

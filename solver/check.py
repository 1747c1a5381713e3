"""An independent feasibility checker for rosters.

It re-derives every rule from the problem and the roster as written (it shares no code with
the search or the scheduler), and lists each violation in words. Used after every solve and in
tests.
"""

from __future__ import annotations

from collections import Counter

from solver.model import Nurse, Problem, Route, Solution


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

    for route in solution.routes:
        nurse = nurses.get(route.nurse_id)
        if nurse is not None:
            violations += [f"{route.nurse_id}: {v}" for v in _check_route(problem, nurse, route, visits)]
    return violations


def _check_route(problem: Problem, nurse: Nurse, route: Route, visits: dict) -> list[str]:
    if not route.stops:
        return []
    out: list[str] = []
    if nurse.max_visits is not None and len(route.stops) > nurse.max_visits:
        out.append(f"{len(route.stops)} visits exceed max_visits {nurse.max_visits}")
    if nurse.capacity is not None:
        load = sum(visits[s.visit_id].demand for s in route.stops if s.visit_id in visits)
        if load > nurse.capacity:
            out.append(f"load {load} exceeds capacity {nurse.capacity}")
    if route.departure < nurse.shift.start:
        out.append(f"leaves at {route.departure}s, before the shift starts at {nurse.shift.start}s")
    if route.return_time > nurse.shift.end:
        out.append(f"returns at {route.return_time}s, after the shift ends at {nurse.shift.end}s")

    brk = nurse.break_
    if brk is not None:
        if route.break_start is None:
            out.append("works but has no break")
        else:
            b0, b1 = route.break_start, route.break_start + brk.duration
            if not brk.window.contains(b0):
                out.append(f"break starts at {b0}s, outside its window {brk.window.start}s–{brk.window.end}s")
            if b0 < nurse.shift.start or b1 > nurse.shift.end:
                out.append("break lies outside the shift")

    place, free_at = nurse.start_index, route.departure
    for stop in route.stops:
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
    out += _check_break_off_duty(nurse, route)
    return out


def _check_gap(problem: Problem, nurse: Nurse, route: Route, free_at: int, origin: int,
               arrival: int, next_start: int, destination: int, label: str) -> list[str]:
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

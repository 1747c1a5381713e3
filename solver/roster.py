"""The roster document (JSON): routes with wall-clock times, unassigned visits with reasons, a summary."""

from __future__ import annotations

from typing import Any

from solver.clock import seconds_to_hours
from solver.disruption import disruption
from solver.model import Problem, Route, Solution, Stop, Visit


def roster_document(problem: Problem, solution: Solution) -> dict[str, Any]:
    """The public roster document for `solution` (see docs/roster-document.md)."""
    clock = problem.clock
    visits = {visit.id: visit for visit in problem.visits}
    committed = problem.state.committed_visit_ids() if problem.state is not None else set()
    routes = [_route_document(problem, route, visits, committed) for route in solution.routes]
    dropped_weight = sum(visits[u.visit_id].priority for u in solution.unassigned)
    travel = sum(route.travel for route in solution.routes)
    waiting = sum(route.waiting for route in solution.routes)
    document: dict[str, Any] = {
        "date": clock.day.isoformat(),
        "timezone": clock.tz_name,
        "routes": routes,
        "unassigned": [{"visit_id": u.visit_id, "reason": u.reason} for u in solution.unassigned],
        "summary": {
            "assigned": sum(len(route.stops) for route in solution.routes),
            "unassigned": len(solution.unassigned),
            "unassigned_priority_weight": dropped_weight,
            "total_priority_weight": sum(visit.priority for visit in problem.visits),
            "nurses_working": sum(1 for route in solution.routes if route.stops),
            "total_travel_s": travel,
            "total_travel_h": seconds_to_hours(travel),
            "total_waiting_s": waiting,
            "total_waiting_h": seconds_to_hours(waiting),
            "total_overtime_s": sum(
                max(0, route.return_time - problem.nurse(route.nurse_id).shift.end) for route in solution.routes if route.stops
            ),
            "solve_time_s": solution.stats.solve_seconds,
            "solutions_found": solution.stats.solutions_found,
        },
    }
    if any(visit.planned is not None for visit in problem.visits):
        change = disruption(problem, solution)
        document["summary"].update(
            planned=change.planned,
            planned_moved=len(change.moved),
            planned_retimed=len(change.retimed),
            planned_lost=len(change.lost),
        )
    return document


def _stop_document(problem: Problem, stop: Stop, visit: Visit, committed: bool) -> dict[str, Any]:
    clock = problem.clock
    doc: dict[str, Any] = {"visit_id": stop.visit_id}
    if visit.patient_id:
        doc["patient_id"] = visit.patient_id
    if visit.service:
        doc["service"] = visit.service
    doc.update(arrival=clock.iso(stop.arrival), start=clock.iso(stop.start), end=clock.iso(stop.end))
    if committed:
        doc["committed"] = True
    return doc


def _route_document(problem: Problem, route: Route, visits: dict[str, Visit], committed: set[str]) -> dict[str, Any]:
    clock = problem.clock
    nurse = problem.nurse(route.nurse_id)
    doc: dict[str, Any] = {
        "nurse_id": route.nurse_id,
        "nurse_name": nurse.name,
        "stops": [_stop_document(problem, s, visits[s.visit_id], s.visit_id in committed) for s in route.stops],
        "travel_s": route.travel,
        "waiting_s": route.waiting,
        "service_s": sum(s.end - s.start for s in route.stops),
    }
    if route.stops:
        doc["departure"] = clock.iso(route.departure)
        doc["return"] = clock.iso(route.return_time)
        doc["working_s"] = route.return_time - route.departure
        doc["overtime_s"] = max(0, route.return_time - nurse.shift.end)
        if route.break_start is not None and nurse.break_ is not None:
            doc["break"] = {"start": clock.iso(route.break_start), "end": clock.iso(route.break_start + nurse.break_.duration)}
    return doc

"""An independent checker for week plans: it shares no code with the planner (solver.week.assign/days/assemble).

It reads the plan document as written and the week problem as parsed, and lists every broken rule:
each day's roster valid against that day's nurses (their shifts as given) and visits (the day
checker, solver.check), each visit served at most once across the horizon and otherwise listed
once, each movable visit on a day of its range on which its nurse works, consecutive sessions
of a course within their gaps (the first after `last_given`), a session left out leaving every later
one out, and each nurse's working time (departure to return) within max_week_min per ISO week.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime
from typing import Any

from solver.check import check_solution
from solver.document import ProblemError, parse_problem
from solver.model import Problem, Route, Solution, SolveStats, Stop, Unassigned
from solver.week.model import WeekProblem


def check_week(problem: WeekProblem, plan: dict[str, Any]) -> list[str]:
    """Every broken rule of the plan document, as sentences; empty when the plan is feasible."""
    out: list[str] = []
    days = {date.fromisoformat(key): roster for key, roster in plan.get("days", {}).items()}
    for day in days:
        if day not in problem.days:
            out.append(f"the plan has a roster for {day}, not a day of the horizon")
    served: dict[str, list[tuple[date, str]]] = defaultdict(list)
    working: dict[tuple[str, tuple[int, int]], int] = defaultdict(int)
    for day, roster in sorted(days.items()):
        for route in roster["routes"]:
            for stop in route["stops"]:
                served[stop["visit_id"]].append((day, route["nurse_id"]))
            if route["stops"]:
                working[route["nurse_id"], day.isocalendar()[:2]] += route["working_s"]
        out += [f"{day}: {v}" for v in _check_day(problem, day, roster)]

    listed = Counter(item["visit_id"] for item in plan.get("unassigned", []))
    known = {visit.id for visit in problem.visits}
    for visit_id in (set(served) | set(listed)) - known:
        out.append(f"visit {visit_id} is not in the week problem")
    for visit in problem.visits:
        times = len(served[visit.id]) + listed[visit.id]
        if times != 1:
            out.append(f"visit {visit.id} is served {len(served[visit.id])}× and listed unassigned {listed[visit.id]}×")
        for day, nurse_id in served[visit.id]:
            if day not in visit.dates:
                out.append(f"visit {visit.id} is given on {day}, outside its days")
            if day not in problem.nurse(nurse_id).shifts:
                out.append(f"visit {visit.id} is given on {day} by {nurse_id}, who does not work that day")

    for course in problem.courses:
        previous = course.last_given
        gone = None
        for visit_id in course.sessions:
            if not served[visit_id]:
                gone = gone or visit_id
                continue
            day = served[visit_id][0][0]
            if gone is not None:
                out.append(f"course {course.id}: {visit_id} is given on {day} though the earlier session {gone} is not")
            elif previous is not None and not course.min_gap_days <= (day - previous).days <= course.max_gap_days:
                out.append(
                    f"course {course.id}: {visit_id} on {day} is {(day - previous).days} days after the previous session "
                    f"({previous}), outside {course.min_gap_days}–{course.max_gap_days}"
                )
            previous = day

    for nurse in problem.nurses:
        if nurse.max_week_min is None:
            continue
        for (nurse_id, week), seconds in working.items():
            if nurse_id == nurse.id and seconds > nurse.max_week_min * 60:
                out.append(f"{nurse.id} works {seconds // 60} min in ISO week {week[1]}, above max_week_min {nurse.max_week_min}")
    return out


def _check_day(problem: WeekProblem, day: date, roster: dict[str, Any]) -> list[str]:
    """The day checker on the roster as written, against that day's nurses with the shifts the week document gives."""
    visit_ids = [s["visit_id"] for r in roster["routes"] for s in r["stops"]] + [u["visit_id"] for u in roster["unassigned"]]
    by_id = {visit.id: visit for visit in problem.visits}
    working = [nurse for nurse in problem.nurses if day in nurse.shifts]
    present = {nurse.id for nurse in working}
    out: list[str] = []
    visits = []
    for visit_id in visit_ids:
        if visit_id not in by_id:
            continue
        doc = dict(by_id[visit_id].day_fields)
        for key in ("preferred_nurses", "excluded_nurses"):
            doc[key] = [n for n in doc.get(key, []) if n in present]
        if doc.get("pinned_nurse") and doc["pinned_nurse"] not in present:
            out.append(f"visit {visit_id} is pinned to {doc['pinned_nurse']}, who does not work on {day}")
            doc.pop("pinned_nurse")
        visits.append(doc)
    nurses = [
        {**nurse.day_fields, "shift": {"start": nurse.shifts[day].start, "end": nurse.shifts[day].end}} for nurse in working
    ]
    try:
        day_problem = parse_problem(
            {
                "date": day.isoformat(),
                "timezone": problem.timezone,
                "travel": dict(problem.travel),
                "nurses": nurses,
                "visits": visits,
            }
        )
    except ProblemError as error:
        return [*out, f"its roster cannot be read as a day: {error}"]
    routes = []
    for route in roster["routes"]:
        if route["nurse_id"] not in present:
            out.append(f"{route['nurse_id']} has a route but does not work that day")
            continue
        routes.append(_route(day_problem, route))
    solution = Solution(
        tuple(routes), tuple(Unassigned(u["visit_id"], u["reason"]) for u in roster["unassigned"]), SolveStats(0.0, 0, 0)
    )
    return out + check_solution(day_problem, solution)


def _route(day_problem: Problem, route: dict[str, Any]) -> Route:
    def seconds(text: str) -> int:
        return int((datetime.fromisoformat(text) - day_problem.clock.midnight_utc).total_seconds())

    stops = tuple(Stop(s["visit_id"], seconds(s["arrival"]), seconds(s["start"]), seconds(s["end"])) for s in route["stops"])
    if not stops:
        nurse = day_problem.nurse(route["nurse_id"])
        return Route(route["nurse_id"], nurse.shift.start, (), nurse.shift.start)
    brk = route.get("break")
    return Route(
        route["nurse_id"],
        seconds(route["departure"]),
        stops,
        seconds(route["return"]),
        seconds(brk["start"]) if brk else None,
        route["travel_s"],
        route["waiting_s"],
    )

"""Re-planning the horizon after an event: a nurse sick on some days, a cancelled session.

Days before `from_day` stay exactly as in the plan in force (what was given). From `from_day` on,
the horizon is planned again as a smaller week problem: a sick nurse loses those days' shifts,
cancelled visits go (a course goes on from its other sessions), each course's gaps count from the
last session given (its `last_given`), weekly caps count the minutes already worked, and each
course keeps the nurse who gave most of its sessions. Least disruption: a visit moved off its day in
force costs move_weight_s in the day assignment (like reassign_weight_s), and each day's solve is a
day re-plan from the roster in force (`planned`), pricing a changed nurse or start
(docs/objective.md); a day left with the same visits and nurses keeps its roster in force as it is.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from solver.week.assemble import plan_week
from solver.week.model import WeekPlan, WeekProblem

CANCELLED = "cancelled"


def replan_week(
    problem: WeekProblem,
    plan_in_force: Mapping[str, Any],
    from_day: date,
    sick: Mapping[str, Sequence[date]] | None = None,
    cancelled: Iterable[str] = (),
) -> WeekPlan:
    """The plan from `from_day` on, re-planned after the event; earlier days as in force.

    It keeps the rules of `problem.with_cancelled(cancelled)` (the course of a cancelled session goes on without it),
    which is what a checker of the re-plan reads.
    """
    sick = sick or {}
    gone = set(cancelled)
    problem = problem.with_cancelled(gone)
    rosters = {date.fromisoformat(key): roster for key, roster in plan_in_force["days"].items()}
    kept_days = {day: roster for day, roster in rosters.items() if day < from_day}
    given: dict[str, date] = {}
    worked: dict[str, dict[tuple[int, int], int]] = defaultdict(lambda: defaultdict(int))
    for day, roster in kept_days.items():
        for route in roster["routes"]:
            for stop in route["stops"]:
                given[stop["visit_id"]] = day
            if route["stops"]:
                worked[route["nurse_id"]][day.isocalendar()[:2]] += route["working_s"] // 60
    in_force: dict[str, tuple[date, str, str]] = {
        stop["visit_id"]: (day, route["nurse_id"], _hhmm(stop["start"]))
        for day, roster in rosters.items()
        if day >= from_day
        for route in roster["routes"]
        for stop in route["stops"]
    }
    days = tuple(day for day in problem.days if day >= from_day)
    nurses = tuple(
        replace(
            nurse,
            shifts={d: s for d, s in nurse.shifts.items() if d >= from_day and d not in set(sick.get(nurse.id, ()))},
            worked_min=dict(worked.get(nurse.id, {})),
        )
        for nurse in problem.nurses
    )
    visits = []
    out_before: dict[str, str] = {}
    reasons_in_force = {item["visit_id"]: item["reason"] for item in plan_in_force["unassigned"]}
    for visit in problem.visits:
        if visit.id in given or visit.id in gone:
            continue
        later = tuple(d for d in visit.dates if d >= from_day)
        if not later:
            out_before[visit.id] = reasons_in_force.get(visit.id, "its days are before the re-plan")
            continue
        visits.append(replace(visit, dates=later))
    remaining = {visit.id for visit in visits}
    courses = []
    nurse_of = {s["visit_id"]: r["nurse_id"] for roster in rosters.values() for r in roster["routes"] for s in r["stops"]}
    for course in problem.courses:
        done = [v for v in course.sessions if v in given]
        left = [v for v in course.sessions if v not in given]
        if not left:
            continue
        blocked = next((v for v in left if v not in remaining), None)
        if blocked is not None:  # a session left out before the re-plan leaves the later ones out
            for v in left[left.index(blocked) + 1 :]:
                if v in remaining:
                    remaining.discard(v)
                    out_before[v] = f"an earlier session of course {course.id} ({blocked}) is not planned"
            left = left[: left.index(blocked)]
        if not left:
            continue
        last_given = given[done[-1]] if done else course.last_given
        own = course.nurse
        if own is None:
            kept = [nurse_of[v] for v in course.sessions if v in nurse_of]
            own = Counter(kept).most_common(1)[0][0] if kept else None
        courses.append(replace(course, sessions=tuple(left), last_given=last_given, nurse=own))
    visits = [v for v in visits if v.id in remaining]
    sub = replace(
        problem,
        days=days,
        nurses=nurses,
        visits=tuple(visits),
        courses=tuple(courses),
        in_force={v: place for v, place in in_force.items() if v in remaining},
    )
    new = plan_week(sub, rosters_in_force={day: roster for day, roster in rosters.items() if day >= from_day})
    unassigned = list(new.unassigned)
    unassigned += [(v, reason) for v, reason in out_before.items()]
    unassigned += [(v, CANCELLED) for v in sorted(gone) if v not in given]
    order = {visit.id: k for k, visit in enumerate(problem.visits)}
    unassigned.sort(key=lambda item: order.get(item[0], len(order)))
    return WeekPlan({**kept_days, **new.days}, tuple(unassigned), new.stats)


def _hhmm(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M")

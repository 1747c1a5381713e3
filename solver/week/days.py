"""A day of the week plan as a day problem document, and routing the days (in parallel processes if asked).

Once each visit has its day the days are nearly independent: the service may route each on a different
worker (`visits_to_route` → `day_document` → `solver.solve(parse_problem(doc))` → `roster_document`);
`route_days` does the same here, several days at once when options.workers > 1 (the day solver holds
the GIL, so processes: each costs a Python start-up and the day's parse, about a second).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import time
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from datetime import date
from typing import Any

from solver.document import MAX_PRIORITY, parse_problem
from solver.replan import replan
from solver.roster import roster_document
from solver.solve import solve
from solver.week.assign import allowed_days, carry_unused_week_minutes
from solver.week.document import MIN_TIME_PER_DAY_S
from solver.week.model import DayAssignment, WeekNurse, WeekProblem, WeekVisit


def day_document(
    problem: WeekProblem,
    assignment: DayAssignment,
    day: date,
    visit_ids: Iterable[str] | None = None,
    time_limit_s: float = 10.0,
    first_routing: bool = False,
) -> dict[str, Any]:
    """The day problem document for `day`: the nurses working it (shifts after weekly caps) and its visits.

    `visit_ids` defaults to the visits the assignment put on that day. Each course session prefers its
    course's nurse (continuity, at continuity_weight_s); nurse lists are kept to the nurses working that
    day. For the `first_routing` of a day (docs/week-document.md, "The split"): the day's first roster
    (VROOM's) prices those preferences too (`preferences_in_first_roster`: without it most sessions went
    to whoever passed nearest), and a session weighs what leaving it out loses over the horizon: its
    priority and that of every later session of its course, which the course rule leaves out with it.
    """
    working = [nurse for nurse in problem.nurses if day in assignment.day_shifts.get(nurse.id, {})]
    present = {nurse.id for nurse in working}
    own_nurse = {
        visit_id: assignment.course_nurses[course.id]
        for course in problem.courses
        if course.id in assignment.course_nurses
        for visit_id in course.sessions
    }
    ids = assignment.visits_on(day) if visit_ids is None else list(visit_ids)
    options = {"preference_weight_s": problem.options.continuity_weight_s, **problem.options.day_options}
    weights: dict[str, int] = {}
    if first_routing:
        options["preferences_in_first_roster"] = True
        for course in problem.courses:
            for k, visit_id in enumerate(course.sessions):
                weights[visit_id] = min(MAX_PRIORITY, sum(problem.visit(v).priority for v in course.sessions[k:]))
    return {
        "date": day.isoformat(),
        "timezone": problem.timezone,
        "travel": dict(problem.travel),
        "nurses": [_nurse_document(nurse, assignment.day_shifts[nurse.id][day]) for nurse in working],
        "visits": [
            _planned(
                _visit_document(problem.visit(v), present, own_nurse.get(v), weights.get(v)),
                problem,
                v,
                day,
                present,
            )
            for v in ids
        ],
        "options": {**options, "time_limit_s": time_limit_s, "workers": 1},
    }


def _nurse_document(nurse: WeekNurse, shift: tuple[str, str, int]) -> dict[str, Any]:
    start, end, overtime = shift
    doc = {**nurse.day_fields, "shift": {"start": start, "end": end}}
    if overtime:
        doc["overtime"] = {**doc.get("overtime", {}), "max_min": overtime}
    else:
        doc.pop("overtime", None)
    return doc


def _visit_document(visit: WeekVisit, present: set[str], own: str | None, weight: int | None = None) -> dict[str, Any]:
    doc = dict(visit.day_fields)
    if weight is not None:
        doc["priority"] = weight
    for key in ("preferred_nurses", "excluded_nurses"):
        if key in doc:
            doc[key] = [n for n in doc[key] if n in present]
            if not doc[key]:
                del doc[key]
    if own is not None and own in present:
        doc["preferred_nurses"] = sorted({*doc.get("preferred_nurses", []), own})
    if doc.get("pinned_nurse") is not None and doc["pinned_nurse"] not in present:
        raise ValueError(f"visit {visit.id} is pinned to {doc['pinned_nurse']}, who does not work that day")
    return doc


def _planned(doc: dict[str, Any], problem: WeekProblem, visit_id: str, day: date, present: set[str]) -> dict[str, Any]:
    """In a re-plan, a visit kept on its day in force carries its place there (`planned`), so the day re-plan prices changes."""
    in_force = problem.in_force.get(visit_id)
    if in_force is not None and in_force[0] == day and in_force[1] in present:
        doc["planned"] = {"nurse": in_force[1], "start": in_force[2]}
    return doc


def solve_day_document(doc: Mapping[str, Any]) -> dict[str, Any]:
    """Route one day document: its roster document (checked by the day checker inside solve or replan)."""
    day_problem = parse_problem(doc)
    plan = replan if day_problem.is_replanning else solve
    return roster_document(day_problem, plan(day_problem))


def following_the_days(problem: WeekProblem, assignment: DayAssignment, rosters: Iterable[Mapping[str, Any]]) -> DayAssignment:
    """The assignment with each course's nurse the one who gives most of its sessions in `rosters` and the plan in force.

    A course keeps its own nurse (the assignment's) until a session is given, and wherever she is among
    those giving the most; a course with a named nurse keeps her. Days routed in date order, each following
    the days before it, keep a course whose nurse could not take one session with whoever did, rather than
    with a different nurse each day (docs/week-document.md, "The split").
    """
    given_by = {visit_id: placed[1] for visit_id, placed in problem.in_force.items()}
    for roster in rosters:
        given_by.update({stop["visit_id"]: route["nurse_id"] for route in roster["routes"] for stop in route["stops"]})
    followed = dict(assignment.course_nurses)
    for course in problem.courses:
        counts = Counter(given_by[v] for v in course.sessions if v in given_by)
        if course.nurse is not None or not counts:
            continue
        most = max(counts.values())
        if counts.get(followed.get(course.id, ""), 0) < most:
            followed[course.id] = next(nurse for nurse, count in counts.items() if count == most)
    return replace(assignment, course_nurses=followed)


def visits_to_route(
    problem: WeekProblem,
    assignment: DayAssignment,
    day: date,
    routed: Collection[Mapping[str, Any]],
    later: Collection[date],
) -> list[str]:
    """The visits `day`'s routing is offered, given the `routed` days' rosters and the `later` days not routed yet.

    Those the assignment put on `day` that no routed roster serves, and the movable one-off visits whose
    range holds `day` that are put on a later day not routed yet (ahead of their day) or that a routed
    day left out (left behind); not the sessions after one a routed day left out (the course rule
    leaves them out with it: routed, they would take a nurse's time from visits that count; the
    assembly places them still if its repair finds the one before a day). The assignment balances days
    by load, travel aside, and leaves days short of what their routing can serve: offered more, a day's
    routing chooses the visits that fit its routes; a visit served off its day leaves that day, one left
    out stays there. Sessions are not
    offered (their course's gaps were set around their days), nor fixed visits, nor a re-plan's visits
    in force (a re-plan keeps what it can). Two days routed at once may both serve such a visit; the
    assembly keeps the first (solver.week.assemble).
    """
    served = {stop["visit_id"] for roster in routed for route in roster["routes"] for stop in route["stops"]}
    left_behind = {item["visit_id"] for roster in routed for item in roster["unassigned"]} - served
    after_a_session_left_out = problem.sessions_after(left_behind)
    own = [v for v in assignment.visits_on(day) if v not in served and v not in after_a_session_left_out]
    later_days = {d for d in later if d > day}

    def offered(visit: WeekVisit) -> bool:
        placed = assignment.placements.get(visit.id)
        return (
            placed is not None
            and (placed.day in later_days or (placed.day < day and visit.id in left_behind))
            and not visit.fixed
            and problem.course_of(visit.id) is None
            and visit.id not in problem.in_force
            and visit.id not in served
            and day in allowed_days(visit, assignment.day_shifts)
        )

    return own + [visit.id for visit in problem.visits if offered(visit)]


def route_days(
    problem: WeekProblem,
    assignment: DayAssignment,
    deadline: float,
    days: Sequence[date] | None = None,
    across_days: bool = True,
    kept: Mapping[date, Mapping[str, Any]] | None = None,
) -> dict[date, dict[str, Any]]:
    """Each day's roster document (every day of the horizon, or `days`), sharing the time until `deadline`.

    Days are routed in date order, `workers` at a time, each wave following the days routed before it
    (following_the_days) and, if `across_days`, offered the movable one-offs of the days after it and
    those the days before left out (visits_to_route), its capped nurses given the weekly minutes the days
    before did not use (carry_unused_week_minutes); else each day routes the visits put on it, on the
    shifts the assignment cut. `kept` are days not to route (a re-plan's days whose rosters in force stand):
    the days routed here follow them as they follow the days routed before them, on the shifts the
    assignment cut (a kept day may hold minutes carried to it when it was planned, beyond the re-plan's
    cut, so no minutes are carried then: the cut shifts keep each week within its cap).
    """
    days = sorted(problem.days if days is None else days)
    if not days:
        return {}
    workers = max(1, min(problem.options.workers, len(days)))
    rosters: dict[date, dict[str, Any]] = {}
    with contextlib.ExitStack() as stack:
        pool = None
        if workers > 1:
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")))
        for start in range(0, len(days), workers):
            wave = days[start : start + workers]
            per_day = max(MIN_TIME_PER_DAY_S, (deadline - time.monotonic()) / -(-(len(days) - start) // workers))
            later = days[start + workers :]
            done = {**(kept or {}), **rosters}
            carried = carry_unused_week_minutes(problem, assignment, done) if across_days and not kept else assignment
            followed = following_the_days(problem, carried, done.values())
            docs = [
                day_document(
                    problem,
                    followed,
                    day,
                    visits_to_route(problem, assignment, day, done.values(), later) if across_days else None,
                    time_limit_s=per_day,
                    first_routing=True,
                )
                for day in wave
            ]
            routed = map(solve_day_document, docs) if pool is None else pool.map(solve_day_document, docs)
            rosters.update(zip(wave, routed, strict=True))
    return rosters

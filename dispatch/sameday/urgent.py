"""An urgent visit on a day under way: the best places for it in the roster in force, and taking one.

The slots come from solver.urgent on the day as it stands (dispatch/sameday/state.py); taking one makes
a draft of the published roster with the visit in it, which the dispatcher publishes (or publishes
at once). A visit already in the roster but not begun can be placed the same way: it is taken out
of its nurse's day first (say, the patient now needs it sooner).
"""

from __future__ import annotations

import time as clock
from dataclasses import replace
from datetime import datetime, time
from typing import Any

from dispatch.errors import Conflict
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.rosters.naming import parse_day
from dispatch.rosters.problem import DayProblem
from dispatch.rosters.workflow import publish, roster, store_draft, with_held_back
from dispatch.sameday import events
from dispatch.sameday.state import replan_problem
from dispatch.vocabulary import PLANNED_STATUSES
from solver import Problem, Solution, accept_slot, current_roster, roster_document, urgent_slots
from solver.replan import NOT_PLANNED
from solver.residual import route_in_order
from solver.urgent import Slot

# Loading and timing the day is all the work; the limit only matters to a later re-plan of the same document.
TIME_LIMIT_S = 10.0
_VISIT = "SELECT v.*, p.name AS patient_name FROM visits v JOIN patients p ON p.id = v.patient_id WHERE v.id = %s"


def _the_day(conn: Db, who: Principal, visit_id: int, at: time | None) -> tuple[dict, datetime, DayProblem, Problem, Solution]:
    """The visit, the moment `at` on its day (default now), the day as it stands then (document and Problem),
    and the roster in force re-timed to it (the visit still in it, if it is: `_without` takes it out)."""
    visit = who.require_reach(conn.execute(_VISIT, [visit_id]).fetchone(), f"visit {visit_id}")
    label = f"{visit['patient_name']}'s visit"  # refusals name the patient
    if visit["status"] not in PLANNED_STATUSES:
        raise Conflict(f"{label} is {visit['status'].replace('_', ' ')}; only a visit not begun can be placed")
    if visit["day"] is None:  # a course session or booked visit still to date: the week plan gives it a day
        raise Conflict(f"{label} has no day yet ({visit['earliest']} to {visit['latest']}); give it a day or plan the week first")
    as_of = events.moment(conn, visit["region_id"], visit["day"], at)
    day = replan_problem(conn, visit["region_id"], visit["day"], as_of, TIME_LIMIT_S)
    held = next((h for h in day.held_back if h["visit_id"] == str(visit_id)), None)
    if held is not None:
        raise Conflict(f"{label} cannot be placed: {held['reason']}")
    problem = parse_day(day.document)
    if problem.state is not None and str(visit_id) in problem.state.committed_visit_ids():
        raise Conflict(
            f"{label} was due to start before {problem.clock.hhmm(problem.state.as_of)}: "
            "it is taken as under way or done, and stays as it is"
        )
    return visit, as_of, day, problem, current_roster(problem)


def _without(problem: Problem, current: Solution, visit_id: str) -> Solution:
    """The roster with the visit taken out of its nurse's day (if it is in one), the rest of her day re-timed."""
    for i, route in enumerate(current.routes):
        order = [stop.visit_id for stop in route.stops]
        if visit_id in order:
            order.remove(visit_id)
            routes = list(current.routes)
            routes[i] = route_in_order(problem, route.nurse_id, order)
            return replace(current, routes=tuple(routes))
    return replace(current, unassigned=tuple(u for u in current.unassigned if u.visit_id != visit_id))


def _refuse_a_take_that_changes_nothing(
    conn: Db, day: DayProblem, in_force: Solution, solution: Solution, visit_id: str, nurse_id: str, visit: dict
) -> None:
    """409 when the roster in force already has the visit where the slot puts it: another take of the same slot
    was published first (two dispatchers answering one call), and this one would publish a copy of it."""

    def order(roster: Solution) -> list[str]:
        return next(([s.visit_id for s in r.stops] for r in roster.routes if r.nurse_id == nurse_id), [])

    if day.based_on is None or visit_id not in order(in_force) or order(in_force) != order(solution):
        return
    published = one(conn.execute("SELECT version, published_by, published_at FROM rosters WHERE id = %s", [day.based_on]))
    raise Conflict(
        f"roster {day.based_on} (version {published['version']}) was published by {published['published_by']} at "
        f"{published['published_at'].isoformat(timespec='seconds')} with {visit['patient_name']}'s visit in that very "
        "slot; nothing to change",
        "position",
    )


def _published_reasons(conn: Db, published_id: int | None, document: dict[str, Any]) -> dict[str, Any]:
    """The draft with each visit the published roster left out keeping the reason it gave (why no nurse could take it),
    not "not in the roster in force yet", which only says it was not planned."""
    if published_id is None:
        return document
    published = one(conn.execute("SELECT document FROM rosters WHERE id = %s", [published_id]))
    reasons = {u["visit_id"]: u["reason"] for u in published["document"]["unassigned"]}
    unassigned = [
        u | {"reason": reasons[u["visit_id"]]} if u["reason"] == NOT_PLANNED and u["visit_id"] in reasons else u
        for u in document["unassigned"]
    ]
    return document | {"unassigned": unassigned}


def _slot_out(problem: Problem, visit_id: int, slot: Slot, rank: int) -> dict[str, Any]:
    day = problem.clock
    duration = next(v.duration for v in problem.visits if v.id == str(visit_id))
    return {
        "rank": rank,
        "nurse_id": int(slot.nurse_id),
        "nurse_name": problem.nurse(slot.nurse_id).name,
        "position": slot.position,
        "arrival": day.iso(slot.arrival),
        "start": day.iso(slot.start),
        "end": day.iso(slot.start + duration),
        "added_travel_s": slot.added_travel,
        "retimed": [
            {
                "visit_id": int(r.visit_id),
                "from": day.iso(r.old_start),
                "to": day.iso(r.new_start),
                "beyond_tolerance": r.beyond_tolerance,
            }
            for r in slot.retimed
        ],
        "bumped": [
            {
                "visit_id": int(b.visit_id),
                "to_nurse_id": None if b.nurse_id is None else int(b.nurse_id),
                "start": None if b.start is None else day.iso(b.start),
            }
            for b in slot.bumped
        ],
        "cost": slot.cost,
    }


def slots(conn: Db, who: Principal, visit_id: int, at: time | None, limit: int) -> dict[str, Any]:
    """Where the visit could go at `at` (default now), best first, each with what else moves."""
    started = clock.monotonic()
    _, as_of, _, problem, in_force = _the_day(conn, who, visit_id, at)
    found = urgent_slots(problem, _without(problem, in_force, str(visit_id)), str(visit_id), limit)
    audit.record(conn, who, "read", f"visit/{visit_id}/slots", slots=len(found))
    return {
        "visit_id": visit_id,
        "as_of": as_of,
        "elapsed_ms": round((clock.monotonic() - started) * 1000, 1),
        "slots": [_slot_out(problem, visit_id, slot, rank) for rank, slot in enumerate(found, start=1)],
    }


def take_slot(
    conn: Db,
    who: Principal,
    visit_id: int,
    nurse_record_id: int,
    position: int,
    bumped_visit_ids: list[int],
    at: time | None,
    publish_now: bool,
) -> dict[str, Any]:
    """A draft of the published roster with the visit where the dispatcher chose; published at once if asked.

    The slot is found again on the day as it stands now, so a slot that no longer fits is refused (409).
    """
    visit, as_of, day, problem, in_force = _the_day(conn, who, visit_id, at)
    current = _without(problem, in_force, str(visit_id))
    nurse_id = str(nurse_record_id)  # the solver's documents name nurses and visits by strings
    wanted = (nurse_id, position, sorted(str(b) for b in bumped_visit_ids))
    chosen = next(
        (
            slot
            for slot in urgent_slots(problem, current, str(visit_id), len(problem.nurses))
            if (slot.nurse_id, slot.position, sorted(b.visit_id for b in slot.bumped)) == wanted
        ),
        None,
    )
    if chosen is None:
        raise Conflict("that slot is no longer free; ask for the slots again", "position")
    try:
        solution = accept_slot(problem, current, str(visit_id), chosen)
    except ValueError as why:  # found a moment ago, so only a day changed in between gets here
        raise Conflict(f"that slot no longer fits: {why}; ask for the slots again", "position") from None
    _refuse_a_take_that_changes_nothing(conn, day, in_force, solution, str(visit_id), nurse_id, visit)
    roster_doc = _published_reasons(conn, day.based_on, with_held_back(roster_document(problem, solution), day.held_back))
    reason = f"urgent visit for {visit['patient_name']}: {problem.nurse(nurse_id).name} at {problem.clock.hhmm(chosen.start)}"
    # Stored and (if asked) published in one transaction: a take that loses the race to publish leaves no draft.
    with conn.transaction():
        roster_id = store_draft(
            conn, visit["region_id"], visit["day"], day.document, roster_doc, who.username, day.based_on, reason, day.travel
        )
        events.record(
            conn,
            who,
            visit["region_id"],
            visit["day"],
            "urgent_visit",
            as_of,
            nurse_id=nurse_record_id,
            visit_id=visit_id,
            note=reason,
        )
        if publish_now:
            return publish(conn, who, roster_id, None)
    return roster(conn, who, roster_id)

"""Week plans on the solve workers, in three kinds of job so the days fan out across workers.

1. `plan_week` reads the horizon (dispatch/courses/week.py) and assigns each visit its day (the
   solver's `assign_days`, CP-SAT, in a child process), stores each day's search time in `plan_days`,
   and queues one `plan_day` job per day.
2. `plan_day` routes one day (any worker; the day solve in a child process, as a roster's solve).
   The last day to finish queues the assembly.
3. `assemble_plan` puts the days together with the solver's repair (`assemble`), checks the whole
   plan with the independent week checker, and stores one draft roster per day.

A region whose week outgrows one machine thus plans on as many workers as share the database.
Progress (`plans.progress`): the phase, days routed of days, and the share done.
"""

from __future__ import annotations

import asyncio
import base64
import functools
import json
import logging
import pickle
import sys
import time
from dataclasses import replace
from datetime import date
from typing import Any

import procrastinate
from psycopg.types.json import Jsonb

from dispatch.courses.plans import store_plan
from dispatch.courses.week import WeekBuild, week_document
from dispatch.errors import DispatchError
from dispatch.platform.db import DbPool, one
from solver.week.assemble import assemble
from solver.week.assign import carry_unused_week_minutes
from solver.week.check import check_week
from solver.week.days import day_document, following_the_days, visits_to_route
from solver.week.document import parse_week
from solver.week.model import WeekProblem

log = logging.getLogger(__name__)

PLAN_TASK = "dispatch:plan_week"
PLAN_DAY_TASK = "dispatch:plan_day"
ASSEMBLE_TASK = "dispatch:assemble_plan"
# Of a plan's time limit: the day assignment's share (as plan_week gives it), the rest for routing the
# days, less the assembly's reserve. Days routed on several workers at once share the routing time.
ASSIGN_SHARE = 0.12
ASSEMBLE_SHARE = 0.08


def register(app: procrastinate.App, queue: str) -> None:
    """The plan tasks on this App, on the solve queue (the same workers)."""
    for name, task in ((PLAN_TASK, plan_week), (PLAN_DAY_TASK, plan_day), (ASSEMBLE_TASK, assemble_plan)):
        app.task(name=name, pass_context=True, queue=queue)(task)


async def enqueue_plan(app: procrastinate.App, plan: dict[str, Any]) -> None:
    await app.configure_task(PLAN_TASK).defer_async(plan_id=plan["id"])


def _pool(context: procrastinate.JobContext) -> DbPool:
    return context.additional_context["pool"]


def _execute(pool: DbPool, sql: str, params: list) -> dict | None:
    with pool.connection() as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchone() if cursor.description else None


def _fail(pool: DbPool, plan_id: int, error: str) -> None:
    _execute(
        pool,
        "UPDATE plans SET state = 'failed', error = %s, finished_at = now() WHERE id = %s AND state IN ('queued', 'running')",
        [error, plan_id],
    )


async def _child(mode: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Run `python -m dispatch.jobs.plan_process MODE` on the payload; its one JSON answer."""
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dispatch.jobs.plan_process",
        mode,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=1 << 26,
    )
    out, _ = await child.communicate(json.dumps(payload).encode())
    if child.returncode not in (0, 2) or not out:
        raise RuntimeError(f"the planner process ended with code {child.returncode}")
    return json.loads(out)


async def plan_week(context: procrastinate.JobContext, plan_id: int) -> None:
    pool = _pool(context)
    row = await asyncio.to_thread(
        _execute,
        pool,
        "UPDATE plans SET state = 'running', started_at = now(), progress = %s WHERE id = %s AND state = 'queued' RETURNING *",
        [Jsonb({"phase": "assigning days", "share": 0.0}), plan_id],
    )
    if row is None:
        return
    if row["kind"] == "replan":
        await _replan(pool, row)
        return
    started = time.monotonic()
    try:
        build = await asyncio.to_thread(_read_week, pool, row)
    except DispatchError as refused:
        await asyncio.to_thread(_fail, pool, plan_id, refused.message)
        return
    assign_s = min(30.0, max(0.5, ASSIGN_SHARE * row["time_limit_s"]))
    answer = await _child("assign", {"week": build.document, "time_limit_s": assign_s})
    if "error" in answer:
        await asyncio.to_thread(_fail, pool, plan_id, answer["error"])
        return
    days = build.document["days"]  # the horizon's dates, in order
    routing_s = max(0.5, row["time_limit_s"] * (1 - ASSEMBLE_SHARE) - (time.monotonic() - started))
    per_day = max(0.5, routing_s / max(1, len(days)))
    with pool.connection() as conn, conn.transaction():
        conn.execute(
            "UPDATE plans SET problem = %s, held_back = %s, assignment = %s, progress = %s WHERE id = %s",
            [
                Jsonb(build.document),
                Jsonb([h | {"day": h["day"] and h["day"].isoformat()} for h in build.held_back]),
                base64.b64decode(answer["assignment"]),
                Jsonb({"phase": "routing days", "days": len(days), "days_done": 0, "share": 0.15}),
                plan_id,
            ],
        )
        limit = round(per_day, 2)
        for day in days:
            conn.execute("INSERT INTO plan_days (plan_id, day, time_limit_s) VALUES (%s, %s, %s)", [plan_id, day, limit])
    for day in days:
        await context.app.configure_task(PLAN_DAY_TASK).defer_async(plan_id=plan_id, day=day)


async def _replan(pool: DbPool, row: dict) -> None:
    """A re-plan: the solver's `replan_week` from the plan in force (days before `from` kept), in one child process."""
    base = await asyncio.to_thread(
        _execute, pool, "SELECT problem, document, assignment, held_back FROM plans WHERE id = %s", [row["based_on"]]
    )
    if base is None or base["document"] is None:
        await asyncio.to_thread(_fail, pool, row["id"], f"plan {row['based_on']} has no finished plan to re-plan from")
        return
    event = row["event"]
    await asyncio.to_thread(
        _execute, pool, "UPDATE plans SET progress = %s WHERE id = %s", [Jsonb({"phase": "re-planning", "share": 0.1}), row["id"]]
    )
    payload = {
        "week": base["problem"],
        "plan": base["document"],
        "from": row["first_day"].isoformat(),
        "sick": event.get("sick", {}),
        "cancelled": _cancelled(event),
        "time_limit_s": row["time_limit_s"],
    }
    answer = await _child("replan", payload)
    if "error" in answer:
        await asyncio.to_thread(_fail, pool, row["id"], answer["error"])
        return
    try:
        await asyncio.to_thread(_store_replan, pool, row, base, answer["plan"])
    except Exception as error:
        log.exception("plan %s: the re-plan could not be stored", row["id"])
        await asyncio.to_thread(_fail, pool, row["id"], f"{type(error).__name__}: {error}")


def _cancelled(event: dict[str, Any]) -> list[str]:
    """A re-plan event's cancelled visits, as the week document names them."""
    return [str(v) for v in event.get("cancelled", [])]


def _store_replan(pool: DbPool, row: dict, base: dict, whole: dict[str, Any]) -> None:
    """The re-planned horizon checked as a whole, then stored from `from` on (the days before stay the plan in force's)."""
    problem = parse_week(base["problem"]).with_cancelled(_cancelled(row["event"]))
    faults = check_week(problem, whole)
    if faults:
        raise RuntimeError(f"the week checker refused the re-plan: {faults[0]}")
    first = row["first_day"]
    sick = row["event"].get("sick", {})
    assignment = pickle.loads(base["assignment"])  # written by our own plan_week job, never by a client
    day_shifts = {
        nurse: {day: shift for day, shift in shifts.items() if day.isoformat() not in sick.get(nurse, [])}
        for nurse, shifts in assignment.day_shifts.items()
    }
    rosters = {date.fromisoformat(d): roster for d, roster in whole["days"].items()}
    carried = carry_unused_week_minutes(problem, replace(assignment, day_shifts=day_shifts), rosters)
    assignment = following_the_days(problem, carried, rosters.values())
    days = {d: roster for d, roster in whole["days"].items() if date.fromisoformat(d) >= first}
    document = whole | {"days": days}
    day_problems = {}
    for day_text, roster in days.items():
        served = [s["visit_id"] for r in roster["routes"] for s in r["stops"]] + [u["visit_id"] for u in roster["unassigned"]]
        day_problems[day_text] = day_document(problem, assignment, date.fromisoformat(day_text), served)
    held_back = [h for h in base["held_back"] if not h.get("day") or date.fromisoformat(h["day"]) >= first]
    with pool.connection() as conn, conn.transaction():
        conn.execute(
            "UPDATE plans SET problem = %s, held_back = %s, assignment = %s WHERE id = %s",
            [Jsonb(base["problem"]), Jsonb(held_back), pickle.dumps(assignment), row["id"]],
        )
        store_plan(conn, row["id"], document, day_problems)


def _read_week(pool: DbPool, row: dict) -> WeekBuild:
    """The horizon as it stands; a re-plan also takes its sick nurses' shifts out of the days they are off."""
    with pool.connection() as conn:
        build = week_document(conn, row["region_id"], row["first_day"], row["days"], row["time_limit_s"])
    sick = row["event"].get("sick", {})
    for nurse in build.document["nurses"]:
        for day in sick.get(nurse["id"], []):
            nurse["shifts"].pop(day, None)
    build.document["nurses"] = [n for n in build.document["nurses"] if n["shifts"]]
    return build


async def plan_day(context: procrastinate.JobContext, plan_id: int, day: str) -> None:
    pool = _pool(context)
    problem = await asyncio.to_thread(_day_problem, pool, plan_id, day)
    if problem is None:
        return
    started = time.monotonic()
    answer = await _child("day", {"day": problem})
    if "error" in answer:
        await asyncio.to_thread(_fail, pool, plan_id, f"{day}: {answer['error']}")
        return
    worker = context.worker_name or "worker"
    with pool.connection() as conn, conn.transaction():
        plan = one(conn.execute("SELECT state, progress FROM plans WHERE id = %s FOR UPDATE", [plan_id]))
        conn.execute(
            "UPDATE plan_days SET roster = %s, worker = %s, solve_s = %s WHERE plan_id = %s AND day = %s",
            [Jsonb(answer["roster"]), worker, round(time.monotonic() - started, 2), plan_id, day],
        )
        left = one(conn.execute("SELECT count(*) AS n FROM plan_days WHERE plan_id = %s AND roster IS NULL", [plan_id]))["n"]
        total = plan["progress"].get("days", 1)
        conn.execute(
            "UPDATE plans SET progress = progress || %s WHERE id = %s",
            [Jsonb({"days_done": total - left, "share": round(0.15 + 0.75 * (total - left) / total, 2)}), plan_id],
        )
    if left == 0 and plan["state"] == "running":
        await context.app.configure_task(ASSEMBLE_TASK).defer_async(plan_id=plan_id)


@functools.lru_cache(maxsize=2)
def _plan_week_problem(pool: DbPool, plan_id: int) -> WeekProblem:
    """A plan's week problem, parsed once in each worker process for its day jobs and its assembly (parsing the
    week builds its whole travel matrix: about 1.7 s for 3,000 visits). A plan's problem is written once, by
    plan_week, before its days are queued, and not changed after."""
    with pool.connection() as conn:
        plan = one(conn.execute("SELECT problem FROM plans WHERE id = %s", [plan_id]))
    return parse_week(plan["problem"])


def _day_problem(pool: DbPool, plan_id: int, day: str) -> dict[str, Any] | None:
    """The day's problem (None once routed) as the days routed so far leave it (the solver's `visits_to_route`,
    `carry_unused_week_minutes` and `following_the_days`): its visits less those an earlier day served ahead of
    it, the movable one-offs of days not routed yet and those routed days left out, its capped nurses' shifts
    lengthened by the weekly minutes their routed days did not use, its sessions preferring whoever gave their
    courses' sessions. With one worker the days go in date order; on several, a day sees what the others have
    finished, and the shifts given to those still routing (stored here, built one day at a time under the
    plan's row lock, so two days never count on the same minutes)."""
    week = _plan_week_problem(pool, plan_id)
    with pool.connection() as conn, conn.transaction():
        conn.execute("SELECT id FROM plans WHERE id = %s FOR UPDATE", [plan_id])
        found = conn.execute(
            "SELECT time_limit_s, roster FROM plan_days WHERE plan_id = %s AND day = %s", [plan_id, day]
        ).fetchone()
        if found is None or found["roster"] is not None:
            return None
        others = conn.execute(
            "SELECT day, roster, shifts FROM plan_days WHERE plan_id = %s AND day <> %s", [plan_id, day]
        ).fetchall()
        plan = one(conn.execute("SELECT assignment FROM plans WHERE id = %s", [plan_id]))
        assignment = pickle.loads(plan["assignment"])  # written by our own plan_week job, never by a client
        routed = {o["day"]: o["roster"] for o in others if o["roster"] is not None}
        started = {
            o["day"]: {nurse: tuple(shift) for nurse, shift in o["shifts"].items()}
            for o in others
            if o["roster"] is None and o["shifts"] is not None
        }
        later = [o["day"] for o in others if o["roster"] is None]
        this_day = date.fromisoformat(day)
        visits = visits_to_route(week, assignment, this_day, routed.values(), later)
        carried = carry_unused_week_minutes(week, assignment, routed, started)
        doc = day_document(week, following_the_days(week, carried, routed.values()), this_day, visits, first_routing=True)
        given = {nurse: list(shifts[this_day]) for nurse, shifts in carried.day_shifts.items() if this_day in shifts}
        conn.execute("UPDATE plan_days SET shifts = %s WHERE plan_id = %s AND day = %s", [Jsonb(given), plan_id, day])
    return doc | {"options": doc["options"] | {"time_limit_s": found["time_limit_s"]}}


async def assemble_plan(context: procrastinate.JobContext, plan_id: int) -> None:
    pool = _pool(context)
    await asyncio.to_thread(
        _execute, pool, "UPDATE plans SET progress = progress || %s WHERE id = %s", [Jsonb({"phase": "assembling"}), plan_id]
    )
    try:
        await asyncio.to_thread(_assemble, pool, plan_id)
    except Exception as error:
        log.exception("plan %s: the assembly failed", plan_id)
        await asyncio.to_thread(_fail, pool, plan_id, f"{type(error).__name__}: {error}")


def _assemble(pool: DbPool, plan_id: int) -> None:
    with pool.connection() as conn:
        plan = one(conn.execute("SELECT assignment FROM plans WHERE id = %s", [plan_id]))
        days = conn.execute("SELECT day, roster FROM plan_days WHERE plan_id = %s", [plan_id]).fetchall()
    problem = _plan_week_problem(pool, plan_id)
    assignment = pickle.loads(plan["assignment"])  # written by our own plan_week job, never by a client
    rosters = {d["day"]: d["roster"] for d in days}
    assignment = following_the_days(problem, carry_unused_week_minutes(problem, assignment, rosters), rosters.values())
    week = assemble(problem, assignment, rosters)
    document = week.document()
    faults = check_week(problem, document)
    if faults:
        raise RuntimeError(f"the week checker refused the plan: {faults[0]}")
    day_problems = {}
    for day_text, roster in document["days"].items():
        served = [s["visit_id"] for r in roster["routes"] for s in r["stops"]] + [u["visit_id"] for u in roster["unassigned"]]
        day_problems[day_text] = day_document(problem, assignment, date.fromisoformat(day_text), served)
    with pool.connection() as conn, conn.transaction():
        conn.execute("UPDATE plans SET assignment = %s WHERE id = %s", [pickle.dumps(assignment), plan_id])
        store_plan(conn, plan_id, document, day_problems)

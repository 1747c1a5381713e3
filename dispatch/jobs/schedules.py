"""Solve schedules: e.g. "solve tomorrow's roster at 18:00 Denver time", edited by dispatchers.

Firing is idempotent across replicas: the first to record (schedule, local date and time) enqueues
the solve; every other replica that fires for the same moment finds the record and does nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from dispatch.errors import InvalidField
from dispatch.jobs.queue import AUTO_PUBLISHER as SCHEDULER
from dispatch.jobs.queue import request_solve
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.platform.db.versioned import update_versioned
from dispatch.records.regions import managed_region
from dispatch.vocabulary import MAX_DAYS_AHEAD, MAX_TIME_LIMIT_S

_COLUMNS = ("local_time", "days_ahead", "time_limit_s", "auto_publish", "active")


def _check(fields: dict[str, Any]) -> None:
    if not 0 <= fields.get("days_ahead", 1) <= MAX_DAYS_AHEAD:
        raise InvalidField(f"must be between 0 (today) and {MAX_DAYS_AHEAD}", "days_ahead")
    if not 0 < fields.get("time_limit_s", 30) <= MAX_TIME_LIMIT_S:
        raise InvalidField(f"must be more than 0 and at most {MAX_TIME_LIMIT_S} seconds", "time_limit_s")


def add_schedule(conn: Db, who: Principal, region_id: str, fields: dict[str, Any]) -> dict:
    managed_region(conn, who, region_id)
    _check(fields)
    given = {c: fields[c] for c in _COLUMNS if c in fields}
    with conn.transaction():
        row = one(
            conn.execute(
                f"INSERT INTO solve_schedules (region_id, {', '.join(given)}) VALUES (%s{', %s' * len(given)}) RETURNING *",
                [region_id, *given.values()],
            )
        )
        audit.record(conn, who, "create", f"schedule/{row['id']}")
    return row


def schedule(conn: Db, who: Principal, schedule_id: int) -> dict:
    row = conn.execute("SELECT * FROM solve_schedules WHERE id = %s", [schedule_id]).fetchone()
    return who.require_reach(row, f"schedule {schedule_id}")


def schedules_in(conn: Db, who: Principal, region_id: str) -> list[dict]:
    managed_region(conn, who, region_id)
    return conn.execute("SELECT * FROM solve_schedules WHERE region_id = %s ORDER BY id", [region_id]).fetchall()


def update_schedule(conn: Db, who: Principal, schedule_id: int, fields: dict[str, Any], expected_version: int | None) -> dict:
    current = schedule(conn, who, schedule_id)
    merged = {c: current[c] for c in _COLUMNS} | {c: v for c, v in fields.items() if c in _COLUMNS}
    _check(merged)
    with conn.transaction():
        row = update_versioned(conn, "solve_schedules", schedule_id, merged, expected_version, f"schedule {schedule_id}")
        audit.record(conn, who, "update", f"schedule/{schedule_id}", fields=sorted(fields))
    return row


def remove_schedule(conn: Db, who: Principal, schedule_id: int) -> None:
    schedule(conn, who, schedule_id)
    with conn.transaction():
        conn.execute("DELETE FROM solve_schedules WHERE id = %s", [schedule_id])
        audit.record(conn, who, "delete", f"schedule/{schedule_id}")


def active_schedules(conn: Db) -> list[dict]:
    """Every active schedule with its region's timezone, for the scheduler."""
    return conn.execute(
        "SELECT s.*, r.timezone FROM solve_schedules s JOIN regions r ON r.id = s.region_id WHERE s.active ORDER BY s.id"
    ).fetchall()


def fire(conn: Db, schedule_id: int, now: datetime) -> dict | None:
    """Record this firing and request its solve; None when another replica already did (or it is gone).

    `now` is when the trigger fired; the firing is keyed by the schedule's local date and time.
    """
    with conn.transaction():
        row = conn.execute(
            "SELECT s.*, r.timezone FROM solve_schedules s JOIN regions r ON r.id = s.region_id WHERE s.id = %s AND s.active",
            [schedule_id],
        ).fetchone()
        if row is None:
            return None
        local = now.astimezone(ZoneInfo(row["timezone"]))
        fire_key = f"{local.date().isoformat()}T{row['local_time']:%H:%M}"
        claimed = conn.execute(
            "INSERT INTO schedule_firings (schedule_id, fire_key) VALUES (%s, %s) ON CONFLICT DO NOTHING RETURNING 1",
            [schedule_id, fire_key],
        ).fetchone()
        if claimed is None:
            return None
        day = local.date() + timedelta(days=row["days_ahead"])
        job, _ = request_solve(
            conn,
            SCHEDULER,
            row["region_id"],
            day,
            row["time_limit_s"],
            f"schedule:{schedule_id}:{fire_key}",
            publish_when_done=row["auto_publish"],
        )
        conn.execute(
            "UPDATE schedule_firings SET job_id = %s WHERE schedule_id = %s AND fire_key = %s", [job["id"], schedule_id, fire_key]
        )
        audit.record(conn, SCHEDULER, "fire", f"schedule/{schedule_id}", fire_key=fire_key, job=str(job["id"]))
    return job

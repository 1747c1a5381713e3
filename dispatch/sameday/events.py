"""What the dispatcher is told during the day: a sick call, a cancellation, a no-show, a visit running long.

Each is recorded (who, when, what) and changes what it must at once (a cancelled visit is
cancelled); re-planning the rest of the day reads them (dispatch/sameday/state.py).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from dispatch.errors import Conflict, InvalidField
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.records.contracts import shifts_between
from dispatch.records.regions import region
from dispatch.records.visits import check_transition
from dispatch.vocabulary import MAX_OVERRUN_MIN, OPEN_STATUSES


def moment(conn: Db, region_id: str, day: date, at: time | None) -> datetime:
    """`at` on `day` in the region's timezone; without `at`, now."""
    if at is None:
        return one(conn.execute("SELECT now() AS now"))["now"]
    return datetime.combine(day, at, ZoneInfo(region(conn, region_id)["timezone"]))


def record(
    conn: Db,
    who: Principal,
    region_id: str,
    day: date,
    kind: str,
    effective_at: datetime,
    nurse_id: int | None = None,
    visit_id: int | None = None,
    minutes: int | None = None,
    note: str = "",
) -> dict[str, Any]:
    row = one(
        conn.execute(
            "INSERT INTO day_events (region_id, day, kind, nurse_id, visit_id, effective_at, minutes, note, recorded_by)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *, day AS date",
            [region_id, day, kind, nurse_id, visit_id, effective_at, minutes, note, who.username],
        )
    )
    audit.record(conn, who, kind, f"region/{region_id}/day/{day}", nurse=nurse_id, visit=visit_id, minutes=minutes)
    return row


def sick_call(conn: Db, who: Principal, nurse_id: int, day: date, off_from: time | None, note: str = "") -> dict[str, Any]:
    """She is off from `off_from` (default: now): nothing new is given to her; what she finished stays."""
    with conn.transaction():
        nurse = who.require_reach(
            conn.execute("SELECT id, region_id, name FROM nurses WHERE id = %s", [nurse_id]).fetchone(), f"nurse {nurse_id}"
        )
        if (nurse_id, day) not in shifts_between(conn, [nurse_id], day, day):
            raise Conflict(f"{nurse['name']} has no shift on {day}", "date")
        return record(
            conn,
            who,
            nurse["region_id"],
            day,
            "sick_call",
            moment(conn, nurse["region_id"], day, off_from),
            nurse_id=nurse_id,
            note=note,
        )


def _visit_for_event(conn: Db, who: Principal, visit_id: int) -> dict[str, Any]:
    row = conn.execute("SELECT * FROM visits WHERE id = %s FOR UPDATE", [visit_id]).fetchone()
    return who.require_reach(row, f"visit {visit_id}")


def _set_status(conn: Db, visit: dict, status: str) -> None:
    check_transition(visit["status"], status)
    conn.execute("UPDATE visits SET status = %s, version = version + 1 WHERE id = %s", [status, visit["id"]])


def cancel_visit(conn: Db, who: Principal, visit_id: int, at: time | None, note: str = "") -> dict[str, Any]:
    """The patient cancelled: the visit is cancelled now, for the record, and leaves the next roster."""
    with conn.transaction():
        visit = _visit_for_event(conn, who, visit_id)
        _set_status(conn, visit, "cancelled")
        return record(
            conn,
            who,
            visit["region_id"],
            visit["day"],
            "cancellation",
            moment(conn, visit["region_id"], visit["day"], at),
            visit_id=visit_id,
            note=note,
        )


def no_show(conn: Db, who: Principal, visit_id: int, at: time | None, note: str = "") -> dict[str, Any]:
    """Nobody was home: the nurse is free again, at the patient's door, from `at`."""
    with conn.transaction():
        visit = _visit_for_event(conn, who, visit_id)
        nurse = _published_nurse(conn, visit_id)
        _set_status(conn, visit, "no_show")
        return record(
            conn,
            who,
            visit["region_id"],
            visit["day"],
            "no_show",
            moment(conn, visit["region_id"], visit["day"], at),
            nurse_id=nurse,
            visit_id=visit_id,
            note=note,
        )


def overrun(conn: Db, who: Principal, visit_id: int, minutes: int, at: time | None, note: str = "") -> dict[str, Any]:
    """The visit runs `minutes` longer than planned: the nurse is free that much later."""
    if not 1 <= minutes <= MAX_OVERRUN_MIN:
        raise InvalidField(f"must be between 1 and {MAX_OVERRUN_MIN}", "minutes")
    with conn.transaction():
        visit = _visit_for_event(conn, who, visit_id)
        if visit["status"] not in OPEN_STATUSES:
            raise Conflict(f"the visit is {visit['status'].replace('_', ' ')}; only a visit under way can run long")
        nurse = _published_nurse(conn, visit_id)
        if visit["status"] != "in_progress":
            _set_status(conn, visit, "in_progress")
        return record(
            conn,
            who,
            visit["region_id"],
            visit["day"],
            "overrun",
            moment(conn, visit["region_id"], visit["day"], at),
            nurse_id=nurse,
            visit_id=visit_id,
            minutes=minutes,
            note=note,
        )


def _published_nurse(conn: Db, visit_id: int) -> int:
    row = conn.execute("SELECT nurse_id FROM roster_stops WHERE visit_id = %s AND published", [visit_id]).fetchone()
    if row is None:
        raise Conflict(f"visit {visit_id} is in no published roster", "visit_id")
    return row["nurse_id"]


def events_of_day(conn: Db, who: Principal, region_id: str, day: date) -> list[dict[str, Any]]:
    who.require_region(region_id)
    region(conn, region_id)
    return conn.execute(
        "SELECT *, day AS date FROM day_events WHERE region_id = %s AND day = %s ORDER BY effective_at, id", [region_id, day]
    ).fetchall()

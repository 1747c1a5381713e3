"""What the dispatcher is told during the day: a sick call, a cancellation, a no-show, a visit running long.

Each is recorded (who, when, what) and changes what it must at once (a cancelled visit is
cancelled); re-planning the rest of the day reads them (dispatch/sameday/state.py).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from dispatch.errors import Conflict, InvalidField, NotFound
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
    status_before: str | None = None,
) -> dict[str, Any]:
    row = one(
        conn.execute(
            "INSERT INTO day_events"
            " (region_id, day, kind, nurse_id, visit_id, effective_at, minutes, note, recorded_by, status_before)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [region_id, day, kind, nurse_id, visit_id, effective_at, minutes, note, who.username, status_before],
        )
    )
    audit.record(conn, who, kind, f"region/{region_id}/day/{day}", nurse=nurse_id, visit=visit_id, minutes=minutes)
    return _event(conn, row["id"])


# An event with the names the dispatcher knows (the nurse's, the patient's) beside the ids.
_EVENTS = """
SELECT e.*, e.day AS date, n.name AS nurse_name, p.name AS patient_name
FROM day_events e LEFT JOIN nurses n ON n.id = e.nurse_id
     LEFT JOIN visits v ON v.id = e.visit_id LEFT JOIN patients p ON p.id = v.patient_id
"""
# What still counts: re-plans and the console's view read only events not taken back.
IN_FORCE = "undone_at IS NULL"


def _event(conn: Db, event_id: int) -> dict[str, Any]:
    return one(conn.execute(f"{_EVENTS} WHERE e.id = %s", [event_id]))


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
            status_before=visit["status"],
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
            status_before=visit["status"],
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
            status_before=visit["status"],
        )


def _published_nurse(conn: Db, visit_id: int) -> int:
    row = conn.execute("SELECT nurse_id FROM roster_stops WHERE visit_id = %s AND published", [visit_id]).fetchone()
    if row is None:
        raise Conflict(f"visit {visit_id} is in no published roster", "visit_id")
    return row["nurse_id"]


def events_of_day(conn: Db, who: Principal, region_id: str, day: date) -> list[dict[str, Any]]:
    """The day's events in order, those taken back included (with who took them back, and when)."""
    who.require_region(region_id)
    region(conn, region_id)
    return conn.execute(
        f"{_EVENTS} WHERE e.region_id = %s AND e.day = %s ORDER BY e.effective_at, e.id", [region_id, day]
    ).fetchall()


# What the event set the visit to: undo puts the status back only while it is still that.
_STATUS_SET = {"cancellation": "cancelled", "no_show": "no_show", "overrun": "in_progress"}


def undo(conn: Db, who: Principal, region_id: str, day: date, event_id: int) -> dict[str, Any]:
    """Take back what the dispatcher was told (a tap on the wrong visit): the event stops counting, the visit's status
    is put back, and both are on record. A draft re-planned from it stays a draft: re-plan again."""
    who.require_region(region_id)
    region(conn, region_id)
    with conn.transaction():
        event = conn.execute(
            "SELECT * FROM day_events WHERE id = %s AND region_id = %s AND day = %s FOR UPDATE", [event_id, region_id, day]
        ).fetchone()
        if event is None:
            raise NotFound(f"event {event_id} not found on {day}")
        if event["undone_at"] is not None:
            raise Conflict(f"it was already undone by {event['undone_by']} at {event['undone_at']:%H:%M}")
        if event["kind"] == "urgent_visit":
            raise Conflict("an urgent visit's slot is taken back in the roster: move the visit, or re-plan", "event_id")
        visit_id, before = event["visit_id"], event["status_before"]
        if (
            before == "scheduled"
            and not conn.execute("SELECT 1 FROM roster_stops WHERE visit_id = %s AND published", [visit_id]).fetchone()
        ):
            before = "requested"  # the roster in force no longer holds it (its re-plan was published): to be placed again
        if visit_id is not None and before is not None:
            conn.execute(
                "UPDATE visits SET status = %s, version = version + 1 WHERE id = %s AND status = %s AND status <> %s",
                [before, visit_id, _STATUS_SET[event["kind"]], before],
            )
        conn.execute("UPDATE day_events SET undone_at = now(), undone_by = %s WHERE id = %s", [who.username, event_id])
        audit.record(conn, who, "undo-event", f"region/{region_id}/day/{day}", event=event_id, kind=event["kind"])
    return _event(conn, event_id)

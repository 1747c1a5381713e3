"""What a nurse reports about her own visits from the road, so the dispatcher sees the day as it goes."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from dispatch.clinical.evaluations import record_evaluation_visit_done
from dispatch.errors import Conflict, Forbidden, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.vocabulary import MAX_MINUTES_LATE, REPORT_KINDS, REPORT_STATUS_PATH

REPORT_AT_MOST_AGO = timedelta(days=1)  # a phone offline longer than that: the dispatcher has been told otherwise
CLOCK_SKEW = timedelta(minutes=2)  # a phone's clock a little ahead is not a report from the future


def report(
    conn: Db, who: Principal, visit_id: int, kind: str, minutes_late: int | None, at: datetime | None = None
) -> dict[str, Any]:
    """Record her report on a visit of her published day and move the visit's status along.

    `at` is when it happened, for a report her phone could only send later (default: now)."""
    if who.role != "nurse" or who.nurse_id is None:
        raise Forbidden("only the nurse giving a visit reports on it")
    if kind not in REPORT_KINDS:
        raise InvalidField(f"unknown report {kind!r} (known: {', '.join(REPORT_KINDS)})", "kind")
    if kind == "running_late" and not (minutes_late and 1 <= minutes_late <= MAX_MINUTES_LATE):
        raise InvalidField(f"say how late, 1 to {MAX_MINUTES_LATE} minutes", "minutes_late")
    if kind != "running_late" and minutes_late is not None:
        raise InvalidField("only a running_late report says how late", "minutes_late")
    if at is not None:
        now = one(conn.execute("SELECT now() AS now"))["now"]
        if not now - REPORT_AT_MOST_AGO <= at <= now + CLOCK_SKEW:
            raise InvalidField("must be within the last day and not in the future", "at")
    with conn.transaction():
        visit = conn.execute(
            "SELECT v.id, v.status, v.patient_id, v.service_code FROM visits v"
            " JOIN roster_stops s ON s.visit_id = v.id AND s.published"
            " WHERE v.id = %s AND s.nurse_id = %s FOR UPDATE OF v",
            [visit_id, who.nurse_id],
        ).fetchone()
        if visit is None:  # not hers, or not published: the same answer, so nothing leaks
            raise NotFound(f"visit {visit_id} is not on your published day")
        path = REPORT_STATUS_PATH[kind].get(visit["status"])
        if path is None:
            raise Conflict(
                f"the visit is {visit['status'].replace('_', ' ')}; it cannot be reported {kind.replace('_', ' ')}", "kind"
            )
        status = path[-1] if path else visit["status"]
        if path:
            conn.execute("UPDATE visits SET status = %s, version = version + 1 WHERE id = %s", [status, visit_id])
        if status == "done":
            record_evaluation_visit_done(conn, who, visit_id)
        row = one(
            conn.execute(
                "INSERT INTO visit_reports (visit_id, nurse_id, kind, minutes_late, reported_at)"
                " VALUES (%s, %s, %s, %s, coalesce(%s, now())) RETURNING reported_at",
                [visit_id, who.nurse_id, kind, minutes_late, at],
            )
        )
        audit.record(conn, who, "report", f"visit/{visit_id}", kind=kind, minutes_late=minutes_late)
    return {"visit_id": visit_id, "kind": kind, "status": status, "minutes_late": minutes_late, "reported_at": row["reported_at"]}


def latest_reports(conn: Db, visit_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each visit's last report and, if she said so since it started, how late she runs."""
    rows = conn.execute(
        "SELECT DISTINCT ON (visit_id) visit_id, kind, minutes_late, reported_at FROM visit_reports"
        " WHERE visit_id = ANY(%s) ORDER BY visit_id, reported_at DESC, id DESC",
        [visit_ids],
    ).fetchall()
    return {r["visit_id"]: r for r in rows}

"""What a nurse reports about her own visits from the road and at the patient's: the session record.

Each report is a record that is never changed (the table refuses UPDATE and DELETE): on my way, the
phases on site (arrived, infusion started, infusion ended, observation, discharged), running late,
and the session's notes (vital signs, an adverse event, whether an escort is present). Her phone makes
a key for each (a UUID): a report sent twice is recorded once and both answers are the first's. A
report can be taken back within a minute by an `undo` record, which restores the visit's status.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

from dispatch.clinical.evaluations import record_evaluation_visit_done
from dispatch.errors import Conflict, Forbidden, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.vocabulary import (
    MAX_MINUTES_LATE,
    PROGRESS_REPORT_KINDS,
    REPORT_KINDS,
    REPORT_SHIFT_ALLOWANCE_MIN,
    REPORT_STATUS_PATH,
    SESSION_PHASES,
    UNDO_WITHIN_S,
)

REPORT_AT_MOST_AGO = timedelta(days=1)  # a phone offline longer than that: the dispatcher has been told otherwise
CLOCK_SKEW = timedelta(minutes=2)  # a phone's clock a little ahead is not a report from the future

# A report that counts: not an undo, and not taken back by one. Over `visit_reports r`.
EFFECTIVE = "r.kind <> 'undo' AND NOT EXISTS (SELECT 1 FROM visit_reports u WHERE u.undoes = r.id)"
_ACK = (
    "r.id, r.visit_id, r.kind, r.minutes_late, r.reported_at, r.client_key AS key, r.systolic, r.diastolic,"
    " r.heart_rate, r.spo2, r.escort_present, r.note, r.undoes"
)


@dataclass(frozen=True)
class SessionNote:
    """What a vitals, adverse_event or escort report says (all optional elsewhere)."""

    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    escort_present: bool | None = None
    note: str | None = None


def _check(kind: str, minutes_late: int | None, details: SessionNote) -> None:
    if kind not in REPORT_KINDS:
        raise InvalidField(f"unknown report {kind!r} (known: {', '.join(REPORT_KINDS)})", "kind")
    if kind == "running_late" and not (minutes_late and 1 <= minutes_late <= MAX_MINUTES_LATE):
        raise InvalidField(f"say how late, 1 to {MAX_MINUTES_LATE} minutes", "minutes_late")
    if kind != "running_late" and minutes_late is not None:
        raise InvalidField("only a running_late report says how late", "minutes_late")
    vitals = (details.systolic, details.diastolic, details.heart_rate, details.spo2)
    if kind == "vitals":
        if all(v is None for v in vitals):
            raise InvalidField("give at least one of blood pressure, heart rate or SpO2", "heart_rate")
        if (details.systolic is None) != (details.diastolic is None):
            raise InvalidField("blood pressure needs both numbers", "diastolic" if details.diastolic is None else "systolic")
    elif any(v is not None for v in vitals):
        raise InvalidField("only a vitals report carries vital signs", "kind")
    if (kind == "escort") != (details.escort_present is not None):
        raise InvalidField("an escort report says whether an escort is present, and only it", "escort_present")
    if kind == "adverse_event" and not (details.note and details.note.strip()):
        raise InvalidField("say what happened", "note")


def _checked_time(conn: Db, at: datetime | None) -> datetime:
    """When the report happened: `at` (within the last day, not in the future), else now."""
    now = one(conn.execute("SELECT now() AS now"))["now"]
    if at is not None and not now - REPORT_AT_MOST_AGO <= at <= now + CLOCK_SKEW:
        raise InvalidField("must be within the last day and not in the future", "at")
    return now if at is None else at


def _within_her_day(conn: Db, who: Principal, visit: dict, moment: datetime) -> None:
    """Refuse a report on a day that has not begun in the region, or at a moment well outside her shift that day.

    Otherwise "done" tapped tonight on tomorrow's visit would be taken as having happened, and a re-plan would
    time it to 00:00."""
    shift = one(
        conn.execute(
            "SELECT r.timezone, s.starts, s.ends FROM regions r"
            " LEFT JOIN nurse_shifts s ON s.nurse_id = %s AND s.day = %s WHERE r.id = %s",
            [who.nurse_id, visit["day"], visit["region_id"]],
        )
    )
    zone = ZoneInfo(shift["timezone"])
    today = one(conn.execute("SELECT now() AS now"))["now"].astimezone(zone).date()
    if today < visit["day"]:
        raise Conflict(
            f"visit {visit['id']} is on {visit['day']}, which has not begun in {shift['timezone']} (it is {today} there);"
            " report on it that day",
            "at",
        )
    if shift["starts"] is None:
        raise Conflict(f"you have no shift on {visit['day']}; call the dispatcher", "at")
    allowance = timedelta(minutes=REPORT_SHIFT_ALLOWANCE_MIN)
    begins = datetime.combine(visit["day"], shift["starts"], zone)
    ends = datetime.combine(visit["day"], shift["ends"], zone)
    if not begins - allowance <= moment <= ends + allowance:
        local = moment.astimezone(zone)
        raise Conflict(
            f"a report at {local:%Y-%m-%d %H:%M} is outside your shift on {visit['day']}"
            f" ({shift['starts']:%H:%M}–{shift['ends']:%H:%M}, give or take {REPORT_SHIFT_ALLOWANCE_MIN} min)",
            "at",
        )


def _her_visit(conn: Db, who: Principal, visit_id: int) -> dict:
    """Her published visit, locked; the same answer for another nurse's visit as for none, so nothing leaks."""
    if who.role != "nurse" or who.nurse_id is None:
        raise Forbidden("only the nurse giving a visit reports on it")
    visit = conn.execute(
        "SELECT v.id, v.status, v.patient_id, v.service_code, v.day, v.region_id FROM visits v"
        " JOIN roster_stops s ON s.visit_id = v.id AND s.published"
        " WHERE v.id = %s AND s.nurse_id = %s FOR UPDATE OF v",
        [visit_id, who.nurse_id],
    ).fetchone()
    if visit is None:
        raise NotFound(f"visit {visit_id} is not on your published day")
    return visit


def _already(conn: Db, who: Principal, visit_id: int, key: UUID | None) -> dict | None:
    """The report this key already recorded (its answer is the answer again), or None."""
    if key is None:
        return None
    row = conn.execute(
        f"SELECT {_ACK}, r.nurse_id, v.status FROM visit_reports r JOIN visits v ON v.id = r.visit_id WHERE r.client_key = %s",
        [key],
    ).fetchone()
    if row is not None and (row.pop("nurse_id") != who.nurse_id or row["visit_id"] != visit_id):
        raise Conflict("this key was already used for another report; make a new one", "key")
    return row


def report(
    conn: Db,
    who: Principal,
    visit_id: int,
    kind: str,
    minutes_late: int | None,
    at: datetime | None = None,
    key: UUID | None = None,
    details: SessionNote = SessionNote(),
) -> dict[str, Any]:
    """Record her report on a visit of her published day and move the visit's status along.

    `at` is when it happened, for a report her phone could only send later (default: now); `key`,
    her phone's id for the report, makes sending it again harmless."""
    _check(kind, minutes_late, details)
    moment = _checked_time(conn, at)
    with conn.transaction():
        visit = _her_visit(conn, who, visit_id)
        if (done := _already(conn, who, visit_id, key)) is not None:
            return done
        _within_her_day(conn, who, visit, moment)
        path = REPORT_STATUS_PATH[kind].get(visit["status"])
        if path is None:
            raise Conflict(
                f"the visit is {visit['status'].replace('_', ' ')}; it cannot be reported {kind.replace('_', ' ')}", "kind"
            )
        if kind in SESSION_PHASES:
            _check_phase_order(conn, visit_id, kind)
        status = path[-1] if path else visit["status"]
        if path:
            conn.execute("UPDATE visits SET status = %s, version = version + 1 WHERE id = %s", [status, visit_id])
        if status == "done":
            record_evaluation_visit_done(conn, who, visit_id)
        row = one(
            conn.execute(
                "INSERT INTO visit_reports AS r (visit_id, nurse_id, kind, minutes_late, reported_at, client_key,"
                " status_before, systolic, diastolic, heart_rate, spo2, escort_present, note)"
                f" VALUES (%s, %s, %s, %s, coalesce(%s, now()), %s, %s, %s, %s, %s, %s, %s, %s) RETURNING {_ACK}",
                [
                    visit_id,
                    who.nurse_id,
                    kind,
                    minutes_late,
                    at,
                    key,
                    visit["status"],
                    details.systolic,
                    details.diastolic,
                    details.heart_rate,
                    details.spo2,
                    details.escort_present,
                    details.note,
                ],
            )
        )
        # The audit names the report, never the vital signs or notes themselves.
        audit.record(conn, who, "report", f"visit/{visit_id}", kind=kind, minutes_late=minutes_late, report=row["id"])
    return row | {"status": status}


def _check_phase_order(conn: Db, visit_id: int, kind: str) -> None:
    reached = [
        r["kind"]
        for r in conn.execute(
            f"SELECT r.kind FROM visit_reports r WHERE r.visit_id = %s AND r.kind = ANY(%s) AND {EFFECTIVE}",
            [visit_id, list(SESSION_PHASES)],
        )
    ]
    if reached and SESSION_PHASES.index(kind) <= max(SESSION_PHASES.index(k) for k in reached):
        last = max(reached, key=SESSION_PHASES.index)
        raise Conflict(f"the visit is already past {kind.replace('_', ' ')} (last: {last.replace('_', ' ')})", "kind")


def undo(conn: Db, who: Principal, visit_id: int, undoes_key: UUID, at: datetime | None = None, key: UUID | None = None) -> dict:
    """Take back her latest report on the visit, within UNDO_WITHIN_S of it: a new record; the status goes back."""
    _checked_time(conn, at)
    with conn.transaction():
        visit = _her_visit(conn, who, visit_id)
        if (done := _already(conn, who, visit_id, key)) is not None:
            return done
        target = conn.execute(
            f"SELECT r.id, r.kind, r.reported_at, r.status_before, coalesce(%s, now()) - r.reported_at AS age"
            f" FROM visit_reports r WHERE r.client_key = %s AND r.visit_id = %s AND r.nurse_id = %s AND {EFFECTIVE}",
            [at, undoes_key, visit_id, who.nurse_id],
        ).fetchone()
        if target is None:
            raise NotFound("no such report of yours on this visit (or it was already undone)", "undoes")
        later = conn.execute(
            f"SELECT 1 FROM visit_reports r WHERE r.visit_id = %s AND r.id > %s AND {EFFECTIVE}", [visit_id, target["id"]]
        ).fetchone()
        if later is not None:
            raise Conflict("only your latest report on a visit can be undone", "undoes")
        if target["age"] > timedelta(seconds=UNDO_WITHIN_S):
            raise Conflict(f"a report can be undone within {UNDO_WITHIN_S} s; call the dispatcher", "undoes")
        status = visit["status"]
        if target["status_before"] != status:
            if target["kind"] == "done" and visit["service_code"] == "evaluation":
                raise Conflict("a finished evaluation cannot be undone here; call the dispatcher", "undoes")
            status = target["status_before"]
            conn.execute("UPDATE visits SET status = %s, version = version + 1 WHERE id = %s", [status, visit_id])
        row = one(
            conn.execute(
                "INSERT INTO visit_reports AS r (visit_id, nurse_id, kind, reported_at, client_key, status_before, undoes)"
                f" VALUES (%s, %s, 'undo', coalesce(%s, now()), %s, %s, %s) RETURNING {_ACK}",
                [visit_id, who.nurse_id, at, key, visit["status"], target["id"]],
            )
        )
        audit.record(conn, who, "undo-report", f"visit/{visit_id}", kind=target["kind"], report=target["id"])
    return row | {"status": status}


def latest_reports(conn: Db, visit_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each visit's last report about where she is (not undone), for the dispatcher and her own page."""
    rows = conn.execute(
        "SELECT DISTINCT ON (visit_id) visit_id, kind, minutes_late, reported_at FROM visit_reports r"
        f" WHERE visit_id = ANY(%s) AND kind = ANY(%s) AND {EFFECTIVE} ORDER BY visit_id, reported_at DESC, id DESC",
        [visit_ids, list(PROGRESS_REPORT_KINDS)],
    ).fetchall()
    return {r["visit_id"]: r for r in rows}


def session_records(conn: Db, visit_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
    """Each visit's session record as it counts (undone reports left out), in the order things happened."""
    records: dict[int, list[dict[str, Any]]] = {v: [] for v in visit_ids}
    for r in conn.execute(
        f"SELECT {_ACK} FROM visit_reports r WHERE r.visit_id = ANY(%s) AND {EFFECTIVE} ORDER BY r.reported_at, r.id",
        [visit_ids],
    ):
        records[r["visit_id"]].append(r)
    return records

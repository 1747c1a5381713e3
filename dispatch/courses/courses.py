"""Treatment courses: a patient's sessions of one service spaced days apart, ideally by the same nurse.

A course's sessions are visits with a range of dates (`earliest`..`latest`, `day` NULL) until a week
plan gives each a day (dispatch/courses/plans.py); the day pipeline reads `visits.day` only, so an
unplanned session is in no day's solve. Session k (from 1) may fall `min_gap_days`..`max_gap_days`
after session k-1; the first after `last_given` (the session given before the course was recorded),
or, with none, within `start_on` .. `start_on + (max_gap_days - min_gap_days)`. These stored ranges
are the widest a session can have; the week plan narrows them from the sessions actually given.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from dispatch.clinical.clearance import booking_warning
from dispatch.errors import Conflict, InvalidField
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.records.regions import managed_region, region_today
from dispatch.vocabulary import MAX_GAP_DAYS, PLANNED_STATUSES, UNDER_WAY_STATUSES, WEEKDAYS


def session_ranges(sessions: int, min_gap: int, max_gap: int, last_given: date | None, start_on: date) -> list[tuple[date, date]]:
    """Each session's earliest and latest date, counted from the session before the course (or `start_on`)."""
    anchor = last_given if last_given is not None else start_on - timedelta(days=min_gap)
    return [(anchor + timedelta(days=k * min_gap), anchor + timedelta(days=k * max_gap)) for k in range(1, sessions + 1)]


def _check(conn: Db, who: Principal, given: dict[str, Any]) -> tuple[dict, dict, dict | None]:
    """The patient, the service and the nurse of a course as asked, each checked; InvalidField names the field."""
    patient = conn.execute("SELECT id, region_id, name FROM patients WHERE id = %s", [given["patient_id"]]).fetchone()
    if patient is None or not who.may_manage(patient["region_id"]):
        raise InvalidField(f"unknown patient {given['patient_id']}", "patient_id")
    if given["max_gap_days"] < given["min_gap_days"]:
        raise InvalidField(
            f"{patient['name']}: max_gap_days {given['max_gap_days']} is below min_gap_days {given['min_gap_days']}",
            "max_gap_days",
        )
    if given["max_gap_days"] > MAX_GAP_DAYS:
        raise InvalidField(f"at most {MAX_GAP_DAYS} days", "max_gap_days")
    if given["window"]["end"] < given["window"]["start"]:
        raise InvalidField(
            f"{patient['name']}: the window ends at {given['window']['end']:%H:%M}, before it starts", "window.end"
        )
    service = conn.execute("SELECT * FROM service_types WHERE code = %s", [given["service"]]).fetchone()
    if service is None:
        codes = [r["code"] for r in conn.execute("SELECT code FROM service_types ORDER BY code")]
        raise InvalidField(f"unknown service {given['service']!r} (known: {', '.join(codes)})", "service")
    if not service["home_allowed"]:
        raise Conflict(f"{service['name']} cannot be given at home: {service['home_rule']}", "service")
    nurse = None
    if given.get("nurse_id") is not None:
        nurse = conn.execute(
            "SELECT id, name FROM nurses WHERE id = %s AND region_id = %s", [given["nurse_id"], patient["region_id"]]
        ).fetchone()
        if nurse is None:
            raise InvalidField(f"unknown nurse {given['nurse_id']} in region {patient['region_id']}", "nurse_id")
    return patient, service, nurse


def add_course(conn: Db, who: Principal, given: dict[str, Any]) -> dict[str, Any]:
    """A new course and its sessions (movable visits); its page, with a warning if the patient is not cleared."""
    who.require_role("admin", "dispatcher")
    patient, service, _ = _check(conn, who, given)
    start_on = given.get("start_on") or (
        given["last_given"] + timedelta(days=given["min_gap_days"])
        if given.get("last_given")
        else region_today(conn, patient["region_id"])
    )
    if given.get("last_given") and given["last_given"] >= start_on:
        raise InvalidField(f"{patient['name']}: the last session given must be before {start_on}", "last_given")
    weekdays = sorted({WEEKDAYS.index(d) + 1 for d in given.get("weekdays") or WEEKDAYS[:5]})
    with conn.transaction():
        course = one(
            conn.execute(
                "INSERT INTO courses (region_id, patient_id, service_code, sessions, min_gap_days, max_gap_days, weekdays,"
                " window_start, window_end, nurse_id, last_given, start_on, notes, created_by)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *",
                [
                    patient["region_id"],
                    patient["id"],
                    service["code"],
                    given["sessions"],
                    given["min_gap_days"],
                    given["max_gap_days"],
                    weekdays,
                    given["window"]["start"],
                    given["window"]["end"],
                    given.get("nurse_id"),
                    given.get("last_given"),
                    start_on,
                    given.get("notes") or "",
                    who.username,
                ],
            )
        )
        ranges = session_ranges(
            given["sessions"], given["min_gap_days"], given["max_gap_days"], given.get("last_given"), start_on
        )
        for number, (earliest, latest) in enumerate(ranges, start=1):
            conn.execute(
                "INSERT INTO visits (region_id, patient_id, day, earliest, latest, window_start, window_end, service_code,"
                " duration_min, course_id, session_no) VALUES (%s, %s, NULL, %s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    patient["region_id"],
                    patient["id"],
                    earliest,
                    latest,
                    given["window"]["start"],
                    given["window"]["end"],
                    service["code"],
                    service["minutes"],
                    course["id"],
                    number,
                ],
            )
        audit.record(conn, who, "create", f"course/{course['id']}", patient=patient["id"], sessions=given["sessions"])
    warning = booking_warning(conn, patient["id"], service["code"], ranges[0][0])
    return course_page(conn, who, course["id"]) | {"warnings": [warning] if warning else []}


def cancel_course(conn: Db, who: Principal, course_id: int) -> dict[str, Any]:
    """The course ends: its sessions not begun are cancelled (those given stay, for the record)."""
    with conn.transaction():
        course = _course_row(conn, who, course_id, lock=True)
        if course["status"] == "cancelled":
            raise Conflict(f"course {course_id} is already cancelled", "status")
        conn.execute("UPDATE courses SET status = 'cancelled', version = version + 1 WHERE id = %s", [course_id])
        cancelled = conn.execute(
            "UPDATE visits SET status = 'cancelled', version = version + 1 WHERE course_id = %s AND status = ANY(%s)"
            " RETURNING id",
            [course_id, list(PLANNED_STATUSES)],
        ).fetchall()
        audit.record(conn, who, "cancel", f"course/{course_id}", sessions=[r["id"] for r in cancelled])
    return course_page(conn, who, course_id)


def _course_row(conn: Db, who: Principal, course_id: int, lock: bool = False) -> dict[str, Any]:
    row = conn.execute(f"SELECT * FROM courses WHERE id = %s{' FOR UPDATE' if lock else ''}", [course_id]).fetchone()
    return who.require_reach(row, f"course {course_id}")


def courses_in(conn: Db, who: Principal, region_id: str) -> list[dict[str, Any]]:
    managed_region(conn, who, region_id)
    ids = [r["id"] for r in conn.execute("SELECT id FROM courses WHERE region_id = %s ORDER BY id", [region_id])]
    return [course_page(conn, who, i) for i in ids]


def course_page(conn: Db, who: Principal, course_id: int) -> dict[str, Any]:
    """The course with each session done, planned (date, nurse) or to plan, and those at risk with the reason."""
    course = _course_row(conn, who, course_id)
    patient = one(conn.execute("SELECT name FROM patients WHERE id = %s", [course["patient_id"]]))
    nurse = conn.execute("SELECT name FROM nurses WHERE id = %s", [course["nurse_id"]]).fetchone()
    sessions = conn.execute(
        "SELECT v.id, v.session_no, v.day, v.earliest, v.latest, v.status,"
        "       (SELECT json_build_object('nurse_id', n.id, 'name', n.name, 'roster_id', r.id, 'status', r.status, 'day', r.day)"
        "          FROM roster_stops s JOIN rosters r ON r.id = s.roster_id JOIN nurses n ON n.id = s.nurse_id"
        "         WHERE s.visit_id = v.id AND r.status <> 'superseded' ORDER BY (r.status = 'published') DESC, r.id DESC"
        "         LIMIT 1) AS held_by"
        " FROM visits v WHERE v.course_id = %s ORDER BY v.session_no",
        [course_id],
    ).fetchall()
    risks = _at_risk(conn, course, sessions)
    out = []
    for s in sessions:
        held = s["held_by"] or {}
        day = s["day"] or (date.fromisoformat(held["day"]) if held else None)
        state = (
            "done"
            if s["status"] == "done" or s["status"] in UNDER_WAY_STATUSES
            else "cancelled"
            if s["status"] in ("cancelled", "no_show")
            else "planned"
            if day is not None
            else "to_plan"
        )
        out.append(
            {
                "session": s["session_no"],
                "visit_id": s["id"],
                "state": state,
                "status": s["status"],
                "date": day,
                "earliest": s["earliest"],
                "latest": s["latest"],
                "nurse_id": held.get("nurse_id"),
                "nurse_name": held.get("name"),
                "published": held.get("status") == "published",
                "at_risk": risks.get(s["id"]),
            }
        )
    return {
        "id": course["id"],
        "region_id": course["region_id"],
        "patient_id": course["patient_id"],
        "patient_name": patient["name"],
        "service": course["service_code"],
        "sessions": course["sessions"],
        "min_gap_days": course["min_gap_days"],
        "max_gap_days": course["max_gap_days"],
        "weekdays": [WEEKDAYS[d - 1] for d in course["weekdays"]],
        "window": {"start": course["window_start"], "end": course["window_end"]},
        "nurse_id": course["nurse_id"],
        "nurse_name": nurse["name"] if nurse else None,
        "last_given": course["last_given"],
        "start_on": course["start_on"],
        "status": course["status"],
        "notes": course["notes"],
        "version": course["version"],
        "done": sum(1 for s in out if s["state"] == "done"),
        "planned": sum(1 for s in out if s["state"] == "planned"),
        "at_risk": sum(1 for s in out if s["at_risk"]),
        "session_list": out,
    }


def _at_risk(conn: Db, course: dict, sessions: list[dict]) -> dict[int, str]:
    """Sessions not given that may not be: the latest plan left them out (its reason), or their last day passed."""
    risks: dict[int, str] = {}
    open_ids = {str(s["id"]): s for s in sessions if s["status"] in PLANNED_STATUSES}
    plan = conn.execute(
        "SELECT document, held_back FROM plans WHERE region_id = %s AND state = 'succeeded' AND status <> 'superseded'"
        " ORDER BY id DESC LIMIT 1",
        [course["region_id"]],
    ).fetchone()
    if plan is not None:
        for item in [*(plan["document"] or {}).get("unassigned", []), *plan["held_back"]]:
            s = open_ids.get(str(item["visit_id"]))
            if s is not None and s["day"] is None:
                risks[s["id"]] = _risk_text(course, s, item["reason"])
    today = region_today(conn, course["region_id"])
    for s in open_ids.values():
        if s["day"] is None and s["latest"] < today:
            risks[s["id"]] = f"its last possible day, {s['latest']}, has passed"
    return risks


def _risk_text(course: dict, session: dict, reason: str) -> str:
    if session["session_no"] == 1 and course["last_given"] is None:
        return f"cannot be planned between {session['earliest']} and {session['latest']}: {reason}"
    return f"cannot be planned within {course['max_gap_days']} days of the last session: {reason}"

"""A region's horizon in the database → the solver's week document (docs/week-document.md).

What goes in: the nurses working some day of the horizon (her shifts from her contract,
dispatch/records/contracts.py), every visit still to give dated within the horizon (fixed), and every
course session not yet dated whose range meets the horizon (movable). The clinical gate applies per
date (dispatch/clinical/clearance.py): a session's dates on which its patient is not cleared become
its `excluded_dates`; a session with no day left, or a fixed visit not cleared on its day, is held back
with the reason, and so is every later session of its course (the gaps count from the one before).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from dispatch.clinical.clearance import clearances, hold_reason, uncleared_visits
from dispatch.platform.db import Db
from dispatch.records.contracts import shifts_between
from dispatch.records.eligibility import nurse_skills
from dispatch.records.regions import region
from dispatch.rosters.problem import hhmm, overtime_of, pinned_nurse_off, visit_document
from dispatch.rosters.travel import region_travel, with_travel
from dispatch.vocabulary import CONTINUITY_WEIGHT_S, PLANNED_STATUSES, UNDER_WAY_STATUSES, WEEKDAYS


@dataclass(frozen=True)
class WeekBuild:
    document: dict[str, Any]
    # Visits the planner never sees: visit_id, reason, priority, and the day (fixed) or None (a session).
    held_back: list[dict[str, Any]]


def horizon(first: date, days: int) -> list[date]:
    return [first + timedelta(days=k) for k in range(days)]


def week_document(conn: Db, region_id: str, first: date, days: int, time_limit_s: float) -> WeekBuild:
    """The region's horizon as a week document, and what is held back from it (with reasons)."""
    tz = region(conn, region_id)["timezone"]
    dates = horizon(first, days)
    last = dates[-1]
    nurse_docs = _nurses(conn, region_id, dates)
    working = {n["id"] for n in nurse_docs}
    visits = conn.execute(
        "SELECT v.*, p.lat, p.lon, p.state, p.preferred_nurse_ids, p.excluded_nurse_ids, p.name AS patient_name,"
        "       s.name AS service_name, s.required_certifications, s.needs_clearance,"
        "       c.weekdays AS course_weekdays, c.status AS course_status"
        " FROM visits v JOIN patients p ON p.id = v.patient_id JOIN service_types s ON s.code = v.service_code"
        " LEFT JOIN courses c ON c.id = v.course_id"
        " WHERE v.region_id = %s AND v.status = ANY(%s)"
        "   AND ((v.day BETWEEN %s AND %s) OR (v.day IS NULL AND v.earliest <= %s AND v.latest >= %s))"
        "   AND (c.id IS NULL OR c.status = 'active')"
        " ORDER BY v.id",
        [region_id, list(PLANNED_STATUSES), first, last, last, first],
    ).fetchall()
    uncleared_fixed = uncleared_visits(conn, [v["id"] for v in visits if v["day"] is not None])
    cleared_on = _clearance_by_day(conn, [v for v in visits if v["day"] is None and v["needs_clearance"]], dates)
    visit_docs: list[dict[str, Any]] = []
    held_back: list[dict[str, Any]] = []
    held_sessions: dict[int, tuple[int, int]] = {}  # course → (first session held back, its visit)

    def hold(v: dict, reason: str) -> None:
        earlier = held_sessions.get(v["course_id"]) if v["course_id"] is not None else None
        if earlier is not None and earlier[0] < v["session_no"]:  # the course's chain broke before it
            reason = f"an earlier session of course {v['course_id']} ({earlier[1]}) is not planned"
        held_back.append({"visit_id": str(v["id"]), "reason": reason, "priority": v["priority"], "day": v["day"]})
        if v["course_id"] is not None:
            earlier = held_sessions.get(v["course_id"])
            if earlier is None or v["session_no"] < earlier[0]:
                held_sessions[v["course_id"]] = (v["session_no"], v["id"])

    for v in visits:
        doc = visit_document(v, {str(i) for i in working})
        if v["day"] is not None:
            if v["id"] in uncleared_fixed:
                hold(v, uncleared_fixed[v["id"]])
                continue
            if v["pinned_nurse_id"] is not None and not any(
                n["id"] == str(v["pinned_nurse_id"]) and v["day"].isoformat() in n["shifts"] for n in nurse_docs
            ):
                hold(v, pinned_nurse_off(conn, v["pinned_nurse_id"]))
                continue
            visit_docs.append(doc | {"date": v["day"].isoformat()})
            continue
        span = [d for d in dates if max(v["earliest"], first) <= d <= min(v["latest"], last)]
        weekdays = [WEEKDAYS[d - 1] for d in (v["course_weekdays"] or range(1, 8))]
        allowed = [d for d in span if WEEKDAYS[d.weekday()] in weekdays]
        not_cleared = {d: cleared_on[(v["patient_id"], d)] for d in allowed if (v["patient_id"], d) in cleared_on}
        if not allowed:
            hold(v, f"none of its days in the horizon ({span[0]} to {span[-1]}) is one of its weekdays ({', '.join(weekdays)})")
            continue
        if len(not_cleared) == len(allowed):
            hold(v, f"{hold_reason(v['service_name'], not_cleared[allowed[0]])} on any of its days")
            continue
        movable = doc | {"dates": {"from": span[0].isoformat(), "to": span[-1].isoformat()}, "weekdays": weekdays}
        if not_cleared:
            movable["excluded_dates"] = [d.isoformat() for d in sorted(not_cleared)]
        visit_docs.append(movable)
    # A session held back takes the later sessions of its course with it: the gaps count from the one before.
    later = [
        d
        for d in visit_docs
        if (course := _course_of(visits, d["id"])) is not None
        and course[0] in held_sessions
        and course[1] > held_sessions[course[0]][0]
    ]
    for d in later:
        v = next(v for v in visits if str(v["id"]) == d["id"])
        course_id, first_held = v["course_id"], held_sessions[v["course_id"]][1]
        held_back.append(
            {
                "visit_id": d["id"],
                "priority": v["priority"],
                "day": v["day"],
                "reason": f"an earlier session of course {course_id} ({first_held}) is not planned",
            }
        )
    visit_docs = [d for d in visit_docs if d not in later]
    document: dict[str, Any] = {
        "timezone": tz,
        "days": [d.isoformat() for d in dates],
        "nurses": nurse_docs,
        "visits": visit_docs,
        "courses": _courses(conn, region_id, first, visit_docs, working),
        "options": {"time_limit_s": time_limit_s, "continuity_weight_s": CONTINUITY_WEIGHT_S},
    }
    roads, note = region_travel(conn, region_id)
    document, _ = with_travel(document, roads, note)
    return WeekBuild(document, held_back)


def _course_of(visits: list[dict], visit_id: str) -> tuple[int, int] | None:
    for v in visits:
        if str(v["id"]) == visit_id:
            return (v["course_id"], v["session_no"]) if v["course_id"] is not None else None
    return None


def _clearance_by_day(conn: Db, sessions: list[dict], dates: list[date]) -> dict[tuple[int, date], Any]:
    """(patient, date) → her clearance, for the dates of the horizon on which she is not cleared."""
    patients = {v["patient_id"] for v in sessions}
    found = {}
    for day in dates if patients else []:
        for patient_id, clearance in clearances(conn, patients, day).items():
            if not clearance.cleared:
                found[(patient_id, day)] = clearance
    return found


def _nurses(conn: Db, region_id: str, dates: list[date]) -> list[dict[str, Any]]:
    """Each active nurse working some day of the horizon: her shifts by date, caps, and the skills she has throughout."""
    active = conn.execute("SELECT * FROM nurses WHERE region_id = %s AND active ORDER BY id", [region_id]).fetchall()
    shifts = shifts_between(conn, [n["id"] for n in active], dates[0], dates[-1])
    certs: dict[int, list] = {}
    for row in conn.execute(
        "SELECT nurse_id, certification, expires_on FROM nurse_certifications WHERE nurse_id = ANY(%s)",
        [[n["id"] for n in active]],
    ):
        certs.setdefault(row["nurse_id"], []).append((row["certification"], row["expires_on"]))
    docs = []
    for n in active:
        own = {d: shifts[(n["id"], d)] for d in dates if (n["id"], d) in shifts}
        if not own:
            continue
        # A certification that expires within the horizon is left out for all of it: the planner's nurse has one
        # set of skills, and giving her a visit on a day she may not would be worse than missing one she may.
        skills = set.intersection(*(nurse_skills(certs.get(n["id"], []), n["licensed_states"], d) for d in own))
        doc: dict[str, Any] = {
            "id": str(n["id"]),
            "name": n["name"],
            "start": {"lat": n["home_lat"], "lon": n["home_lon"]},
            "skills": sorted(skills),
            "shifts": {d.isoformat(): {"start": hhmm(s.starts), "end": hhmm(s.ends)} for d, s in own.items()},
        }
        if n["max_visits"] is not None:
            doc["max_visits"] = n["max_visits"]
        if n["max_week_min"] is not None:
            doc["max_week_min"] = n["max_week_min"]
        overtime = overtime_of(n, max(s.minutes for s in own.values()))
        if overtime is not None:
            doc["overtime"] = overtime
        if n["break_start"] is not None:
            doc["break"] = {
                "window": {"start": hhmm(n["break_start"]), "end": hhmm(n["break_end"])},
                "duration_min": n["break_minutes"],
            }
        docs.append(doc)
    return docs


def _courses(conn: Db, region_id: str, first: date, visit_docs: list[dict], working: set[str]) -> list[dict[str, Any]]:
    """The courses with sessions in the document: their sessions in order, gaps, own nurse, and the last given."""
    in_document = {d["id"] for d in visit_docs}
    found = []
    for c in conn.execute(
        "SELECT c.*, (SELECT max(v.day) FROM visits v WHERE v.course_id = c.id AND v.day < %s"
        "              AND v.status = ANY(%s)) AS last_day"
        " FROM courses c WHERE c.region_id = %s AND c.status = 'active' ORDER BY c.id",
        [first, list(("done", "scheduled", *UNDER_WAY_STATUSES)), region_id],
    ):
        sessions = [
            str(r["id"])
            for r in conn.execute("SELECT id FROM visits WHERE course_id = %s ORDER BY session_no", [c["id"]])
            if str(r["id"]) in in_document
        ]
        if not sessions:
            continue
        course: dict[str, Any] = {
            "id": str(c["id"]),
            "sessions": sessions,
            "min_gap_days": c["min_gap_days"],
            "max_gap_days": c["max_gap_days"],
            "weekdays": [WEEKDAYS[d - 1] for d in c["weekdays"]],
        }
        last_given = c["last_day"] or c["last_given"]
        if last_given is not None and last_given < first:
            course["last_given"] = last_given.isoformat()
        if c["nurse_id"] is not None and str(c["nurse_id"]) in working:
            course["nurse"] = str(c["nurse_id"])
        found.append(course)
    return found

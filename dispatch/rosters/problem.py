"""A region's day in the database → the solver's problem document (docs/problem-document.md)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from dispatch.clinical.clearance import uncleared_visits
from dispatch.platform.db import Db
from dispatch.records.contracts import shifts_between
from dispatch.records.eligibility import nurse_skills, visit_skills
from dispatch.records.nurses import break_in_shift
from dispatch.records.regions import region
from dispatch.rosters.travel import region_travel, with_travel
from dispatch.rosters.workflow import published_id
from dispatch.vocabulary import PLANNED_STATUSES, UNDER_WAY_STATUSES


@dataclass(frozen=True)
class DayProblem:
    document: dict[str, Any]
    # Visits the solver never sees: visit_id, reason (e.g. the patient not cleared), priority.
    held_back: list[dict[str, Any]]
    # The roster published when the day was read: the draft made from it is based on that one.
    based_on: int | None
    # Which travel model timed it (dispatch/rosters/travel.py): stored on the roster, shown in the console.
    travel: dict[str, Any] = field(default_factory=dict)


def hhmm(value) -> str:
    return value.strftime("%H:%M")


def day_problem(
    conn: Db, region_id: str, day: date, time_limit_s: float, under_way: bool = False, timed: bool = True
) -> DayProblem:
    """Nurses on shift and visits still to plan (with `under_way`, also those begun or done), eligibility as skills.

    Travel comes from the region's road dataset, or the geodesic model (`timed_day`); a caller that adds
    places of its own (a re-plan: where a nurse is now) asks for it untimed and times it last.
    """
    tz = region(conn, region_id)["timezone"]
    based_on = published_id(conn, region_id, day)  # read first: a roster published after it makes the draft stale
    active = conn.execute("SELECT * FROM nurses WHERE region_id = %s AND active ORDER BY id", [region_id]).fetchall()
    shifts = shifts_between(conn, [n["id"] for n in active], day, day)  # her template, or the date's own shift
    nurses = [
        n | {"starts": shifts[(n["id"], day)].starts, "ends": shifts[(n["id"], day)].ends}
        for n in active
        if (n["id"], day) in shifts
    ]
    certs: dict[int, list] = {}
    for row in conn.execute(
        "SELECT nurse_id, certification, expires_on FROM nurse_certifications WHERE nurse_id = ANY(%s)",
        [[n["id"] for n in nurses]],
    ):
        certs.setdefault(row["nurse_id"], []).append((row["certification"], row["expires_on"]))
    on_shift = {str(n["id"]) for n in nurses}
    nurse_docs = [_nurse_document(n, certs.get(n["id"], []), day) for n in nurses]

    visits = conn.execute(
        "SELECT v.*, p.lat, p.lon, p.state, p.preferred_nurse_ids, p.excluded_nurse_ids,"
        "       s.name AS service_name, s.required_certifications"
        " FROM visits v JOIN patients p ON p.id = v.patient_id JOIN service_types s ON s.code = v.service_code"
        " WHERE v.region_id = %s AND v.day = %s AND v.status = ANY(%s) ORDER BY v.id",
        [region_id, day, list(PLANNED_STATUSES + (UNDER_WAY_STATUSES if under_way else ()))],
    ).fetchall()
    uncleared = uncleared_visits(conn, [v["id"] for v in visits])  # the clinical gate (visits not yet begun)
    visit_docs, held_back = [], []
    for v in visits:
        if v["id"] in uncleared:
            held_back.append({"visit_id": str(v["id"]), "reason": uncleared[v["id"]], "priority": v["priority"]})
        elif v["pinned_nurse_id"] is not None and str(v["pinned_nurse_id"]) not in on_shift:
            held_back.append(
                {"visit_id": str(v["id"]), "priority": v["priority"], "reason": pinned_nurse_off(conn, v["pinned_nurse_id"])}
            )
        else:
            visit_docs.append(visit_document(v, on_shift))
    document = {
        "date": day.isoformat(),
        "timezone": tz,
        "nurses": nurse_docs,
        "visits": visit_docs,
        "options": {"time_limit_s": time_limit_s},
    }
    problem = DayProblem(document, held_back, based_on)
    return timed_day(conn, region_id, problem) if timed else problem


def pinned_nurse_off(conn: Db, nurse_id: int) -> str:
    """Why a visit pinned to a nurse without a shift that day is held back, naming her."""
    nurse = conn.execute("SELECT name FROM nurses WHERE id = %s", [nurse_id]).fetchone()
    return f"pinned nurse {nurse['name'] if nurse else nurse_id} has no shift that day"


def timed_day(conn: Db, region_id: str, problem: DayProblem) -> DayProblem:
    """The day with its travel times: the region's roads, or the geodesic model (and the note saying which)."""
    roads, note = region_travel(conn, region_id)
    document, note = with_travel(problem.document, roads, note)
    return DayProblem(document, problem.held_back, problem.based_on, note)


def _minutes(start, end) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def overtime_of(n: dict, shift_min: int) -> dict[str, int] | None:
    """Her contract's overtime on a day of `shift_min` minutes: its limit, kept within her day's cap, and its price."""
    limit = n["overtime_max_min"]
    if n["max_day_min"] is not None:
        limit = min(limit, max(0, n["max_day_min"] - shift_min))
    if limit <= 0:
        return None
    return {"max_min": limit, "cost_per_min_s": n["overtime_cost_per_min_s"]}


def _nurse_document(n: dict, certifications: list, day: date) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": str(n["id"]),
        "name": n["name"],
        "start": {"lat": n["home_lat"], "lon": n["home_lon"]},
        "shift": {"start": hhmm(n["starts"]), "end": hhmm(n["ends"])},
        "skills": sorted(nurse_skills(certifications, n["licensed_states"], day)),
    }
    if n["max_visits"] is not None:
        doc["max_visits"] = n["max_visits"]
    overtime = overtime_of(n, _minutes(n["starts"], n["ends"]))
    if overtime is not None:
        doc["overtime"] = overtime
    if n["break_start"] is not None:
        # Narrowed into the day's shift (set_shift refuses a shift it cannot fit; an older one is named by the solver).
        start, end = break_in_shift(n["starts"], n["ends"], n) or (n["break_start"], n["break_end"])
        doc["break"] = {
            "window": {"start": hhmm(start), "end": hhmm(end)},
            "duration_min": n["break_minutes"],
        }
    return doc


def visit_document(v: dict, on_shift: set[str]) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": str(v["id"]),
        "patient_id": str(v["patient_id"]),
        "service": v["service_name"],
        "location": {"lat": v["lat"], "lon": v["lon"]},
        "window": {"start": hhmm(v["window_start"]), "end": hhmm(v["window_end"])},
        "duration_min": v["duration_min"],
        "required_skills": sorted(visit_skills(v["required_certifications"], v["state"])),
        "priority": v["priority"],
    }
    if v["pinned_nurse_id"] is not None:
        doc["pinned_nurse"] = str(v["pinned_nurse_id"])
    return doc | patients_nurses(v, on_shift)


def patients_nurses(patient: dict, on_shift: set[str]) -> dict[str, list[str]]:
    """A visit's `preferred_nurses` and `excluded_nurses` from its patient's, kept to the nurses on shift (none: no field)."""
    lists = {
        "preferred_nurses": [str(i) for i in patient["preferred_nurse_ids"] if str(i) in on_shift],
        "excluded_nurses": [str(i) for i in patient["excluded_nurse_ids"] if str(i) in on_shift],
    }
    return {field: nurses for field, nurses in lists.items() if nurses}

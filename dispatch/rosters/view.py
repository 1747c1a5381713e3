"""A roster as the dispatcher's console draws it: a map of routes and a timeline of each nurse's day.

Joins what the roster holds (times, reasons), what the problem held when it was solved (shifts,
breaks, homes, travel times) and what the visits are now (patient, status, pins, the nurse's latest
report). Times are ISO 8601 in the region's timezone, as in the roster document.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db
from dispatch.records.contracts import shifts_between
from dispatch.rosters.naming import parse_day
from dispatch.rosters.workflow import roster_row, roster_summary
from dispatch.sameday.events import IN_FORCE
from dispatch.sameday.reports import latest_reports
from dispatch.vocabulary import PLANNED_STATUSES
from solver import Problem

NEWER_REASON = "booked after this roster was made: find it a slot, or re-plan"
_VISITS = """
SELECT v.id, v.status, v.priority, v.promised, v.pinned_nurse_id, v.window_start, v.window_end, v.duration_min,
       st.name AS service, p.name AS patient_name, p.lat, p.lon, p.phone, p.address
FROM visits v JOIN patients p ON p.id = v.patient_id JOIN service_types st ON st.code = v.service_code
WHERE v.id = ANY(%s)
"""


def roster_view(conn: Db, who: Principal, roster_id: int) -> dict[str, Any]:
    """Everything the console shows for one roster; the read of patient names is audited."""
    row = roster_row(conn, who, roster_id)
    document, problem = row["document"], parse_day(row["problem"])
    visit_ids = [int(s["visit_id"]) for r in document["routes"] for s in r["stops"]]
    visit_ids += [int(u["visit_id"]) for u in document["unassigned"]]
    # Visits booked since this roster was made (an urgent call): listed, so the dispatcher can place them.
    newer = [
        r["id"]
        for r in conn.execute(
            "SELECT id FROM visits WHERE region_id = %s AND day = %s AND status = 'requested' AND NOT (id = ANY(%s)) ORDER BY id",
            [row["region_id"], row["day"], visit_ids],
        )
    ]
    visit_ids += newer
    visits = {v["id"]: v for v in conn.execute(_VISITS, [visit_ids])}
    reports = latest_reports(conn, visit_ids)
    audit.record(conn, who, "read", f"roster/{roster_id}/view", visits=len(visit_ids))
    # A road-timed problem's places also carry their matrix row (`index`): the console needs only where.
    homes = {n["id"]: {"lat": n["start"]["lat"], "lon": n["start"]["lon"]} for n in row["problem"]["nurses"]}
    tz = ZoneInfo(document["timezone"])  # times in the region's, as everywhere in the view
    off = {
        str(e["nurse_id"]): e["effective_at"].astimezone(tz)
        for e in conn.execute(
            "SELECT nurse_id, min(effective_at) AS effective_at FROM day_events WHERE region_id = %s AND day = %s"  # noqa: S608
            f" AND kind = 'sick_call' AND {IN_FORCE} GROUP BY nurse_id",
            [row["region_id"], row["day"]],
        )
    }
    # Her shift as it is now, by the one rule for when a nurse works (template, dated change or time off).
    shifts = {
        str(nurse_id): {"starts": shift.starts, "ends": shift.ends}
        for (nurse_id, _), shift in shifts_between(
            conn, [int(r["nurse_id"]) for r in document["routes"]], row["day"], row["day"]
        ).items()
    }
    nurses = []
    for route in document["routes"]:
        day = _nurse_day(problem, route, homes[route["nurse_id"]], visits, reports)
        day |= {"off_from": off.get(route["nurse_id"]), "shift_changed": _outside_shift(day, shifts.get(route["nurse_id"]))}
        nurses.append(day)
    unassigned = [_visit_facts(visits[int(u["visit_id"])], reports) | {"reason": u["reason"]} for u in document["unassigned"]]
    unassigned += [_visit_facts(visits[v], reports) | {"reason": NEWER_REASON} for v in newer]
    return {
        "summary": roster_summary(row),
        "date": document["date"],
        "timezone": document["timezone"],
        "kpis": _kpis(document, nurses),
        "nurses": nurses,
        "unassigned": unassigned,
    }


def _outside_shift(day: dict[str, Any], shift: dict | None) -> str | None:
    """Her shift as it is now against her stops not begun: the roster's times no longer hold when one lies outside."""
    waiting = [s for s in day["stops"] if s["status"] in PLANNED_STATUSES]
    if not waiting:
        return None
    if shift is None:
        return f"{day['name']} has no shift on this day any more; her {_hhmm(waiting[0]['start'])} visit has no nurse: re-plan"
    for stop in waiting:
        starts, ends = datetime.fromisoformat(stop["start"]).time(), datetime.fromisoformat(stop["end"]).time()
        if ends > shift["ends"]:
            return f"{day['name']}'s shift now ends at {shift['ends']:%H:%M}; her {starts:%H:%M} visit is outside it: re-plan"
        if starts < shift["starts"]:
            return f"{day['name']}'s shift now starts at {shift['starts']:%H:%M}; her {starts:%H:%M} visit is outside it: re-plan"
    return None


def _hhmm(iso: str) -> str:
    return datetime.fromisoformat(iso).strftime("%H:%M")


def _visit_facts(visit: dict, reports: dict) -> dict[str, Any]:
    report = reports.get(visit["id"])
    return {
        "visit_id": visit["id"],
        "patient_name": visit["patient_name"],
        "phone": visit["phone"],
        "address": visit["address"],
        "location": {"lat": visit["lat"], "lon": visit["lon"]},
        "service": visit["service"],
        "window": {"start": visit["window_start"].strftime("%H:%M"), "end": visit["window_end"].strftime("%H:%M")},
        "priority": visit["priority"],
        "promised": visit["promised"],  # booked from an offer: the patient was told its window
        "status": visit["status"],
        "pinned_nurse_id": visit["pinned_nurse_id"],
        "duration_min": visit["duration_min"],
        "report": report
        and {"kind": report["kind"], "minutes_late": report["minutes_late"], "reported_at": report["reported_at"].isoformat()},
    }


def _nurse_day(problem: Problem, route: dict, home: dict, visits: dict, reports: dict) -> dict[str, Any]:
    """One nurse's row: shift, break, and each stop with the drive that leads to it."""
    nurse = problem.nurse(route["nurse_id"])
    by_id = {v.id: v for v in problem.visits}
    clock = problem.clock
    place, stops = nurse.start_index, []
    for stop in route["stops"]:
        visit = by_id[stop["visit_id"]]
        drive = problem.travel(place, visit.location_index)
        stops.append(
            _visit_facts(visits[int(stop["visit_id"])], reports)
            | {"arrival": stop["arrival"], "start": stop["start"], "end": stop["end"], "drive_s": drive}
        )
        place = visit.location_index
    shift_s = nurse.shift.end - nurse.shift.start
    day: dict[str, Any] = {
        "nurse_id": int(nurse.id),
        "name": nurse.name,
        "home": home,
        "shift": {"start": clock.iso(nurse.shift.start), "end": clock.iso(nurse.shift.end)},
        "break": route.get("break"),
        "stops": stops,
        "departure": route.get("departure"),
        "return": route.get("return"),
        "drive_home_s": problem.travel(place, nurse.end_index) if stops else 0,
        "travel_s": route["travel_s"],
        "waiting_s": route["waiting_s"],
        "service_s": route["service_s"],
        "utilisation": round((route["travel_s"] + route["service_s"]) / shift_s, 3) if shift_s else 0.0,
        "overtime_s": 0,
    }
    if route.get("return"):
        back = datetime.fromisoformat(route["return"])
        day["overtime_s"] = max(0, int((back - clock.datetime(nurse.shift.end)).total_seconds()))
    return day


def _kpis(document: dict, nurses: list[dict]) -> dict[str, Any]:
    summary = document["summary"]
    shift_s = sum(
        (datetime.fromisoformat(n["shift"]["end"]) - datetime.fromisoformat(n["shift"]["start"])).total_seconds() for n in nurses
    )
    busy_s = sum(n["travel_s"] + n["service_s"] for n in nurses)
    return {
        "visits_served": summary["assigned"],
        "unassigned": summary["unassigned"],
        "unassigned_priority_weight": summary["unassigned_priority_weight"],
        "total_priority_weight": summary["total_priority_weight"],
        "travel_h": round(summary["total_travel_s"] / 3600, 1),
        "nurses_working": summary["nurses_working"],
        "nurses_on_shift": len(nurses),
        "utilisation": round(busy_s / shift_s, 3) if shift_s else 0.0,
        "overtime_h": round(sum(n["overtime_s"] for n in nurses) / 3600, 2),
    }

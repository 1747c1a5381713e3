"""A day under way, from the database to the solver's re-planning document (docs/problem-document.md).

What is published becomes each visit's `planned` place; what nurses reported (on my way, started,
late, done) and what the dispatcher was told (sick calls, no-shows, visits running long) becomes
`progress` and each nurse's `now`. A visit nobody reported on that was due to start before `as_of`
is presumed to have gone as planned (nurses do not always tap "done"; re-planning it afresh would
send a second nurse). Cancelled visits and no-shows are simply not in it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from dispatch.errors import Conflict
from dispatch.platform.db import Db
from dispatch.records.regions import region
from dispatch.rosters.problem import DayProblem, day_problem, timed_day
from dispatch.rosters.workflow import published_id
from dispatch.sameday.events import IN_FORCE
from dispatch.sameday.reports import EFFECTIVE
from dispatch.vocabulary import UNDER_WAY_STATUSES

_DAY = timedelta(days=1)


def published_roster_id(conn: Db, region_id: str, day: date) -> int:
    """The day's published roster, which a re-plan keeps close to; Conflict when there is none."""
    roster_id = published_id(conn, region_id, day)
    if roster_id is None:
        raise Conflict(f"nothing is published for {day} yet: solve the day and publish it first")
    return roster_id


def replan_problem(conn: Db, region_id: str, day: date, as_of: datetime, time_limit_s: float) -> DayProblem:
    """The day as it stands at `as_of`, with the published roster as the plan to keep close to."""
    tz = ZoneInfo(region(conn, region_id)["timezone"])
    local = as_of.astimezone(tz)
    if local.date() > day:
        raise Conflict(f"{day} is over in this region; there is nothing left to re-plan", "as_of")
    as_of_hhmm = "00:00" if local.date() < day else local.strftime("%H:%M")
    published = published_roster_id(conn, region_id, day)  # the plan kept close to, and what the draft is based on
    base = day_problem(conn, region_id, day, time_limit_s, under_way=True, timed=False)
    document = base.document | {"as_of": as_of_hhmm}

    stops = {
        r["visit_id"]: r
        for r in conn.execute(
            "SELECT visit_id, nurse_id, arrival, starts, ends FROM roster_stops WHERE roster_id = %s", [published]
        )
    }
    visits = {
        v["id"]: v
        for v in conn.execute(
            "SELECT v.id, v.status, v.duration_min, p.lat, p.lon FROM visits v JOIN patients p ON p.id = v.patient_id"
            " WHERE v.region_id = %s AND v.day = %s",
            [region_id, day],
        )
    }
    reports = _reports(conn, list(visits))
    events = conn.execute(
        f"SELECT * FROM day_events WHERE region_id = %s AND day = %s AND {IN_FORCE} ORDER BY effective_at, id", [region_id, day]
    ).fetchall()
    overrun: defaultdict[int, int] = defaultdict(int)
    for e in events:
        if e["kind"] == "overrun":
            overrun[e["visit_id"]] += e["minutes"]

    def hhmm(moment: datetime) -> str:
        moment = moment.astimezone(tz)
        return "00:00" if moment.date() < day else "23:59" if moment.date() > day else moment.strftime("%H:%M")

    off_since = {e["nurse_id"]: e["effective_at"] for e in events if e["kind"] == "sick_call"}
    visit_docs = []
    for doc in document["visits"]:
        visit_id = int(doc["id"])
        stop, visit = stops.get(visit_id), visits[visit_id]
        if stop is not None:
            doc = doc | {"planned": {"nurse": str(stop["nurse_id"]), "start": hhmm(stop["starts"])}}
        reported = reports.get(visit_id, {})
        if visit["status"] in UNDER_WAY_STATUSES:
            if stop is None:
                continue  # under way but in no published roster (set by hand): nothing to keep it in line with
            doc = doc | {"progress": progress_of(visit, stop, reported, overrun[visit_id], hhmm)}
        elif stop is not None and "running_late" in reported:
            # She said she runs late for it: she is on her way to it, or, if it should have begun by now, at it.
            late = timedelta(minutes=reported["running_late"]["minutes_late"])
            status = "in_progress" if stop["starts"] + late <= as_of else "en_route"
            doc = doc | {"progress": progress_of(visit | {"status": status}, stop, reported, overrun[visit_id], hhmm)}
        elif stop is not None and stop["starts"] <= as_of and stop["starts"] < off_since.get(stop["nurse_id"], as_of + _DAY):
            # Nobody reported on it, but it was due to start before now: presumed to have gone as planned.
            doc = doc | {
                "progress": {
                    "status": "done" if stop["ends"] <= as_of else "in_progress",
                    "nurse": str(stop["nurse_id"]),
                    "start": hhmm(stop["starts"]),
                    "end": hhmm(stop["ends"] + timedelta(minutes=overrun[visit_id])),
                }
            }
        visit_docs.append(doc)

    nurse_docs = []
    for doc in document["nurses"]:
        now = _now(int(doc["id"]), events, visits, as_of, hhmm)
        off_from = now.pop("off_from", None)
        if off_from is not None and off_from <= doc["shift"]["start"]:
            now = {"off_duty": True}
        elif off_from is not None:  # a sick call that takes effect later: her shift ends then
            doc = doc | {"shift": doc["shift"] | {"end": min(doc["shift"]["end"], off_from)}}
        nurse_docs.append(doc | ({"now": now} if now else {}))
    return timed_day(
        conn, region_id, DayProblem(document | {"nurses": nurse_docs, "visits": visit_docs}, base.held_back, published)
    )


def _reports(conn: Db, visit_ids: list[int]) -> dict[int, dict[str, dict]]:
    """Per visit, each kind of report's latest."""
    latest: dict[int, dict[str, dict]] = defaultdict(dict)
    for r in conn.execute(
        f"SELECT * FROM visit_reports r WHERE visit_id = ANY(%s) AND {EFFECTIVE} ORDER BY reported_at, id", [visit_ids]
    ):
        latest[r["visit_id"]][r["kind"]] = r
    return latest


def progress_of(visit: dict, stop: dict, reports: dict[str, dict], overrun_min: int, hhmm) -> dict:
    """What happened to a visit under way, from the nurse's reports, else as it was planned."""
    duration = timedelta(minutes=visit["duration_min"])
    late = timedelta(minutes=reports["running_late"]["minutes_late"]) if "running_late" in reports else timedelta(0)
    progress = {"status": visit["status"], "nurse": str(stop["nurse_id"])}
    if visit["status"] == "en_route":
        if late:
            progress["arrival"] = hhmm(stop["arrival"] + late)
        return progress
    # On site from her arrival (the service time includes setting up), else from the infusion's start.
    began = reports.get("arrived") or reports.get("started")
    start = began["reported_at"] if began else stop["starts"] + late
    if visit["status"] == "done":
        end = reports["done"]["reported_at"] if "done" in reports else start + duration
        start = min(start, end - duration) if began is None else min(start, end)
    else:
        end = max(start + duration, stop["ends"] + late) + timedelta(minutes=overrun_min)
    return progress | {"start": hhmm(start), "end": hhmm(end)}


def _now(nurse_id: int, events: list[dict], visits: dict, as_of: datetime, hhmm) -> dict:
    """Her `now`: off duty after a sick call (or `off_from` a later time); at the patient's door after a no-show."""
    now: dict = {}
    for e in events:
        if e["nurse_id"] != nurse_id:
            continue
        if e["kind"] == "sick_call":
            now = {"off_duty": True} if e["effective_at"] <= as_of else now | {"off_from": hhmm(e["effective_at"])}
        elif e["kind"] == "no_show" and e["effective_at"] <= as_of and not now.get("off_duty"):
            patient = visits[e["visit_id"]]
            now = now | {"location": {"lat": patient["lat"], "lon": patient["lon"]}, "time": hhmm(e["effective_at"])}
    return now

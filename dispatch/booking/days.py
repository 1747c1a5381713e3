"""A region's day as booking sees it: everything already promised, settled into routes, ready for one more visit.

The routes are the published roster's, else the newest draft's (a week plan's day is one), else none (the
nurses on shift with empty days). Visits booked since and not in those routes are put in at their cheapest
place (solver.booking.settle); an offer held for a caller is a visit pinned to its nurse at the time it
reserves, and a taken offer's visit that no route holds yet is pinned there too. Nurses, shifts, breaks,
overtime caps, certifications and licences come from the day's problem (dispatch/rosters/problem.py), and
the patient's clearance from the clinical gate, as for a solve.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from dispatch.platform.db import Db, one
from dispatch.records.eligibility import visit_skills
from dispatch.rosters.naming import parse_day
from dispatch.rosters.problem import DayProblem, day_problem, hhmm, patients_nurses, timed_day
from dispatch.rosters.travel import GEODESIC
from solver.booking import Opening, SettledDay, openings, settle
from solver.insertion import RemainingDays
from solver.model import Problem, TimeWindow, Visit
from solver.travel import speed_durations

NEW_VISIT = "booking"  # the visit being offered, in the day's problem document
# Loading the day is all the work; no solve runs on it.
TIME_LIMIT_S = 1.0


@dataclass(frozen=True)
class BookingDay:
    """The day settled, the new visit in its problem (window: the whole day), and the time reserved per nurse."""

    day: date
    problem: Problem
    settled: SettledDay
    visit: Visit
    reserved: dict[str, list[tuple[int, int]]]  # nurse id → (start, end) seconds held or taken on this day
    week_room: dict[str, int]  # nurse id → seconds her day may last within her weekly cap (capped nurses only)

    def fits(self, opening: Opening) -> bool:
        """The opening overlaps no time the database holds for its nurse (held or taken offers), and her day with it
        keeps her week within her cap."""
        end = opening.start + self.visit.duration
        if opening.nurse_id in self.week_room and opening.working > self.week_room[opening.nurse_id]:
            return False
        return all(end <= start or stop <= opening.start for start, stop in self.reserved.get(opening.nurse_id, ()))

    def openings(self, window: TimeWindow | None, limit: int, nurse_id: str | None = None) -> list[Opening]:
        """The cheapest openings in `window` (None: the whole day), outside reserved time; one nurse's with `nurse_id`."""
        visit = self.visit if window is None else replace(self.visit, windows=(window,))
        if nurse_id is not None:
            visit = replace(visit, pinned_nurse=nurse_id)
        found = openings(self.settled, visit, limit if nurse_id is None else 1)
        return [o for o in found if self.fits(o)]


def reserving_sessions(conn: Db, region_id: str, day: date, except_offer: int | None = None) -> list[dict[str, Any]]:
    """The sessions of offers held (hold not run out) or taken on the day, with their patients' places."""
    return conn.execute(
        "SELECT s.*, o.status, o.patient_id, o.duration_min, o.visit_ids, p.lat, p.lon"
        " FROM offer_sessions s JOIN booking_offers o ON o.id = s.offer_id JOIN patients p ON p.id = o.patient_id"
        " WHERE s.region_id = %s AND s.day = %s AND s.reserving AND (o.status = 'taken' OR o.held_until > now())"
        " AND o.id IS DISTINCT FROM %s ORDER BY s.id",
        [region_id, day, except_offer],
    ).fetchall()


def routes_in_force(conn: Db, region_id: str, day: date) -> tuple[dict[str, list[str]], set[str]]:
    """Each nurse's visit ids in order in the published roster, else the newest draft (none when the day has
    neither), and the visits that roster left out (they hold no nurse's time: booking does not try them again)."""
    row = conn.execute(
        "SELECT document FROM rosters WHERE region_id = %s AND day = %s AND status <> 'superseded'"
        " ORDER BY status = 'published' DESC, version DESC LIMIT 1",
        [region_id, day],
    ).fetchone()
    if row is None:
        return {}, set()
    document = row["document"]
    orders = {route["nurse_id"]: [stop["visit_id"] for stop in route["stops"]] for route in document["routes"]}
    return orders, {u["visit_id"] for u in document["unassigned"]}


@dataclass
class _BaseDay:
    """A day without the new visit: the untimed problem document, each nurse's visit ids in order, and the sessions
    reserving time. On the geodesic model, the first request also keeps the day parsed and settled (`problem`,
    `settled`, `points`: each place's (lat, lon) by its row), and later ones only add their visit's place to it."""

    built: DayProblem
    orders: dict[str, list[str]]
    reserving: list[dict[str, Any]]
    week_room: dict[str, int]
    problem: Problem | None = None
    settled: SettledDay | None = None
    points: list[tuple[float, float]] = field(default_factory=list)


class DayCache:
    """Days as booking reads them, kept while nothing they hold has changed (their fingerprint) and for `ttl_s` at most.

    Only offers read it: holding and taking re-read the day, so a day kept a little too long can only make an offer
    that a hold then refuses (409, "ask for offers again"). One per process; thread-safe."""

    def __init__(self, size: int = 64, ttl_s: float = 30.0):
        self.size, self.ttl_s = size, ttl_s
        self._days: OrderedDict[tuple[str, date], tuple[float, str, _BaseDay | str]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, date], fingerprint: str) -> _BaseDay | str | None:
        with self._lock:
            found = self._days.get(key)
            if found is None or found[1] != fingerprint or time.monotonic() - found[0] > self.ttl_s:
                return None
            self._days.move_to_end(key)
            return found[2]

    def put(self, key: tuple[str, date], fingerprint: str, base: _BaseDay | str) -> None:
        with self._lock:
            self._days[key] = (time.monotonic(), fingerprint, base)
            self._days.move_to_end(key)
            while len(self._days) > self.size:
                self._days.popitem(last=False)


def day_fingerprint(conn: Db, region_id: str, day: date) -> str:
    """What a day's offers depend on that changes through the day: its rosters, its visits, the time held or taken, the
    nurses, their shifts and certifications (a change to any row changes its xmin). The rest (a clearance recorded, a
    patient moved) is picked up within the cache's ttl_s. The week's rosters count: they hold the weekly caps' hours."""
    monday = day - timedelta(days=day.weekday())
    row = one(
        conn.execute(
            "SELECT md5(concat_ws('|',"
            " (SELECT string_agg(id || ':' || revision || ':' || status, ',' ORDER BY id) FROM rosters"
            "   WHERE region_id = %(r)s AND day BETWEEN %(monday)s AND %(sunday)s AND status <> 'superseded'),"
            " (SELECT string_agg(id || ':' || version || ':' || status, ',' ORDER BY id) FROM visits"
            "   WHERE region_id = %(r)s AND day = %(d)s),"
            " (SELECT string_agg(s.id || ':' || o.status, ',' ORDER BY s.id) FROM offer_sessions s"
            "   JOIN booking_offers o ON o.id = s.offer_id WHERE s.region_id = %(r)s AND s.day = %(d)s AND s.reserving"
            "   AND (o.status = 'taken' OR o.held_until > now())),"
            " (SELECT string_agg(n.id || ':' || n.xmin::text, ',' ORDER BY n.id) FROM nurses n WHERE n.region_id = %(r)s),"
            " (SELECT string_agg(x.xmin::text, ',' ORDER BY x.xmin::text) FROM nurse_shifts x JOIN nurses n ON n.id = x.nurse_id"
            "   WHERE n.region_id = %(r)s AND x.day = %(d)s),"
            " (SELECT string_agg(x.xmin::text, ',' ORDER BY x.xmin::text) FROM nurse_shift_templates x"
            "   JOIN nurses n ON n.id = x.nurse_id WHERE n.region_id = %(r)s),"
            " (SELECT string_agg(x.xmin::text, ',' ORDER BY x.xmin::text) FROM nurse_certifications x"
            "   JOIN nurses n ON n.id = x.nurse_id WHERE n.region_id = %(r)s)"
            ")) AS fingerprint",
            {"r": region_id, "d": day, "monday": monday, "sunday": monday + timedelta(days=6)},
        )
    )
    return row["fingerprint"]


def _base_day(conn: Db, region_id: str, day: date, except_offer: int | None) -> _BaseDay | str:
    built = day_problem(conn, region_id, day, TIME_LIMIT_S, timed=False)
    document = built.document
    if not document["nurses"]:
        return "no nurse works that day"
    orders, left_out = routes_in_force(conn, region_id, day)
    routed = {visit_id for order in orders.values() for visit_id in order}
    by_id = {v["id"]: v for v in document["visits"] if v["id"] not in left_out}
    reserving = reserving_sessions(conn, region_id, day, except_offer)
    on_shift = {n["id"] for n in document["nurses"]}
    tz = document["timezone"]
    held_docs = []
    for s in reserving:
        nurse_id = str(s["nurse_id"])
        start = s["reserved"].lower.astimezone(ZoneInfo(tz))
        if nurse_id not in on_shift:
            continue
        fixed = {"start": hhmm(start), "end": hhmm(start + timedelta(seconds=59))}  # its minute (documents count minutes)
        if s["status"] == "taken":
            visit_id = str(s["visit_ids"][s["session"] - 1]) if len(s["visit_ids"]) >= s["session"] else None
            if visit_id is not None and visit_id not in by_id:  # left out by the roster: its promise still holds
                by_id.update({v["id"]: v for v in document["visits"] if v["id"] == visit_id})
            if visit_id in by_id and visit_id not in routed:
                by_id[visit_id] = by_id[visit_id] | {"window": fixed, "pinned_nurse": nurse_id}
            continue
        held_docs.append(
            {
                "id": f"held-{s['id']}",
                "location": {"lat": s["lat"], "lon": s["lon"]},
                "window": fixed,
                "duration_min": s["duration_min"],
                "pinned_nurse": nurse_id,
                "priority": 1,
            }
        )
    document = document | {"visits": [*by_id.values(), *held_docs]}
    return _BaseDay(replace(built, document=document), orders, reserving, _week_room(conn, region_id, day))


def _week_room(conn: Db, region_id: str, day: date) -> dict[str, int]:
    """For each nurse with a weekly cap (`max_week_min`, departure to return per ISO week, as the week plan counts it):
    the seconds her day may last, after the other days of the week in their rosters in force."""
    monday = day - timedelta(days=day.weekday())
    rows = conn.execute(
        "WITH capped AS (SELECT id, max_week_min FROM nurses WHERE region_id = %(r)s AND active AND max_week_min IS NOT NULL),"
        " in_force AS (SELECT DISTINCT ON (day) day, document FROM rosters"
        "   WHERE region_id = %(r)s AND day BETWEEN %(monday)s AND %(sunday)s AND day <> %(d)s AND status <> 'superseded'"
        "   ORDER BY day, status = 'published' DESC, version DESC)"
        " SELECT c.id, c.max_week_min * 60 - coalesce(sum((route->>'working_s')::int), 0) AS room FROM capped c"
        " LEFT JOIN (in_force f CROSS JOIN jsonb_array_elements(f.document->'routes') route)"
        "   ON route->>'nurse_id' = c.id::text GROUP BY c.id, c.max_week_min",
        {"r": region_id, "d": day, "monday": monday, "sunday": monday + timedelta(days=6)},
    ).fetchall()
    return {str(r["id"]): r["room"] for r in rows}


def booking_day(
    conn: Db,
    region_id: str,
    day: date,
    patient: dict[str, Any],
    service: dict[str, Any],
    except_offer: int | None = None,
    cache: DayCache | None = None,
) -> BookingDay | str:
    """The day ready for the patient's new visit of `service`, or why nothing can be offered on it.

    With `cache`, a day read before and unchanged since is not read, timed, parsed or settled again (offers only)."""
    base: _BaseDay | str | None = None
    if cache is not None and except_offer is None:
        fingerprint = day_fingerprint(conn, region_id, day)
        base = cache.get((region_id, day), fingerprint)
    if base is None:
        base = _base_day(conn, region_id, day, except_offer)
        if cache is not None and except_offer is None:
            cache.put((region_id, day), fingerprint, base)  # a day without nurses too
    if isinstance(base, str):
        return base
    new_visit = _new_visit_document(base.built.document, patient, service)
    if base.problem is None and cache is not None:
        _keep_settled(conn, region_id, base)
    if base.problem is not None and base.settled is not None:
        problem, visit = _with_new_visit(base, new_visit)
        days = RemainingDays(problem, base.settled.days.orders, [False] * len(problem.nurses), {})
        settled = SettledDay(days, base.settled.left_out)
    else:
        with_new = base.built.document | {"visits": [*base.built.document["visits"], new_visit]}
        timed = timed_day(conn, region_id, replace(base.built, document=with_new))
        problem = parse_day(timed.document)
        settled = settle(problem, base.orders, skip=frozenset({NEW_VISIT}))
        visit = next(v for v in problem.visits if v.id == NEW_VISIT)
    reserved: dict[str, list[tuple[int, int]]] = {}
    for s in base.reserving:
        reserved.setdefault(str(s["nurse_id"]), []).append(
            (seconds_of(problem, s["reserved"].lower), seconds_of(problem, s["reserved"].upper))
        )
    return BookingDay(day, problem, settled, visit, reserved, base.week_room)


def _new_visit_document(document: dict[str, Any], patient: dict[str, Any], service: dict[str, Any]) -> dict[str, Any]:
    on_shift = {n["id"] for n in document["nurses"]}
    new_visit = {
        "id": NEW_VISIT,
        "patient_id": str(patient["id"]),
        "service": service["name"],
        "location": {"lat": patient["lat"], "lon": patient["lon"]},
        "window": {"start": "00:00", "end": "23:59"},
        "duration_min": service["minutes"],
        "required_skills": sorted(visit_skills(service["required_certifications"], patient["state"])),
        "priority": 1,
    }
    return new_visit | patients_nurses(patient, on_shift)


def _keep_settled(conn: Db, region_id: str, base: _BaseDay) -> None:
    """Time, parse and settle the day once for the requests that follow; only on the geodesic model, whose time to a
    new place is computed here (a road engine's is asked with the whole day, as a solve does)."""
    timed = timed_day(conn, region_id, base.built)
    if "durations_s" in timed.document.get("travel", {}):
        return
    problem = parse_day(timed.document)
    points: dict[int, tuple[float, float]] = {}
    for doc, nurse in zip(timed.document["nurses"], problem.nurses, strict=True):
        points[nurse.start_index] = (float(doc["start"]["lat"]), float(doc["start"]["lon"]))
        end = doc.get("end", doc["start"])
        points[nurse.end_index] = (float(end["lat"]), float(end["lon"]))
    for doc, visit in zip(timed.document["visits"], problem.visits, strict=True):
        points[visit.location_index] = (float(doc["location"]["lat"]), float(doc["location"]["lon"]))
    if sorted(points) != list(range(len(problem.durations))):
        return  # a place the document reads otherwise: no shortcut, every request parses the day
    base.points = [points[i] for i in range(len(points))]
    base.settled = settle(problem, base.orders)
    base.problem = problem


def _with_new_visit(base: _BaseDay, new_visit: dict[str, Any]) -> tuple[Problem, Visit]:
    """The settled day's problem with the new visit's place added (a row and a column of the geodesic model)."""
    assert base.problem is not None
    document = base.built.document
    alone = parse_day(
        {
            "date": document["date"],
            "timezone": document["timezone"],
            "nurses": document["nurses"],
            "visits": [new_visit],
            "travel": GEODESIC,
        }
    )
    points = np.array([*base.points, (float(new_visit["location"]["lat"]), float(new_visit["location"]["lon"]))])
    durations = speed_durations(points[:, 0], points[:, 1], GEODESIC["speed_kmh"], GEODESIC["circuity"])
    visit = replace(alone.visits[0], location_index=len(base.points))
    return replace(base.problem, visits=(*base.problem.visits, visit), durations=durations), visit


def seconds_of(problem: Problem, moment: datetime) -> int:
    """A moment of the problem's day as the solver's seconds since local midnight."""
    return int((moment - problem.clock.midnight_utc).total_seconds())

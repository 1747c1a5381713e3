"""Patients' own requests from the public page: no login, the least data, rate-limited, nothing booked.

A request names the patient (name, phone, address), the service and her preferred times; the page answers with
up to REQUEST_TIMES times the clinic may offer (the same search as offers, over the next OFFER_DAYS days, with
nothing held) and records the request for the front desk, which calls back, books through offers and marks it
confirmed or declined. The address is geocoded (not stored as a place), the sender's address is kept only as a
hash for the rate limit, and nothing the region holds about anyone else is in the answer.
"""

from __future__ import annotations

import hashlib
from datetime import time, timedelta
from typing import Any

from psycopg.types.json import Jsonb

from dispatch.booking.days import DayCache, booking_day
from dispatch.booking.offers import arrival_window, bookable_service
from dispatch.errors import Conflict, NotFound, Throttled
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.platform.geocoding import Geocoder
from dispatch.records.regions import managed_region, region_today
from dispatch.vocabulary import ARRIVAL_WINDOW_MIN, OFFER_DAYS, REQUEST_STATUSES, REQUEST_TIMES, WEEKDAYS
from solver.model import TimeWindow

HOUR = timedelta(hours=1)


def booking_form(conn: Db, region_id: str) -> dict[str, Any]:
    """What the public page shows: the region's name and the services a nurse gives at home."""
    found = conn.execute("SELECT id, name FROM regions WHERE id = %s", [region_id]).fetchone()
    if found is None:
        raise NotFound(f"region {region_id} not found")
    services = conn.execute("SELECT code, name FROM service_types WHERE home_allowed ORDER BY name").fetchall()
    return {"region_id": found["id"], "region_name": found["name"], "services": services}


def _sender(client_address: str | None) -> str:
    return hashlib.sha256((client_address or "unknown").encode()).hexdigest()


def _throttle(conn: Db, region_id: str, sender: str, per_hour: int) -> None:
    recent = conn.execute(
        "SELECT count(*) AS n, min(created_at) AS first FROM booking_requests"
        " WHERE region_id = %s AND sender = %s AND created_at > now() - %s",
        [region_id, sender, HOUR],
    ).fetchone()
    if recent is not None and recent["n"] >= per_hour:
        wait = one(conn.execute("SELECT %s + %s - now() AS wait", [recent["first"], HOUR]))["wait"]
        raise Throttled(
            f"at most {per_hour} requests an hour from one place; call the clinic, or try again later",
            max(1, int(wait.total_seconds())),
        )


def take_request(
    conn: Db,
    geocoder: Geocoder,
    cache: DayCache | None,
    region_id: str,
    given: dict[str, Any],
    client_address: str | None,
    per_hour: int,
) -> dict[str, Any]:
    """Record a patient's request and answer the times the clinic may offer (indicative: the desk confirms)."""
    booking_form(conn, region_id)  # 404 for a region that does not exist
    sender = _sender(client_address)
    _throttle(conn, region_id, sender, per_hour)
    service = bookable_service(conn, given["service"])
    lat, lon = geocoder.locate(conn, given["address"])
    # Licences follow the patient's state: the region's own (the state most of its patients live in).
    state = conn.execute(
        "SELECT state FROM patients WHERE region_id = %s GROUP BY state ORDER BY count(*) DESC LIMIT 1", [region_id]
    ).fetchone()
    someone: dict[str, Any] = {
        "id": 0,
        "region_id": region_id,
        "lat": lat,
        "lon": lon,
        "state": state["state"] if state else "",
        "excluded_nurse_ids": [],
        "preferred_nurse_ids": [],
    }
    times = _times(conn, cache, region_id, someone, service, given)
    preferred = ", ".join(
        [*given.get("preferred_days", []), *(f"{k} {given[k]:%H:%M}" for k in ("after", "before") if given.get(k))]
    )
    row = one(
        conn.execute(
            "INSERT INTO booking_requests (region_id, name, phone, address, service_code, preferred, times, sender)"
            " VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id, status",
            [region_id, given["name"], given["phone"], given["address"], service["code"], preferred, Jsonb(times), sender],
        )
    )
    return {
        "id": row["id"],
        "status": row["status"],
        "times": times,
        "message": "Thank you: the clinic will call you to confirm one of these times. Nothing is booked until then.",
    }


def _times(conn: Db, cache: DayCache | None, region_id: str, someone: dict, service: dict, given: dict) -> list[dict]:
    """Up to REQUEST_TIMES times over the coming days, on her preferred days and times when there are any."""
    first = region_today(conn, region_id) + timedelta(days=1)
    days = [first + timedelta(days=k) for k in range(OFFER_DAYS)]
    wanted_days = set(given.get("preferred_days") or WEEKDAYS)
    found = []
    for day in days:
        if WEEKDAYS[day.weekday()] not in wanted_days:
            continue
        built = booking_day(conn, region_id, day, someone, service, cache=cache)
        if isinstance(built, str):
            continue
        day_clock = built.problem.clock
        start = day_clock.seconds(given.get("after") or time(0))
        end = day_clock.seconds(given.get("before") or time(23, 59)) - built.visit.duration
        if end < start:
            continue
        for opening in built.openings(TimeWindow(start, end), 1):
            window = arrival_window(opening.start, ARRIVAL_WINDOW_MIN)
            found.append(
                {
                    "date": day.isoformat(),
                    "window": {"start": day_clock.hhmm(window[0]), "end": day_clock.hhmm(window[1])},
                }
            )
        if len(found) == REQUEST_TIMES:
            break
    return found


def requests_in(conn: Db, who: Principal, region_id: str, status: str | None) -> list[dict[str, Any]]:
    """The region's requests for the front desk, newest first."""
    managed_region(conn, who, region_id)
    rows = conn.execute(
        "SELECT id, region_id, name, phone, address, service_code AS service, preferred, times, status, created_at, closed_by"
        " FROM booking_requests WHERE region_id = %s AND (%s::text IS NULL OR status = %s) ORDER BY id DESC",
        [region_id, status, status],
    ).fetchall()
    audit.record(conn, who, "list", f"region/{region_id}/booking-requests", count=len(rows))
    return rows


def close_request(conn: Db, who: Principal, request_id: int, status: str) -> dict[str, Any]:
    """The desk called back: the request is confirmed (booked through offers) or declined."""
    who.require_role("admin", "dispatcher")
    if status not in REQUEST_STATUSES or status == "new":
        raise Conflict(f"a request is closed as confirmed or declined, not {status}", "status")
    with conn.transaction():
        row = conn.execute("SELECT * FROM booking_requests WHERE id = %s FOR UPDATE", [request_id]).fetchone()
        row = who.require_reach(row, f"request {request_id}")
        if row["status"] != "new":
            raise Conflict(f"request {request_id} is {row['status']} already", "status")
        conn.execute("UPDATE booking_requests SET status = %s, closed_by = %s WHERE id = %s", [status, who.username, request_id])
        audit.record(conn, who, "close", f"booking-request/{request_id}", status=status)
    return one(
        conn.execute(
            "SELECT id, region_id, name, phone, address, service_code AS service, preferred, times, status, created_at,"
            " closed_by FROM booking_requests WHERE id = %s",
            [request_id],
        )
    )

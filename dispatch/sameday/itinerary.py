"""A nurse's own day: her published stops in order, with only what she needs to give each visit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from dispatch.errors import Conflict, Forbidden, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.records.users import USABLE
from dispatch.sameday.reports import latest_reports

CALENDAR_DAYS_BACK = 7
CALENDAR_DAYS_AHEAD = 30
MAX_WEEK_DAYS = 28  # a week plan's longest horizon

# The patient fields a nurse sees: enough to find, call and treat; nothing else (no other visits,
# no preferences, no evaluation history).
_STOPS = """
SELECT s.visit_id, s.seq, s.arrival, s.starts, s.ends, r.day, r.region_id, reg.timezone,
       v.status, v.notes AS visit_notes, st.name AS service, v.duration_min,
       p.name AS patient_name, p.address, p.phone, p.lat, p.lon, p.notes AS patient_notes
FROM roster_stops s
JOIN rosters r ON r.id = s.roster_id AND r.status = 'published'
JOIN regions reg ON reg.id = r.region_id
JOIN visits v ON v.id = s.visit_id
JOIN patients p ON p.id = v.patient_id
JOIN service_types st ON st.code = v.service_code
WHERE s.nurse_id = %s AND s.published AND r.day BETWEEN %s AND %s
ORDER BY s.starts
"""


def navigation_link(lat: float, lon: float) -> str:
    return f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f},{lon:.6f}"


def _stop(row: dict) -> dict:
    tz = ZoneInfo(row["timezone"])
    return {
        "visit_id": row["visit_id"],
        "sequence": row["seq"] + 1,
        "arrival": row["arrival"].astimezone(tz),
        "start": row["starts"].astimezone(tz),
        "end": row["ends"].astimezone(tz),
        "status": row["status"],
        "service": row["service"],
        "patient": {"name": row["patient_name"], "address": row["address"], "phone": row["phone"], "notes": row["patient_notes"]},
        "visit_notes": row["visit_notes"],
        "navigation": navigation_link(row["lat"], row["lon"]),
    }


def my_itinerary(conn: Db, who: Principal, day: date) -> dict:
    """Her published stops on `day` in order; the read is audited."""
    if who.role != "nurse" or who.nurse_id is None:
        raise Forbidden("only a nurse has an itinerary; dispatchers read rosters")
    rows = conn.execute(_STOPS, [who.nurse_id, day, day]).fetchall()
    audit.record(conn, who, "read", f"itinerary/{who.nurse_id}/{day}", visits=[r["visit_id"] for r in rows])
    nurse = one(conn.execute("SELECT name FROM nurses WHERE id = %s", [who.nurse_id]))
    reports = latest_reports(conn, [r["visit_id"] for r in rows])
    stops = [_stop(r) | {"report": reports.get(r["visit_id"])} for r in rows]
    return {"nurse_id": who.nurse_id, "nurse_name": nurse["name"], "date": day, "stops": stops}


def my_week(conn: Db, who: Principal, first: date, last: date) -> dict:
    """Her published days from `first` to `last` (a week plan publishes several at once), each as `my_itinerary`."""
    if who.role != "nurse" or who.nurse_id is None:
        raise Forbidden("only a nurse has an itinerary; dispatchers read rosters")
    if not 0 <= (last - first).days < MAX_WEEK_DAYS:
        raise InvalidField(f"give `to` on or after `from`, at most {MAX_WEEK_DAYS} days in all", "to")
    rows = conn.execute(_STOPS, [who.nurse_id, first, last]).fetchall()
    audit.record(conn, who, "read", f"itinerary/{who.nurse_id}/{first}..{last}", visits=[r["visit_id"] for r in rows])
    nurse = one(conn.execute("SELECT name FROM nurses WHERE id = %s", [who.nurse_id]))
    reports = latest_reports(conn, [r["visit_id"] for r in rows])
    days: dict[date, list[dict]] = {}
    for r in rows:
        days.setdefault(r["day"], []).append(_stop(r) | {"report": reports.get(r["visit_id"])})
    return {
        "nurse_id": who.nurse_id,
        "nurse_name": nurse["name"],
        "days": [{"nurse_id": who.nurse_id, "nurse_name": nurse["name"], "date": d, "stops": days[d]} for d in sorted(days)],
    }


# ---------------------------------------------------------------- private calendar feed


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_calendar_feed(conn: Db, who: Principal) -> str:
    """A new secret feed token for her (the old ones keep working until revoked); only its hash is stored."""
    if who.role != "nurse" or who.nurse_id is None:
        raise Forbidden("only a nurse has a calendar feed")
    token = secrets.token_urlsafe(32)
    conn.execute("INSERT INTO calendar_feeds (token_sha256, nurse_id) VALUES (%s, %s)", [_digest(token), who.nurse_id])
    audit.record(conn, who, "create", f"calendar-feed/{who.nurse_id}")
    return token


def revoke_calendar_feeds(conn: Db, who: Principal) -> int:
    if who.role != "nurse" or who.nurse_id is None:
        raise Forbidden("only a nurse has a calendar feed")
    revoked = conn.execute(
        "UPDATE calendar_feeds SET revoked_at = now() WHERE nurse_id = %s AND revoked_at IS NULL", [who.nurse_id]
    ).rowcount
    audit.record(conn, who, "revoke", f"calendar-feed/{who.nurse_id}", feeds=revoked)
    return revoked


def calendar_feed(conn: Db, token: str, today: date) -> bytes:
    """The RFC 5545 calendar behind a feed token: her published visits from a week ago to a month ahead."""
    # A feed answers only while its nurse may use her account (the same rule as a login).
    feed = conn.execute(
        "SELECT f.nurse_id FROM calendar_feeds f JOIN users u ON u.nurse_id = f.nurse_id"
        f" JOIN nurses n ON n.id = f.nurse_id WHERE f.token_sha256 = %s AND f.revoked_at IS NULL AND {USABLE}",
        [_digest(token)],
    ).fetchone()
    if feed is None:
        raise NotFound("no such calendar feed (it may have been revoked)")
    rows = conn.execute(
        _STOPS, [feed["nurse_id"], today - timedelta(days=CALENDAR_DAYS_BACK), today + timedelta(days=CALENDAR_DAYS_AHEAD)]
    ).fetchall()
    audit.record(conn, "calendar-feed", "read", f"calendar-feed/{feed['nurse_id']}", visits=[r["visit_id"] for r in rows])
    calendar = Calendar()
    calendar.add("prodid", "-//Nurse Dispatch//itinerary//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "My visits")
    for row in rows:
        event = Event()
        event.add("uid", f"visit-{row['visit_id']}@nurse-dispatch")
        event.add("dtstamp", row["starts"])
        event.add("dtstart", row["starts"])
        event.add("dtend", row["ends"])
        event.add("summary", f"{row['service']} – {row['patient_name']}")
        if row["address"]:
            event.add("location", row["address"])
        event.add(
            "description",
            "\n".join(
                filter(
                    None,
                    [
                        f"Phone: {row['phone']}" if row["phone"] else None,
                        row["patient_notes"],
                        row["visit_notes"],
                        f"Navigate: {navigation_link(row['lat'], row['lon'])}",
                    ],
                )
            ),
        )
        event.add("geo", (row["lat"], row["lon"]))
        event.add("url", navigation_link(row["lat"], row["lon"]))
        calendar.add_component(event)
    return calendar.to_ical()


def feed_path(token: str) -> str:
    return f"/v1/calendar/{quote(token)}.ics"


def feed_base_url(public_url: str | None, scheme: str, server: tuple[str, int] | None) -> str:
    """Where feed links point: the configured public address, else the address the server listens on.

    Never under the request's Host header, which a caller chooses: a forged one would hand the nurse a
    link to another site, which then receives her secret feed token.
    """
    if public_url:
        return public_url.rstrip("/")
    if server is None:  # a Unix socket: no address of our own to give
        raise Conflict("set NURSE_DISPATCH_PUBLIC_URL (the address nurses reach the service at) to make feed links")
    host, port = server
    return f"{scheme}://{f'[{host}]' if ':' in host else host}:{port}"

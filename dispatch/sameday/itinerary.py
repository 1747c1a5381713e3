"""A nurse's own day: her published stops in order, with only what she needs to give each visit."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from dispatch.errors import Conflict, Forbidden, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.records.users import USABLE
from dispatch.sameday.reports import latest_reports, session_records

CALENDAR_DAYS_BACK = 7
CALENDAR_DAYS_AHEAD = 30
MAX_WEEK_DAYS = 28  # a week plan's longest horizon

# The patient fields a nurse sees: enough to find, call and treat; nothing else (no other visits,
# no preferences, no evaluation history).
_STOPS = """
SELECT s.visit_id, s.seq, s.arrival, s.starts, s.ends, r.day, r.region_id, reg.timezone, reg.calendar_details,
       v.status, v.notes AS visit_notes, st.name AS service, v.duration_min, v.window_start, v.window_end, v.version,
       r.published_at, (SELECT count(*) FROM rosters o WHERE o.region_id = r.region_id AND o.day = r.day
                        AND o.status <> 'draft') AS publications,
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


# Her stops in superseded rosters of those days that are no longer on her published day (moved to
# another nurse, or out of the roster): the feed says they are cancelled, once, as of the last roster.
_TAKEN_OFF = """
SELECT DISTINCT ON (s.visit_id) s.visit_id, s.starts, s.ends, reg.calendar_details, v.version, r.published_at,
       (SELECT count(*) FROM rosters o WHERE o.region_id = r.region_id AND o.day = r.day AND o.status <> 'draft') AS publications,
       st.name AS service, p.name AS patient_name, p.address, p.phone, p.lat, p.lon
FROM roster_stops s
JOIN rosters r ON r.id = s.roster_id AND r.status = 'superseded'
JOIN regions reg ON reg.id = r.region_id
JOIN visits v ON v.id = s.visit_id
JOIN patients p ON p.id = v.patient_id
JOIN service_types st ON st.code = v.service_code
WHERE s.nurse_id = %s AND r.day BETWEEN %s AND %s
  AND NOT EXISTS (SELECT 1 FROM roster_stops mine WHERE mine.visit_id = s.visit_id AND mine.nurse_id = %s AND mine.published)
ORDER BY s.visit_id, r.published_at DESC NULLS LAST
"""


def navigation_link(lat: float, lon: float) -> str:
    return f"https://www.google.com/maps/dir/?api=1&destination={lat:.6f},{lon:.6f}"


def _stop(row: dict) -> dict:
    tz = ZoneInfo(row["timezone"])
    window = {
        "start": datetime.combine(row["day"], row["window_start"], tz),
        "end": datetime.combine(row["day"], row["window_end"], tz),
    }
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
        "window": window,
        "duration_min": row["duration_min"],
    }


def my_itinerary(conn: Db, who: Principal, day: date) -> dict:
    """Her published stops on `day` in order; the read is audited."""
    return _days(conn, who, day, day, f"itinerary/{who.nurse_id}/{day}")[0]


def my_week(conn: Db, who: Principal, first: date, last: date) -> dict:
    """Her published days from `first` to `last` (a week plan publishes several at once), each as `my_itinerary`."""
    if not 0 <= (last - first).days < MAX_WEEK_DAYS:
        raise InvalidField(f"give `to` on or after `from`, at most {MAX_WEEK_DAYS} days in all", "to")
    days = _days(conn, who, first, last, f"itinerary/{who.nurse_id}/{first}..{last}")
    return {"nurse_id": who.nurse_id, "nurse_name": days[0]["nurse_name"], "days": [d for d in days if d["stops"]]}


def _days(conn: Db, who: Principal, first: date, last: date, what: str) -> list[dict]:
    """Each day from `first` to `last` with her published stops in order (audited as `what`)."""
    if who.role != "nurse" or who.nurse_id is None:
        raise Forbidden("only a nurse has an itinerary; dispatchers read rosters")
    rows = conn.execute(_STOPS, [who.nurse_id, first, last]).fetchall()
    audit.record(conn, who, "read", what, visits=[r["visit_id"] for r in rows])
    nurse = one(
        conn.execute(
            "SELECT n.name, r.vitals_interval_min FROM nurses n JOIN regions r ON r.id = n.region_id WHERE n.id = %s",
            [who.nurse_id],
        )
    )
    visit_ids = [r["visit_id"] for r in rows]
    reports, records = latest_reports(conn, visit_ids), session_records(conn, visit_ids)
    stops: dict[date, list[dict]] = {}
    for r in rows:
        stops.setdefault(r["day"], []).append(
            _stop(r) | {"report": reports.get(r["visit_id"]), "session": records[r["visit_id"]]}
        )
    return [
        {
            "nurse_id": who.nurse_id,
            "nurse_name": nurse["name"],
            "date": first + timedelta(days=offset),
            "stops": stops.get(first + timedelta(days=offset), []),
            "vitals_interval_min": nurse["vitals_interval_min"],
        }
        for offset in range((last - first).days + 1)
    ]


def day_fingerprint(conn: Db, who: Principal, day: date) -> str:
    """A digest of her published stops on `day` (which visits, when, their status): it changes when her day does."""
    if who.role != "nurse" or who.nurse_id is None:
        raise Forbidden("only a nurse has an itinerary; dispatchers read rosters")
    row = one(
        conn.execute(
            "SELECT coalesce(string_agg(concat_ws(':', s.visit_id, s.roster_id, extract(epoch FROM s.starts), v.status),"
            " ',' ORDER BY s.starts), '') AS day FROM roster_stops s JOIN rosters r ON r.id = s.roster_id"
            " JOIN visits v ON v.id = s.visit_id WHERE s.nurse_id = %s AND s.published AND r.day = %s",
            [who.nurse_id, day],
        )
    )
    return hashlib.sha256(row["day"].encode()).hexdigest()[:16]


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
    since, until = today - timedelta(days=CALENDAR_DAYS_BACK), today + timedelta(days=CALENDAR_DAYS_AHEAD)
    rows = conn.execute(_STOPS, [feed["nurse_id"], since, until]).fetchall()
    taken_off = conn.execute(_TAKEN_OFF, [feed["nurse_id"], since, until, feed["nurse_id"]]).fetchall()
    audit.record(conn, "calendar-feed", "read", f"calendar-feed/{feed['nurse_id']}", visits=[r["visit_id"] for r in rows])
    calendar = Calendar()
    calendar.add("prodid", "-//Nurse Dispatch//itinerary//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "My visits")
    stamp = datetime.now(UTC)
    for row in rows:
        cancelled = row["status"] in ("cancelled",)
        calendar.add_component(_event(row, stamp, cancelled))
    for row in taken_off:
        calendar.add_component(_event(row, stamp, cancelled=True))
    return calendar.to_ical()


def initials(name: str) -> str:
    """ "Jordan Lee" → "J. L.": enough for her to know which visit, too little to identify anyone."""
    return " ".join(f"{part[0]}." for part in name.split() if part[:1].isalpha()) or "patient"


def _event(row: dict, stamp: datetime, cancelled: bool) -> Event:
    """One visit as a calendar event: minimum necessary unless the region turns details on.

    SEQUENCE rises with every roster of the day published and every change of the visit, and
    LAST-MODIFIED is when the roster she holds it in was published, so calendar apps notice a change;
    a visit cancelled or taken off her day stays in the feed as STATUS:CANCELLED.
    """
    event = Event()
    event.add("uid", f"visit-{row['visit_id']}@nurse-dispatch")
    event.add("dtstamp", stamp)
    event.add("dtstart", row["starts"])
    event.add("dtend", row["ends"])
    event.add("sequence", int(row["publications"]) + int(row["version"]))
    if row["published_at"] is not None:
        event.add("last-modified", row["published_at"])
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    event.add("summary", f"{row['service']} – {initials(row['patient_name'])}")
    if row["calendar_details"]:
        if row["address"]:
            event.add("location", row["address"])
        details = [f"Phone: {row['phone']}" if row["phone"] else None, f"Navigate: {navigation_link(row['lat'], row['lon'])}"]
        event.add("description", "\n".join(filter(None, details)))
        event.add("geo", (row["lat"], row["lon"]))
        event.add("url", navigation_link(row["lat"], row["lon"]))
    else:
        event.add("description", "Details in the Nurse Dispatch app.")
    return event


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

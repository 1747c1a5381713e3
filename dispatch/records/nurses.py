"""Nurses: home base, certifications with expiry dates, licensed states, shifts by date."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from psycopg import errors

from dispatch.errors import Conflict, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.platform.db.versioned import update_versioned
from dispatch.platform.geocoding import Geocoder
from dispatch.records.eligibility import nurse_skills
from dispatch.records.regions import managed_region, region_today
from dispatch.vocabulary import CERTIFICATION_WARNING_DAYS, CERTIFICATIONS, STATE_CODES

_COLUMNS = (
    "name",
    "phone",
    "home_address",
    "home_lat",
    "home_lon",
    "licensed_states",
    "max_visits",
    "break_start",
    "break_end",
    "break_minutes",
    "active",
)


def _columns(given: dict[str, Any]) -> tuple[dict[str, Any], list[dict] | None]:
    """A nurse as the API gives her (home {lat, lon}, break {window, duration_min}) → her columns, certifications."""
    fields = {k: v for k, v in given.items() if k in ("name", "phone", "home_address", "licensed_states", "max_visits", "active")}
    if given.get("home") is not None:
        fields |= {"home_lat": given["home"]["lat"], "home_lon": given["home"]["lon"]}
    named = f"{given['name']}: " if given.get("name") else ""  # the nurse by name, not by index
    if fields.get("licensed_states") is not None:
        fields["licensed_states"] = [state.strip().upper() for state in fields["licensed_states"]]
        for k, state in enumerate(fields["licensed_states"]):
            if state not in STATE_CODES:
                raise InvalidField(f"{named}unknown state {state!r}: give its two-letter code, e.g. CO", f"licensed_states[{k}]")
    certifications: list[dict] | None = None
    if given.get("certifications") is not None:
        certifications = []
        for k, cert in enumerate(given["certifications"]):
            name = cert["name"].strip().lower()  # "RN" is rn; anything not in the vocabulary is refused
            if name not in CERTIFICATIONS:
                raise InvalidField(
                    f"{named}unknown certification {cert['name']!r} (known: {', '.join(CERTIFICATIONS)})",
                    f"certifications[{k}].name",
                )
            certifications.append(cert | {"name": name})
    if "break_" in given:
        brk = given["break_"]
        fields |= {
            "break_start": brk and brk["window"]["start"],
            "break_end": brk and brk["window"]["end"],
            "break_minutes": brk and brk["duration_min"],
        }
    return fields, certifications


def _record(row: dict, today: date) -> dict:
    """Her columns → the shape the API answers (home {lat, lon}, break {window, duration_min} or None), with what
    is about to lapse among her certifications on `today`."""
    brk = (
        None
        if row["break_start"] is None
        else {"window": {"start": row["break_start"], "end": row["break_end"]}, "duration_min": row["break_minutes"]}
    )
    return row | {
        "home": {"lat": row["home_lat"], "lon": row["home_lon"]},
        "break": brk,
        "certification_warnings": certification_warnings(row["name"], row["certifications"], today),
    }


def certification_warnings(name: str, certifications: list[dict], today: date) -> list[str]:
    """Her certifications expired, or expiring within CERTIFICATION_WARNING_DAYS of `today`, said by name and date.

    An expired one no longer counts for eligibility (dispatch/records/eligibility.py): said first, so it is renewed."""
    said = []
    for cert in sorted(certifications, key=lambda c: (c["expires_on"] or date.max, c["name"])):
        expires = cert["expires_on"]
        if expires is None or (expires - today).days > CERTIFICATION_WARNING_DAYS:
            continue
        days = (expires - today).days
        if days < 0:
            said.append(f"{name}'s {cert['name']} certification expired on {expires}: she cannot take visits that need it")
        else:
            when = "today" if days == 0 else f"in {days} day{'s' if days > 1 else ''}"
            said.append(f"{name}'s {cert['name']} certification expires on {expires} ({when}): renew it")
    return said


def _locate_home(conn: Db, geocoder: Geocoder | None, fields: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Her home {lat, lon} from her home address (geocoded as a patient's is) unless a location is given with it."""
    if given.get("home") is not None or not fields.get("home_address"):
        return fields
    if geocoder is None:
        raise InvalidField("give her home as a location {lat, lon}: no geocoder here", "home")
    lat, lon = geocoder.locate(conn, fields["home_address"], "home_address")
    return fields | {"home_lat": lat, "home_lon": lon}


def _shift(row: dict) -> dict:
    return {"nurse_id": row["nurse_id"], "date": row["day"], "start": row["starts"], "end": row["ends"], "source": "exception"}


def _check_break(fields: dict[str, Any]) -> None:
    parts = [fields.get("break_start"), fields.get("break_end"), fields.get("break_minutes")]
    if any(p is not None for p in parts) and not all(p is not None for p in parts):
        raise InvalidField("a break needs its window start, window end and duration together", "break")
    if parts[0] is not None and parts[1] < parts[0]:
        raise InvalidField("the break window ends before it starts", "break.window")


def _minutes(value: time) -> int:
    return value.hour * 60 + value.minute


def break_in_shift(starts: time, ends: time, nurse: dict) -> tuple[time, time] | None:
    """Her break's window on a day with this shift, narrowed into the shift (the solver's rule: the break starts
    inside its window and ends inside the shift); None when it cannot fit there."""
    earliest = max(nurse["break_start"], starts)
    latest = min(_minutes(nurse["break_end"]), _minutes(ends) - nurse["break_minutes"])
    if _minutes(earliest) > latest:
        return None
    return earliest, min(nurse["break_end"], ends)


def _refuse_a_shift_without_room_for_the_break(nurse: dict, day: date, starts: time, ends: time) -> None:
    if nurse["break_start"] is None or break_in_shift(starts, ends, nurse) is not None:
        return
    field = "start" if _minutes(nurse["break_end"]) < _minutes(starts) else "end"
    raise InvalidField(
        f"{nurse['name']}'s {nurse['break_minutes']}-minute break (window {nurse['break_start']:%H:%M}–"
        f"{nurse['break_end']:%H:%M}) does not fit her shift {starts:%H:%M}–{ends:%H:%M} on {day}: change the shift,"
        " or her break (PATCH the nurse)",
        field,
    )


def add_nurse(conn: Db, who: Principal, region_id: str, given: dict[str, Any], geocoder: Geocoder | None = None) -> dict:
    """A new nurse from the fields the API gave (her home geocoded from its address unless a location is given);
    she as the API answers."""
    managed_region(conn, who, region_id)
    fields, certifications = _columns(given)
    fields = {"licensed_states": [], "active": True} | fields
    _check_break(fields)
    with conn.transaction():
        fields = _locate_home(conn, geocoder, fields, given)
        if fields.get("home_lat") is None:
            raise InvalidField(f"{fields['name']}: give her home address or a location {{lat, lon}}", "home")
        row = one(
            conn.execute(
                f"INSERT INTO nurses (region_id, {', '.join(_COLUMNS)}) VALUES (%s, {', '.join(['%s'] * len(_COLUMNS))})"
                " RETURNING id",
                [region_id, *(fields.get(c) for c in _COLUMNS)],
            )
        )
        _replace_certifications(conn, row["id"], certifications or [])
        audit.record(conn, who, "create", f"nurse/{row['id']}")
    saved = nurse(conn, who, row["id"])
    return saved | {"warnings": _warnings(conn, saved)}


def update_nurse(
    conn: Db,
    who: Principal,
    nurse_id: int,
    given: dict[str, Any],
    expected_version: int | None,
    geocoder: Geocoder | None = None,
) -> dict:
    """Change the fields given (certifications replaced when given; a new home address geocoded), leaving the others
    as they are now."""
    fields, certifications = _columns(given)
    with conn.transaction():
        current = nurse(conn, who, nurse_id, lock=True)  # a concurrent change of another field lands before or after
        fields = _locate_home(conn, geocoder, fields, given)
        _check_break({c: current[c] for c in _COLUMNS} | fields)
        changed = current | fields
        if {"break_start", "break_end", "break_minutes"} & fields.keys() and changed["break_start"] is not None:
            for shift in conn.execute(
                "SELECT day, starts, ends FROM nurse_shifts WHERE nurse_id = %s AND day >= current_date ORDER BY day",
                [nurse_id],
            ):
                if break_in_shift(shift["starts"], shift["ends"], changed) is None:
                    raise InvalidField(
                        f"{changed['name']}'s {changed['break_minutes']}-minute break (window "
                        f"{changed['break_start']:%H:%M}–{changed['break_end']:%H:%M}) does not fit her shift "
                        f"{shift['starts']:%H:%M}–{shift['ends']:%H:%M} on {shift['day']}: change that shift first",
                        "break.window",
                    )
        update_versioned(
            conn, "nurses", nurse_id, {c: fields[c] for c in _COLUMNS if c in fields}, expected_version, f"nurse {nurse_id}"
        )
        if certifications is not None:
            _replace_certifications(conn, nurse_id, certifications)
        audit.record(
            conn,
            who,
            "update",
            f"nurse/{nurse_id}",
            fields=sorted([*fields, *(["certifications"] if certifications is not None else [])]),
        )
    saved = nurse(conn, who, nurse_id)
    return saved | {"warnings": _warnings(conn, saved)}


def _warnings(conn: Db, saved: dict) -> list[str]:
    """A nurse saved who can take no service at all (no certification valid today covers any), said at once."""
    certifications = [(c["name"], c["expires_on"]) for c in saved["certifications"]]
    held = nurse_skills(certifications, (), region_today(conn, saved["region_id"]))
    services = conn.execute("SELECT name, required_certifications FROM service_types ORDER BY minutes, code").fetchall()
    if any(set(s["required_certifications"]) <= held for s in services):
        return []
    simplest = services[0] if services else None
    needs = f" (the simplest, {simplest['name']}, needs {', '.join(simplest['required_certifications'])})" if simplest else ""
    return [f"{saved['name']} can take no service with her certifications valid today{needs}"]


def _replace_certifications(conn: Db, nurse_id: int, certifications: list[dict]) -> None:
    names = [c["name"] for c in certifications]
    if len(set(names)) != len(names):
        raise InvalidField("a certification is listed twice", "certifications")
    conn.execute("DELETE FROM nurse_certifications WHERE nurse_id = %s", [nurse_id])
    for cert in certifications:
        conn.execute(
            "INSERT INTO nurse_certifications (nurse_id, certification, expires_on) VALUES (%s, %s, %s)",
            [nurse_id, cert["name"], cert.get("expires_on")],
        )


def remove_nurse(conn: Db, who: Principal, nurse_id: int) -> None:
    """Delete a nurse who never appeared in a roster or account; otherwise say to deactivate her."""
    nurse(conn, who, nurse_id)
    try:
        with conn.transaction():
            conn.execute("DELETE FROM nurses WHERE id = %s", [nurse_id])
            audit.record(conn, who, "delete", f"nurse/{nurse_id}")
    except errors.ForeignKeyViolation:
        raise Conflict(f"nurse {nurse_id} appears in rosters, visits or an account; set active to false instead") from None


def nurse(conn: Db, who: Principal, nurse_id: int, lock: bool = False) -> dict:
    """One nurse as the API answers: her certifications (and those about to lapse) and her login's name, if any."""
    row = conn.execute(
        "SELECT n.*, u.username AS login, coalesce(u.password_temporary, false) AS login_temporary"
        " FROM nurses n LEFT JOIN users u ON u.nurse_id = n.id WHERE n.id = %s"
        f"{' FOR UPDATE OF n' if lock else ''}",
        [nurse_id],
    ).fetchone()
    row = who.require_reach(row, f"nurse {nurse_id}")
    row["certifications"] = conn.execute(
        "SELECT certification AS name, expires_on FROM nurse_certifications WHERE nurse_id = %s ORDER BY certification",
        [nurse_id],
    ).fetchall()
    return _record(row, region_today(conn, row["region_id"]))


def nurses_in(conn: Db, who: Principal, region_id: str) -> list[dict]:
    managed_region(conn, who, region_id)
    ids = [r["id"] for r in conn.execute("SELECT id FROM nurses WHERE region_id = %s ORDER BY id", [region_id])]
    return [nurse(conn, who, i) for i in ids]


def set_shift(conn: Db, who: Principal, nurse_id: int, day: date, starts: time, ends: time) -> dict:
    """The date's own shift (an exception to her weekly template, dispatch/records/contracts.py); refused (422 naming her
    and the break) when her break can no longer fit inside it."""
    if ends <= starts:
        raise InvalidField(f"end {ends:%H:%M} is not after start {starts:%H:%M}", "end")
    with conn.transaction():
        # Her row locked: a break changed at this moment is checked against this shift, or this against it.
        _refuse_a_shift_without_room_for_the_break(nurse(conn, who, nurse_id, lock=True), day, starts, ends)
        row = one(
            conn.execute(
                "INSERT INTO nurse_shifts (nurse_id, day, starts, ends) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (nurse_id, day) DO UPDATE SET starts = EXCLUDED.starts, ends = EXCLUDED.ends, off = false"
                " RETURNING nurse_id, day, starts, ends",
                [nurse_id, day, starts, ends],
            )
        )
        audit.record(
            conn, who, "set_shift", f"nurse/{nurse_id}", date=day.isoformat(), start=f"{starts:%H:%M}", end=f"{ends:%H:%M}"
        )
    return _shift(row)


def remove_shift(conn: Db, who: Principal, nurse_id: int, day: date) -> None:
    """Remove the date's own shift or time off: the date follows her template again."""
    nurse(conn, who, nurse_id)
    with conn.transaction():
        if conn.execute("DELETE FROM nurse_shifts WHERE nurse_id = %s AND day = %s", [nurse_id, day]).rowcount == 0:
            raise NotFound(f"nurse {nurse_id} has no shift or time off of its own on {day}")
        audit.record(conn, who, "remove_shift", f"nurse/{nurse_id}", date=day.isoformat())

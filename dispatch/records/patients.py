"""Patients: home (geocoded once), state for licensing, preferred and excluded nurses, and their clearance.

Clearance is never written here: it is derived from the evaluation records (dispatch/clinical/).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from psycopg import errors

from dispatch.clinical.clearance import clearances
from dispatch.clinical.evaluations import may_read_clinical
from dispatch.errors import Conflict, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.platform.db.versioned import update_versioned
from dispatch.platform.geocoding import Geocoder
from dispatch.records.regions import managed_region, region
from dispatch.vocabulary import STATE_CODES

_COLUMNS = (
    "name",
    "phone",
    "address",
    "lat",
    "lon",
    "state",
    "notes",
    "preferred_nurse_ids",
    "excluded_nurse_ids",
)


def _columns(given: dict[str, Any]) -> dict[str, Any]:
    """A patient as the API gives her (location {lat, lon}) → her columns; the state in capitals."""
    fields = {k: v for k, v in given.items() if k != "location"}
    if given.get("location") is not None:
        fields |= {"lat": given["location"]["lat"], "lon": given["location"]["lon"]}
    if fields.get("state"):
        fields["state"] = fields["state"].upper()
        if fields["state"] not in STATE_CODES:
            raise InvalidField(f"unknown state {given['state']!r}: give its two-letter code, e.g. CO", "state")
    return fields


def _records(conn: Db, rows: list[dict]) -> list[dict]:
    """Her columns → the shape the API answers (location {lat, lon}), with her clearance today in her region."""
    if not rows:
        return []
    today = datetime.now(ZoneInfo(region(conn, rows[0]["region_id"])["timezone"])).date()
    status = clearances(conn, [r["id"] for r in rows], today)
    return [
        row
        | {
            "location": {"lat": row["lat"], "lon": row["lon"]},
            "clearance": {
                "on": today,
                "cleared": status[row["id"]].cleared,
                "reason": status[row["id"]].reason,
                "until": status[row["id"]].until,
            },
        }
        for row in rows
    ]


def _record(conn: Db, row: dict) -> dict:
    return _records(conn, [row])[0]


def _locate(conn: Db, geocoder: Geocoder, fields: dict[str, Any]) -> dict[str, Any]:
    if fields.get("lat") is not None and fields.get("lon") is not None:
        return fields
    if not fields.get("address"):
        raise InvalidField("give an address or a location {lat, lon}", "location")
    lat, lon = geocoder.locate(conn, fields["address"])
    return fields | {"lat": lat, "lon": lon}


def _check_nurses(conn: Db, region_id: str, fields: dict[str, Any]) -> None:
    for field in ("preferred_nurse_ids", "excluded_nurse_ids"):
        ids = fields.get(field) or []
        known = {r["id"] for r in conn.execute("SELECT id FROM nurses WHERE id = ANY(%s) AND region_id = %s", [ids, region_id])}
        for k, nurse_id in enumerate(ids):
            if nurse_id not in known:
                raise InvalidField(f"unknown nurse {nurse_id} in region {region_id}", f"{field}[{k}]")
    both = set(fields.get("preferred_nurse_ids") or []) & set(fields.get("excluded_nurse_ids") or [])
    if both:
        raise InvalidField(f"nurse {min(both)} is both preferred and excluded", "excluded_nurse_ids")


def add_patient(conn: Db, who: Principal, geocoder: Geocoder, region_id: str, given: dict[str, Any]) -> dict:
    """A new patient from the fields the API gave (geocoded unless a location is given); she as the API answers."""
    managed_region(conn, who, region_id)
    fields = {"notes": "", "preferred_nurse_ids": [], "excluded_nurse_ids": []} | _columns(given)
    with conn.transaction():
        fields = _locate(conn, geocoder, fields)
        _check_nurses(conn, region_id, fields)
        row = one(
            conn.execute(
                f"INSERT INTO patients (region_id, {', '.join(_COLUMNS)}) VALUES (%s, {', '.join(['%s'] * len(_COLUMNS))})"
                " RETURNING *",
                [region_id, *(fields.get(c) for c in _COLUMNS)],
            )
        )
        audit.record(conn, who, "create", f"patient/{row['id']}")
    return _record(conn, row)


def update_patient(
    conn: Db, who: Principal, geocoder: Geocoder, patient_id: int, given: dict[str, Any], expected_version: int | None
) -> dict:
    """Change the fields given, leaving the others as they are now (a concurrent change of another field stays)."""
    fields = _columns(given)
    who.require_role("admin", "dispatcher")
    with conn.transaction():
        current = patient(conn, who, patient_id, lock=True)
        if "address" in fields and "lat" not in fields:
            fields = fields | {"lat": None, "lon": None}  # a new address is geocoded again
        merged = _locate(conn, geocoder, {c: current[c] for c in _COLUMNS} | fields)
        _check_nurses(conn, current["region_id"], merged)
        row = update_versioned(
            conn,
            "patients",
            patient_id,
            {c: merged[c] for c in _COLUMNS if c in fields},
            expected_version,
            f"patient {patient_id}",
        )
        audit.record(conn, who, "update", f"patient/{patient_id}", fields=sorted(fields))
    return _record(conn, row)


def remove_patient(conn: Db, who: Principal, patient_id: int) -> None:
    """Delete a patient with no visits (their history stays with the visits otherwise)."""
    who.require_role("admin", "dispatcher")
    try:
        with conn.transaction():
            patient(conn, who, patient_id)
            conn.execute("DELETE FROM patients WHERE id = %s", [patient_id])
            audit.record(conn, who, "delete", f"patient/{patient_id}")
    except errors.ForeignKeyViolation:
        raise Conflict(f"patient {patient_id} has visits; cancel or delete those first") from None


def patient(conn: Db, who: Principal, patient_id: int, lock: bool = False) -> dict:
    """One patient, for a dispatcher or a clinician of her region; the read is audited."""
    row = conn.execute(f"SELECT * FROM patients WHERE id = %s{' FOR UPDATE' if lock else ''}", [patient_id]).fetchone()
    if who.role == "clinician":
        if row is None or not may_read_clinical(who, row["region_id"]):
            raise NotFound(f"patient {patient_id} not found")
    else:
        row = who.require_reach(row, f"patient {patient_id}")
    audit.record(conn, who, "read", f"patient/{patient_id}")
    return _record(conn, row)


def patients_in(conn: Db, who: Principal, region_id: str) -> list[dict]:
    """A region's patients, for its dispatchers and clinicians (who find there whom to evaluate)."""
    if who.role == "clinician":
        if not may_read_clinical(who, region_id):
            raise NotFound(f"region {region_id} not found")
    else:
        managed_region(conn, who, region_id)
    rows = conn.execute("SELECT * FROM patients WHERE region_id = %s ORDER BY id", [region_id]).fetchall()
    audit.record(conn, who, "list", f"region/{region_id}/patients", count=len(rows))
    return _records(conn, rows)

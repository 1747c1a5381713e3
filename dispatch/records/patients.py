"""Patients: home (geocoded once), state for licensing, preferred and excluded nurses, and their clearance.

Clearance is never written here: it is derived from the evaluation records (dispatch/clinical/).
"""

from __future__ import annotations

from typing import Any

from psycopg import errors

from dispatch.clinical.clearance import clearances
from dispatch.clinical.evaluations import may_read_clinical
from dispatch.errors import Conflict, InvalidField, NotFound
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.platform.db.versioned import update_versioned
from dispatch.platform.geocoding import Geocoder
from dispatch.records.csv_files import read_records
from dispatch.records.regions import managed_region, region_today
from dispatch.vocabulary import (
    MAX_ADDRESS_LENGTH,
    MAX_EXTERNAL_ID_LENGTH,
    MAX_NAME_LENGTH,
    MAX_NOTES_LENGTH,
    MAX_PHONE_LENGTH,
    STATE_CODES,
)

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
    "external_id",
)


def _columns(given: dict[str, Any]) -> dict[str, Any]:
    """A patient as the API gives her (location {lat, lon}) → her columns; the state in capitals."""
    fields = {k: v for k, v in given.items() if k != "location"}
    if isinstance(fields.get("external_id"), str):
        fields["external_id"] = fields["external_id"].strip() or None
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
    today = region_today(conn, rows[0]["region_id"])
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


def _refuse_a_taken_external_id(conn: Db, region_id: str, external_id: str | None, patient_id: int | None) -> None:
    """An external id (MRN) is one patient's in a region: another patient of the region with it is a Conflict naming her."""
    if external_id is None:
        return
    other = conn.execute(
        "SELECT id, name FROM patients WHERE region_id = %s AND external_id = %s AND id IS DISTINCT FROM %s",
        [region_id, external_id, patient_id],
    ).fetchone()
    if other is not None:
        raise Conflict(f"external id {external_id} is already {other['name']}'s (patient {other['id']})", "external_id")


def _taken_in_a_race(external_id: str | None) -> Conflict:
    return Conflict(f"external id {external_id} was given to another patient meanwhile; reload and try again", "external_id")


def _insert(conn: Db, who: Principal, region_id: str, fields: dict[str, Any]) -> dict:
    row = one(
        conn.execute(
            f"INSERT INTO patients (region_id, {', '.join(_COLUMNS)}) VALUES (%s, {', '.join(['%s'] * len(_COLUMNS))})"
            " RETURNING *",
            [region_id, *(fields.get(c) for c in _COLUMNS)],
        )
    )
    audit.record(conn, who, "create", f"patient/{row['id']}")
    return row


def add_patient(conn: Db, who: Principal, geocoder: Geocoder, region_id: str, given: dict[str, Any]) -> dict:
    """A new patient from the fields the API gave (geocoded unless a location is given); she as the API answers."""
    managed_region(conn, who, region_id)
    fields = {"notes": "", "preferred_nurse_ids": [], "excluded_nurse_ids": []} | _columns(given)
    try:
        with conn.transaction():
            _refuse_a_taken_external_id(conn, region_id, fields.get("external_id"), None)
            fields = _locate(conn, geocoder, fields)
            _check_nurses(conn, region_id, fields)
            row = _insert(conn, who, region_id, fields)
    except errors.UniqueViolation:
        raise _taken_in_a_race(fields.get("external_id")) from None
    return _record(conn, row)


def update_patient(
    conn: Db, who: Principal, geocoder: Geocoder, patient_id: int, given: dict[str, Any], expected_version: int | None
) -> dict:
    """Change the fields given, leaving the others as they are now (a concurrent change of another field stays)."""
    fields = _columns(given)
    who.require_role("admin", "dispatcher")
    try:
        return _update_patient(conn, who, geocoder, patient_id, fields, expected_version)
    except errors.UniqueViolation:
        raise _taken_in_a_race(fields.get("external_id")) from None


def _update_patient(
    conn: Db, who: Principal, geocoder: Geocoder, patient_id: int, fields: dict[str, Any], expected_version: int | None
) -> dict:
    with conn.transaction():
        current = patient(conn, who, patient_id, lock=True)
        if "external_id" in fields:
            _refuse_a_taken_external_id(conn, current["region_id"], fields["external_id"], patient_id)
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


def patients_in(conn: Db, who: Principal, region_id: str, search: str | None = None) -> list[dict]:
    """A region's patients, for its dispatchers and clinicians (who find there whom to evaluate); with `search`, those
    whose name, external id, phone or address holds it (any case)."""
    if who.role == "clinician":
        if not may_read_clinical(who, region_id):
            raise NotFound(f"region {region_id} not found")
    else:
        managed_region(conn, who, region_id)
    sql, params = "SELECT * FROM patients WHERE region_id = %s", [region_id]
    if search and search.strip():
        # The text is matched as written: % and _ are not wildcards here.
        pattern = "%" + search.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        sql += " AND (name ILIKE %s OR external_id ILIKE %s OR phone ILIKE %s OR address ILIKE %s)"
        params += [pattern] * 4
    rows = conn.execute(sql + " ORDER BY name, id", params).fetchall()
    audit.record(conn, who, "list", f"region/{region_id}/patients", count=len(rows), searched=bool(search))
    return _records(conn, rows)


# ---------------------------------------------------------------- the patients CSV

PATIENT_CSV_COLUMNS = ("external_id", "name", "state", "address", "phone", "notes", "lat", "lon")
# The external id is the file's key: a patient imported again is found by it, and left as she is.
REQUIRED_PATIENT_CSV_COLUMNS = {"external_id", "name", "state"}
# Each new address is geocoded while the import runs (a public geocoder answers about once a second).
MAX_PATIENT_IMPORT_ROWS = 1000
_TEXT_CAPS = {
    "external_id": MAX_EXTERNAL_ID_LENGTH,
    "name": MAX_NAME_LENGTH,
    "address": MAX_ADDRESS_LENGTH,
    "phone": MAX_PHONE_LENGTH,
    "notes": MAX_NOTES_LENGTH,
}


def import_patients_csv(conn: Db, who: Principal, geocoder: Geocoder, region_id: str, text: str) -> dict:
    """Every new patient of a patients CSV, or none (InvalidField names each bad line); a line whose external id the
    region already has is that patient, kept as she is (so the same file imported twice adds nobody twice)."""
    managed_region(conn, who, region_id)
    header, records = read_records(text, PATIENT_CSV_COLUMNS, REQUIRED_PATIENT_CSV_COLUMNS, MAX_PATIENT_IMPORT_ROWS, "patients")
    problems: list[tuple[str, str]] = []
    wanted: dict[str, int] = {}  # external id → its first line
    parsed: list[tuple[int, dict[str, Any]]] = []
    for line, record in records:
        values = {name: (record.get(name) or "").strip() for name in PATIENT_CSV_COLUMNS}
        at = f"line {line}: "
        before = len(problems)
        for name in (c for c in PATIENT_CSV_COLUMNS if c in REQUIRED_PATIENT_CSV_COLUMNS):
            if not values[name]:
                problems.append((f"{at}{name}", "is empty"))
        for name, cap in _TEXT_CAPS.items():
            if len(values[name]) > cap:
                problems.append((f"{at}{name}", f"has more than {cap} characters"))
        if values["state"] and values["state"].upper() not in STATE_CODES:
            problems.append((f"{at}state", f"unknown state {values['state']!r}: give its two-letter code, e.g. CO"))
        location = None
        if values["lat"] or values["lon"]:
            try:
                location = {"lat": float(values["lat"]), "lon": float(values["lon"])}
                if not (-90 <= location["lat"] <= 90 and -180 <= location["lon"] <= 180):
                    raise ValueError
            except ValueError:
                problems.append((f"{at}lat", "lat and lon must be given together, as degrees (e.g. 39.74, -104.99)"))
        elif not values["address"]:
            problems.append((f"{at}address", f"{values['name'] or 'the patient'}: give an address, or lat and lon"))
        if (first := wanted.setdefault(values["external_id"], line)) != line and values["external_id"]:
            problems.append((f"{at}external_id", f"external id {values['external_id']} is on line {first} too"))
        if len(problems) == before:
            given = {
                "external_id": values["external_id"],
                "name": values["name"],
                "state": values["state"].upper(),
                "address": values["address"] or None,
                "phone": values["phone"] or None,
                "notes": values["notes"],
            }
            parsed.append((line, given | ({"location": location} if location else {})))
    _raise_if(problems)
    if not records:
        raise InvalidField("the file has no patients", "body")
    created: list[int] = []
    kept: list[int] = []
    try:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(hashtext('patients import ' || %s))", [region_id])
            known = {
                r["external_id"]: r["id"]
                for r in conn.execute(
                    "SELECT id, external_id FROM patients WHERE region_id = %s AND external_id = ANY(%s)",
                    [region_id, sorted(wanted)],
                )
            }
            for line, given in parsed:
                if given["external_id"] in known:
                    kept.append(known[given["external_id"]])
                    continue
                fields = {"preferred_nurse_ids": [], "excluded_nurse_ids": []} | _columns(given)
                try:
                    fields = _locate(conn, geocoder, fields)
                except InvalidField as error:
                    problems.append((f"line {line}: address", f"{given['name']}: {error.message}"))
                    continue
                created.append(_insert(conn, who, region_id, fields)["id"])
            _raise_if(problems)
            audit.record(conn, who, "import", f"region/{region_id}/patients", count=len(created), kept=len(kept))
    except errors.UniqueViolation:
        raise Conflict("another import gave one of these external ids meanwhile; import the file again", "external_id") from None
    return {"imported": len(created), "patient_ids": created, "kept": len(kept), "kept_ids": kept}


def _raise_if(problems: list[tuple[str, str]]) -> None:
    if problems:
        raise InvalidField(
            "; ".join(f"{field}: {message}" for field, message in problems[:50])
            + (f"; … {len(problems) - 50} more" if len(problems) > 50 else ""),
            problems[0][0],
        )

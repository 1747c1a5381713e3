"""Visits: a patient's service on a date within a window, and its status through the day."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, time
from typing import Any, NoReturn

from psycopg import errors

from dispatch.clinical.clearance import booking_warning
from dispatch.clinical.evaluations import record_evaluation_visit_done
from dispatch.errors import Conflict, InvalidField, StaleVersion
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.records.regions import managed_region
from dispatch.rosters.workflow import lock_day
from dispatch.vocabulary import MAX_DURATION_MIN, MAX_PRIORITY, MIN_PRIORITY, NEXT_STATUSES, VISIT_STATUSES

CSV_COLUMNS = (
    "patient_id",
    "date",
    "window_start",
    "window_end",
    "service",
    "priority",
    "duration_min",
    "pinned_nurse_id",
    "notes",
)
REQUIRED_CSV_COLUMNS = {"patient_id", "date", "window_start", "window_end", "service"}
# What says when a visit happens, by the key in update_visit's changes: (its column, the API's name for it).
# Changing one under a published roster is refused.
TIMING_FIELDS = {
    "day": ("day", "date"),
    "window_start": ("window_start", "window"),
    "window_end": ("window_end", "window"),
    "duration_min": ("duration_min", "duration_min"),
    "service_code": ("service_code", "service"),
}
# An import is one transaction: a region's busiest day is a few hundred visits, and 60,000 rows held
# one for 39 s. Larger files are split by the sender.
MAX_IMPORT_ROWS = 5000
MAX_IMPORT_BYTES = 5 << 20  # room for MAX_IMPORT_ROWS rows with long notes; enforced as the body is read (api/request_body.py)


@dataclass(frozen=True)
class VisitRequest:
    """A visit as asked for, before the checks that need the database."""

    patient_id: int
    day: date
    window_start: time
    window_end: time
    service: str
    priority: int = 1
    duration_min: int | None = None
    pinned_nurse_id: int | None = None
    notes: str = ""


class _Problems:
    """Errors found while checking one request, each with its field path."""

    def __init__(self, prefix: str = ""):
        self.prefix = prefix
        self.items: list[tuple[str, str]] = []
        self.breaks_a_rule = False  # a valid value that a clinical rule refuses (409, not 422)

    def add(self, field: str, message: str) -> None:
        self.items.append((f"{self.prefix}{field}", message))

    def raise_first(self) -> NoReturn:
        field, message = self.items[0]
        raise (Conflict if self.breaks_a_rule and len(self.items) == 1 else InvalidField)(message, field)


def _check_request(
    conn: Db, who: Principal, request: VisitRequest, problems: _Problems, region_id: str | None = None
) -> dict[str, Any] | None:
    """The visit's columns, or None with the reasons added to `problems`."""
    patient = conn.execute("SELECT id, region_id FROM patients WHERE id = %s", [request.patient_id]).fetchone()
    if patient is None or not who.may_manage(patient["region_id"]) or (region_id and patient["region_id"] != region_id):
        problems.add("patient_id", f"unknown patient {request.patient_id}" + (f" in region {region_id}" if region_id else ""))
        return None
    service = conn.execute(
        "SELECT name, minutes, home_allowed, home_rule FROM service_types WHERE code = %s", [request.service]
    ).fetchone()
    if service is None:
        codes = [r["code"] for r in conn.execute("SELECT code FROM service_types ORDER BY code")]
        problems.add("service", f"unknown service {request.service!r} (known: {', '.join(codes)})")
    elif not service["home_allowed"]:
        # Every visit here is a nurse at the patient's home: a service that may not be given there is refused.
        problems.add("service", f"{service['name']} cannot be given at home: {service['home_rule']}")
        problems.breaks_a_rule = True
    if request.window_end < request.window_start:
        problems.add("window_end", f"end {request.window_end:%H:%M} is before start {request.window_start:%H:%M}")
    if not MIN_PRIORITY <= request.priority <= MAX_PRIORITY:
        problems.add("priority", f"must be between {MIN_PRIORITY} and {MAX_PRIORITY}")
    if request.duration_min is not None and not 0 < request.duration_min <= MAX_DURATION_MIN:
        problems.add("duration_min", f"must be greater than 0 and at most {MAX_DURATION_MIN}")
    if (
        request.pinned_nurse_id is not None
        and not conn.execute(
            "SELECT 1 FROM nurses WHERE id = %s AND region_id = %s", [request.pinned_nurse_id, patient["region_id"]]
        ).fetchone()
    ):
        problems.add("pinned_nurse_id", f"unknown nurse {request.pinned_nurse_id} in region {patient['region_id']}")
    if problems.items:
        return None
    return {
        "region_id": patient["region_id"],
        "patient_id": request.patient_id,
        "day": request.day,
        "window_start": request.window_start,
        "window_end": request.window_end,
        "service_code": request.service,
        "duration_min": request.duration_min or (service or {})["minutes"],  # a missing service is a problem above
        "priority": request.priority,
        "pinned_nurse_id": request.pinned_nurse_id,
        "notes": request.notes,
    }


def _insert(conn: Db, columns: dict[str, Any]) -> dict:
    names = list(columns)
    return one(
        conn.execute(
            f"INSERT INTO visits ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))}) RETURNING *",
            list(columns.values()),
        )
    )


def add_visit(conn: Db, who: Principal, request: VisitRequest) -> dict:
    who.require_role("admin", "dispatcher")
    with conn.transaction():
        problems = _Problems()
        columns = _check_request(conn, who, request, problems)
        if columns is None:
            problems.raise_first()
        row = _insert(conn, columns)
        audit.record(conn, who, "create", f"visit/{row['id']}")
    return _record(row) | {"warnings": _warnings(conn, row)}


def _warnings(conn: Db, row: dict) -> list[str]:
    """Said at once when a booking will be held back (the patient not cleared), rather than at the night's solve."""
    if row["status"] not in ("requested", "scheduled") or row["day"] is None:
        return []
    warning = booking_warning(conn, row["patient_id"], row["service_code"], row["day"])
    return [warning] if warning else []


def update_visit(conn: Db, who: Principal, visit_id: int, given: dict[str, Any], expected_version: int | None) -> dict:
    """The fields the API gave changed, checked as a new visit would be; the visit as the API answers."""
    changes = _columns(given)
    with conn.transaction():
        if TIMING_FIELDS.keys() & changes.keys():
            # The day's roster lock before the visit's row, in the order publishing takes them: a roster
            # published at this moment either holds the visit already (refused below) or waits for this change.
            first = visit(conn, who, visit_id)
            if first["day"] is not None:  # a course session not yet planned is on no day's roster
                lock_day(conn, first["region_id"], first["day"])
        current = visit(conn, who, visit_id, lock=True)
        if expected_version is not None and current["version"] != expected_version:
            raise StaleVersion(f"visit {visit_id} was changed by someone else; reload it and try again")
        if TIMING_FIELDS.keys() & changes.keys() and current["day"] != first["day"]:
            raise StaleVersion(f"visit {visit_id} was moved to {current['day']} meanwhile; reload it and try again")
        _refuse_moving_a_published_visit(conn, current, changes)
        if "status" in changes and changes["status"] != current["status"]:
            check_transition(current["status"], changes["status"])
        request = VisitRequest(
            patient_id=current["patient_id"],
            day=changes.get("day", current["day"]),
            window_start=changes.get("window_start", current["window_start"]),
            window_end=changes.get("window_end", current["window_end"]),
            service=changes.get("service_code", current["service_code"]),
            priority=changes.get("priority", current["priority"]),
            duration_min=changes.get("duration_min", current["duration_min"]),
            pinned_nurse_id=changes.get("pinned_nurse_id", current["pinned_nurse_id"]),
            notes=changes.get("notes", current["notes"]),
        )
        problems = _Problems()
        columns = _check_request(conn, who, request, problems)
        if columns is None:
            problems.raise_first()
        columns["status"] = changes.get("status", current["status"])
        row = one(
            conn.execute(
                f"UPDATE visits SET {', '.join(f'{c} = %s' for c in columns)}, version = version + 1 WHERE id = %s RETURNING *",
                [*columns.values(), visit_id],
            )
        )
        if columns["status"] == "done" and current["status"] != "done":
            record_evaluation_visit_done(conn, who, visit_id)
        audit.record(conn, who, "update", f"visit/{visit_id}", fields=sorted(changes))
    return _record(row) | {"warnings": _warnings(conn, row)}


def _columns(given: dict[str, Any]) -> dict[str, Any]:
    """A change as the API gives it (date, window {start, end}, service) → the visit's columns."""
    names = {"date": "day", "service": "service_code"}
    changes = {names.get(k, k): v for k, v in given.items() if k != "window"}
    if given.get("window") is not None:
        changes |= {"window_start": given["window"]["start"], "window_end": given["window"]["end"]}
    return changes


def _record(row: dict) -> dict:
    """The visit's columns → the shape the API answers (date, window {start, end}, service)."""
    return row | {
        "date": row["day"],
        "window": {"start": row["window_start"], "end": row["window_end"]},
        "service": row["service_code"],
    }


def _refuse_moving_a_published_visit(conn: Db, current: dict, changes: dict[str, Any]) -> None:
    """A visit the published roster holds keeps its day, window, length and service: the nurse's itinerary
    follows the roster, so it moves through a re-plan or a draft of that roster, never underneath it."""
    moved = sorted(
        api_name for key, (column, api_name) in TIMING_FIELDS.items() if key in changes and changes[key] != current[column]
    )
    if not moved:
        return
    stop = conn.execute(
        "SELECT r.id, r.version, n.name AS nurse_name, to_char(s.starts AT TIME ZONE g.timezone, 'HH24:MI') AS starts"
        " FROM roster_stops s JOIN rosters r ON r.id = s.roster_id JOIN nurses n ON n.id = s.nurse_id"
        " JOIN regions g ON g.id = r.region_id WHERE s.visit_id = %s AND s.published",
        [current["id"]],
    ).fetchone()
    if stop is not None:
        field = moved[0]
        raise Conflict(
            f"visit {current['id']} is in the published roster {stop['id']} (version {stop['version']}), "
            f"{stop['nurse_name']} at {stop['starts']}; changing its {field} would leave her itinerary wrong: "
            "re-plan the day, or move it in a draft of that roster and publish",
            field,
        )


def check_transition(old: str, new: str) -> None:
    if new not in VISIT_STATUSES:
        raise InvalidField(f"unknown status {new!r} (known: {', '.join(VISIT_STATUSES)})", "status")
    if new not in NEXT_STATUSES[old]:
        allowed = ", ".join(sorted(NEXT_STATUSES[old])) or "none: it is final"
        raise Conflict(f"a {old} visit cannot become {new} (next: {allowed})", "status")


def remove_visit(conn: Db, who: Principal, visit_id: int) -> None:
    """Delete a visit no roster holds (a mistaken entry); a planned one is cancelled instead, for the record."""
    try:
        with conn.transaction():
            visit(conn, who, visit_id, lock=True)
            conn.execute("DELETE FROM visits WHERE id = %s", [visit_id])
            audit.record(conn, who, "delete", f"visit/{visit_id}")
    except errors.ForeignKeyViolation:
        raise Conflict(f"visit {visit_id} is in a roster; set its status to cancelled instead") from None


def visit(conn: Db, who: Principal, visit_id: int, lock: bool = False) -> dict:
    row = conn.execute(f"SELECT * FROM visits WHERE id = %s{' FOR UPDATE' if lock else ''}", [visit_id]).fetchone()
    row = who.require_reach(row, f"visit {visit_id}")
    audit.record(conn, who, "read", f"visit/{visit_id}")
    return _record(row)


def visits_on(conn: Db, who: Principal, region_id: str, day: date) -> list[dict]:
    managed_region(conn, who, region_id)
    rows = conn.execute(
        "SELECT * FROM visits WHERE region_id = %s AND day = %s ORDER BY window_start, id", [region_id, day]
    ).fetchall()
    audit.record(conn, who, "list", f"region/{region_id}/visits/{day}", count=len(rows))
    return [_record(row) for row in rows]


def import_csv(conn: Db, who: Principal, region_id: str, text: str) -> list[dict]:
    """Every row of a visits CSV, or none: InvalidField lists each bad row by its line number.

    Each visit comes back with its `warnings` (a patient not cleared for it on its day), by line."""
    managed_region(conn, who, region_id)
    # strict: a quote that is never closed is an error, not a field running to the end of the file.
    reader = csv.DictReader(io.StringIO(text), strict=True)
    records: list[tuple[int, dict]] = []
    try:
        header = set(reader.fieldnames or [])
        for record in reader:
            if len(records) == MAX_IMPORT_ROWS:
                raise InvalidField(f"the file has more than {MAX_IMPORT_ROWS} visits; send it in parts", "body")
            if None in record:  # csv puts fields beyond the header's under the key None
                extra = len(record[None])
                raise InvalidField(
                    f"line {reader.line_num}: {extra} field{'s' if extra > 1 else ''} more than the"
                    f" header's {len(reader.fieldnames or [])} columns",
                    f"line {reader.line_num}",
                )
            records.append((reader.line_num, record))
    except csv.Error as error:  # an unclosed quote, or a field over the csv module's limit of 128 Ki characters
        line = reader.line_num + 1  # where the record it could not read begins
        reason = "a quoted field is never closed" if "unexpected end of data" in str(error) else str(error)
        raise InvalidField(f"line {line}: {reason}", f"line {line}") from None
    if missing := sorted(REQUIRED_CSV_COLUMNS - header):
        raise InvalidField(f"the header lacks column {', '.join(missing)} (columns: {', '.join(CSV_COLUMNS)})", "header")
    if unknown := sorted(header - set(CSV_COLUMNS)):
        raise InvalidField(f"unknown column {', '.join(unknown)} (columns: {', '.join(CSV_COLUMNS)})", "header")
    with conn.transaction():
        problems, rows = _Problems(), []
        for line, record in records:
            problems.prefix = f"line {line}: "
            request = _parse_row(record, problems)
            if request is not None:
                columns = _check_request(conn, who, request, problems, region_id)
                if columns is not None:
                    rows.append((line, columns))
        if problems.items:
            raise InvalidField(
                "; ".join(f"{field}: {message}" for field, message in problems.items[:50])
                + (f"; … {len(problems.items) - 50} more" if len(problems.items) > 50 else ""),
                problems.items[0][0],
            )
        if not rows:
            raise InvalidField("the file has no visits", "body")
        inserted = []
        for line, columns in rows:
            row = _insert(conn, columns)
            inserted.append(row | {"warnings": [f"line {line}: {w}" for w in _warnings(conn, row)]})
        audit.record(conn, who, "import", f"region/{region_id}/visits", count=len(inserted))
    return inserted


def _parse_row(record: dict[str, str | None], problems: _Problems) -> VisitRequest | None:
    def text(name: str) -> str:
        return (record.get(name) or "").strip()

    values: dict[str, Any] = {}
    for name, parse in (
        ("patient_id", int),
        ("date", date.fromisoformat),
        ("window_start", _hhmm),
        ("window_end", _hhmm),
        ("priority", int),
        ("duration_min", int),
        ("pinned_nurse_id", int),
    ):
        raw = text(name)
        if not raw:
            if name in REQUIRED_CSV_COLUMNS:
                problems.add(name, "is empty")
            continue
        try:
            values[name] = parse(raw)
        except ValueError:
            problems.add(name, f"{raw!r} is not {_EXPECTED[name]}")
    if not text("service"):
        problems.add("service", "is empty")
    if len(problems.items) and any(f.startswith(problems.prefix) for f, _ in problems.items):
        return None
    return VisitRequest(
        patient_id=values["patient_id"],
        day=values["date"],
        window_start=values["window_start"],
        window_end=values["window_end"],
        service=text("service"),
        priority=values.get("priority", 1),
        duration_min=values.get("duration_min"),
        pinned_nurse_id=values.get("pinned_nurse_id"),
        notes=text("notes"),
    )


_EXPECTED = {
    "patient_id": "a whole number",
    "date": "a date YYYY-MM-DD",
    "window_start": "a time HH:MM",
    "window_end": "a time HH:MM",
    "priority": "a whole number",
    "duration_min": "a whole number",
    "pinned_nurse_id": "a whole number",
}


def _hhmm(text: str) -> time:
    hours, sep, minutes = text.partition(":")
    if not sep or len(minutes) != 2:
        raise ValueError(text)
    return time(int(hours), int(minutes))

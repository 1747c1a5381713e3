"""Visits: a patient's service on a date within a window, and its status through the day."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass
from datetime import date, time
from typing import Any, NoReturn

from psycopg import errors
from psycopg.types.json import Jsonb

from dispatch.clinical.clearance import booking_warning
from dispatch.clinical.evaluations import record_evaluation_visit_done
from dispatch.errors import Conflict, InvalidField, StaleVersion
from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, one
from dispatch.records.csv_files import read_records
from dispatch.records.regions import managed_region
from dispatch.rosters.workflow import lock_day
from dispatch.vocabulary import MAX_DURATION_MIN, MAX_PRIORITY, MIN_PRIORITY, NEXT_STATUSES, VISIT_STATUSES

CSV_COLUMNS = (
    "patient_id",
    "patient_external_id",
    "date",
    "window_start",
    "window_end",
    "service",
    "priority",
    "duration_min",
    "pinned_nurse_id",
    "notes",
)
# …and patient_id or patient_external_id (the patient's MRN, as the clinic's own systems know her).
REQUIRED_CSV_COLUMNS = {"date", "window_start", "window_end", "service"}
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
        self.conflicts = 0  # valid values that a rule refuses (a clinical rule, a duplicate): 409, not 422

    def add(self, field: str, message: str, conflict: bool = False) -> None:
        self.items.append((f"{self.prefix}{field}", message))
        self.conflicts += conflict

    @property
    def all_conflicts(self) -> bool:
        return 0 < self.conflicts == len(self.items)

    def raise_first(self) -> NoReturn:
        field, message = self.items[0]
        raise (Conflict if self.all_conflicts else InvalidField)(message, field)


def _check_request(
    conn: Db,
    who: Principal,
    request: VisitRequest,
    problems: _Problems,
    region_id: str | None = None,
    visit_id: int | None = None,
    standing: bool = True,
) -> dict[str, Any] | None:
    """The visit's columns, or None with the reasons added to `problems`.

    `visit_id`: the visit being changed; `standing`: false when it becomes cancelled or a no-show (no duplicate then)."""
    known_problems = len(problems.items)  # an import's earlier lines
    patient = conn.execute("SELECT id, region_id, name FROM patients WHERE id = %s", [request.patient_id]).fetchone()
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
        problems.add("service", f"{service['name']} cannot be given at home: {service['home_rule']}", conflict=True)
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
    if len(problems.items) > known_problems or service is None:
        return None
    if standing and (duplicate := _same_visit(conn, request, visit_id)):
        problems.add("window", _duplicate_message(patient["name"], service["name"], duplicate), conflict=True)
        return None
    return {
        "region_id": patient["region_id"],
        "patient_id": request.patient_id,
        "day": request.day,
        "window_start": request.window_start,
        "window_end": request.window_end,
        "service_code": request.service,
        "duration_min": request.duration_min or service["minutes"],
        "priority": request.priority,
        "pinned_nurse_id": request.pinned_nurse_id,
        "notes": request.notes,
    }


# Visits that still happen, or happened: a cancelled visit or a no-show may be booked again.
_STANDING_STATUSES = tuple(s for s in VISIT_STATUSES if s not in ("cancelled", "no_show"))


def _same_visit(conn: Db, request: VisitRequest, visit_id: int | None) -> dict | None:
    """Another standing visit of the patient for the same service on the same day whose window overlaps this one's.

    Windows overlap when they share more than an end point (a point window inside another counts); two bookings of
    that kind are one visit sent twice, and the solver would serve both."""
    return conn.execute(
        "SELECT id, window_start, window_end FROM visits WHERE patient_id = %s AND service_code = %s AND day = %s"
        " AND status = ANY(%s) AND id IS DISTINCT FROM %s"
        " AND ((window_start < %s AND %s < window_end) OR (window_start = %s AND window_end = %s))"
        " ORDER BY id LIMIT 1",
        [
            request.patient_id,
            request.service,
            request.day,
            list(_STANDING_STATUSES),
            visit_id,
            request.window_end,
            request.window_start,
            request.window_start,
            request.window_end,
        ],
    ).fetchone()


def _duplicate_message(patient_name: str, service_name: str, other: dict) -> str:
    where = f"visit {other['id']}" if other.get("id") else f"line {other['line']}"
    return (
        f"{patient_name} already has {service_name} on this day in {other['window_start']:%H:%M}–{other['window_end']:%H:%M}"
        f" ({where}); a second visit in an overlapping window would be served twice: change or cancel {where} instead"
    )


def _lock_patients(conn: Db, patient_ids: list[int]) -> None:
    """Bookings of one patient one at a time (in id order, so two imports cannot deadlock): of two requests for the
    same visit, the second sees the first. FOR NO KEY UPDATE leaves other visits' foreign-key checks free."""
    conn.execute("SELECT id FROM patients WHERE id = ANY(%s) ORDER BY id FOR NO KEY UPDATE", [sorted(set(patient_ids))])


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
        _lock_patients(conn, [request.patient_id])
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
        _lock_patients(conn, [current["patient_id"]])
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
        status = changes.get("status", current["status"])
        columns = _check_request(conn, who, request, problems, visit_id=visit_id, standing=status in _STANDING_STATUSES)
        if columns is None:
            problems.raise_first()
        columns["status"] = status
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


@dataclass(frozen=True)
class ImportOutcome:
    """What an import answers: the visits it made and their warnings by line; `replayed` when a key sent again found it."""

    imported: int
    visit_ids: list[int]
    warnings: list[str]
    replayed: bool = False


def import_csv(conn: Db, who: Principal, region_id: str, text: str, idempotency_key: str | None = None) -> ImportOutcome:
    """Every row of a visits CSV, or none: InvalidField lists each bad row by its line number.

    Each visit comes back with its `warnings` (a patient not cleared for it on its day), by line. With an
    `idempotency_key`, the same key and file answer the first import's outcome again and import nothing; the same
    key with another file is a Conflict."""
    managed_region(conn, who, region_id)
    if idempotency_key is not None and (earlier := _earlier_import(conn, region_id, idempotency_key, text)):
        return earlier
    header, records = read_records(text, CSV_COLUMNS, REQUIRED_CSV_COLUMNS, MAX_IMPORT_ROWS, "visits")
    if not header & {"patient_id", "patient_external_id"}:
        raise InvalidField(
            f"the header needs column patient_id or patient_external_id (columns: {', '.join(CSV_COLUMNS)})", "header"
        )
    with conn.transaction():
        if idempotency_key is not None:
            # Claimed first: a second import with this key waits here until this one ends, then answers its outcome.
            claimed = conn.execute(
                "INSERT INTO visit_imports (region_id, key, body_sha256, username) VALUES (%s, %s, %s, %s)"
                " ON CONFLICT (region_id, key) DO NOTHING RETURNING id",
                [region_id, idempotency_key, _sha256(text), who.username],
            ).fetchone()
            if claimed is None:
                earlier = _earlier_import(conn, region_id, idempotency_key, text)
                assert earlier is not None  # the row that refused the claim has committed
                return earlier
        problems, rows = _Problems(), []
        _patients_by_external_id(conn, region_id, records, problems)
        _lock_patients(conn, [int(p) for _, r in records if (p := (r.get("patient_id") or "").strip()).isdigit()])
        seen: dict[tuple[int, str, date], list[tuple[int, VisitRequest]]] = {}
        for line, record in records:
            problems.prefix = f"line {line}: "
            request = _parse_row(record, problems)
            if request is None:
                continue
            columns = _check_request(conn, who, request, problems, region_id)
            if columns is None:
                continue
            same_day = seen.setdefault((request.patient_id, request.service, request.day), [])
            if twin := next((earlier for earlier in same_day if _overlap(earlier[1], request)), None):
                name = one(conn.execute("SELECT name FROM patients WHERE id = %s", [request.patient_id]))["name"]
                service = one(conn.execute("SELECT name FROM service_types WHERE code = %s", [request.service]))["name"]
                other = {"line": twin[0], "window_start": twin[1].window_start, "window_end": twin[1].window_end}
                problems.add("window", _duplicate_message(name, service, other), conflict=True)
                continue
            same_day.append((line, request))
            rows.append((line, columns))
        if problems.items:
            raise (Conflict if problems.all_conflicts else InvalidField)(
                "; ".join(f"{field}: {message}" for field, message in problems.items[:50])
                + (f"; … {len(problems.items) - 50} more" if len(problems.items) > 50 else ""),
                problems.items[0][0],
            )
        if not rows:
            raise InvalidField("the file has no visits", "body")
        ids, warnings = [], []
        for line, columns in rows:
            row = _insert(conn, columns)
            ids.append(row["id"])
            warnings += [f"line {line}: {w}" for w in _warnings(conn, row)]
        outcome = ImportOutcome(imported=len(ids), visit_ids=ids, warnings=warnings)
        if idempotency_key is not None:
            conn.execute(
                "UPDATE visit_imports SET result = %s WHERE region_id = %s AND key = %s",
                [Jsonb(asdict(outcome)), region_id, idempotency_key],
            )
        audit.record(conn, who, "import", f"region/{region_id}/visits", count=len(ids))
    return outcome


def _patients_by_external_id(
    conn: Db, region_id: str, records: list[tuple[int, dict[str, str | None]]], problems: _Problems
) -> None:
    """Each record naming its patient by external id (MRN) gets her patient_id; an unknown MRN, or one that is not the
    patient_id given beside it, is a problem of its line."""
    wanted = {m for _, r in records if (m := (r.get("patient_external_id") or "").strip())}
    if not wanted:
        return
    found = {
        r["external_id"]: r["id"]
        for r in conn.execute(
            "SELECT id, external_id FROM patients WHERE region_id = %s AND external_id = ANY(%s)", [region_id, sorted(wanted)]
        )
    }
    for line, record in records:
        mrn = (record.get("patient_external_id") or "").strip()
        if not mrn:
            continue
        problems.prefix = f"line {line}: "
        given = (record.get("patient_id") or "").strip()
        if mrn not in found:
            problems.add("patient_external_id", f"no patient with external id {mrn!r} in region {region_id}")
        elif given and given != str(found[mrn]):
            problems.add("patient_external_id", f"external id {mrn!r} is patient {found[mrn]}, not patient {given}")
        else:
            record["patient_id"] = str(found[mrn])
    problems.prefix = ""


def _overlap(a: VisitRequest, b: VisitRequest) -> bool:
    """The rule of _same_visit, for two rows of one file."""
    return (a.window_start < b.window_end and b.window_start < a.window_end) or (
        a.window_start == b.window_start and a.window_end == b.window_end
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _earlier_import(conn: Db, region_id: str, key: str, text: str) -> ImportOutcome | None:
    """The outcome of the import that used this key in this region, or None when none did."""
    row = conn.execute(
        "SELECT body_sha256, result FROM visit_imports WHERE region_id = %s AND key = %s", [region_id, key]
    ).fetchone()
    if row is None:
        return None
    if row["body_sha256"] != _sha256(text):
        raise Conflict(
            f"this Idempotency-Key was used for another file in region {region_id}: send a new key with a new file",
            "Idempotency-Key",
        )
    return ImportOutcome(**row["result"] | {"replayed": True}) if row["result"] else None


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
            elif name == "patient_id" and not any(f.startswith(problems.prefix) for f, _ in problems.items):
                problems.add(name, "is empty: give the patient's patient_id or patient_external_id")
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

"""A demo region in the database: a generated day's nurses, patients and visits, and its accounts.

Patients due an infusion were cleared by the region's clinician (`clinician-<region>`) a month before
the day, as a prescriber would have done; those booked for an evaluation are not cleared yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from psycopg import Connection

from dispatch.clinical.evaluations import record_evaluation
from dispatch.platform.geocoding import Geocoder
from dispatch.records.nurses import add_nurse, set_shift
from dispatch.records.patients import add_patient
from dispatch.records.regions import add_region
from dispatch.records.users import add_user, principal_named
from dispatch.records.visits import VisitRequest, add_visit
from harness.generate import generate_day, metro_named

SERVICE_CODES = {
    "hydration": "hydration",
    "myers": "myers",
    "evaluation": "evaluation",
    "ketamine": "ketamine",
    "nad": "nad",
    "urgent migraine ketamine": "ketamine",
}
# Every demo patient comes with her point, so nothing is geocoded.
NO_GEOCODER = Geocoder("none", None)


@dataclass(frozen=True)
class DemoAccounts:
    admin: tuple[str, str]
    dispatcher: tuple[str, str]
    nurse: tuple[str, str]
    nurse_id: int


def _time(hhmm: str) -> time:
    return time.fromisoformat(hhmm)


def load_demo_region(
    conn: Connection,
    day: date,
    nurses: int = 30,
    visits: int = 200,
    seed: int = 1,
    metro: str = "denver",
    password: str = "demo-password",
    region_id: str | None = None,
) -> DemoAccounts:
    """Region `metro` with a generated day on `day` and its demo accounts; a day already loaded is kept.

    Run again on a later day, the same nurses and patients get that day's shifts and visits.
    """
    region_id = region_id or metro
    state = metro_named(metro).state
    with conn.transaction():
        if conn.execute("SELECT 1 FROM regions WHERE id = %s", [region_id]).fetchone() is None:
            add_region(conn, region_id, f"{metro.title()} metro", metro_named(metro).timezone)
        existing = {r["username"] for r in conn.execute("SELECT username FROM users")}
        if "admin" not in existing:
            add_user(conn, "admin", password, "admin")
        if f"clinician-{region_id}" not in existing:
            add_user(conn, f"clinician-{region_id}", password, "clinician", [region_id])
        if conn.execute("SELECT 1 FROM visits WHERE region_id = %s AND day = %s", [region_id, day]).fetchone() is None:
            _load_day(conn, region_id, state, generate_day(nurses, visits, seed, day.isoformat(), metro), day)
        first_nurse = conn.execute("SELECT min(id) AS id FROM nurses WHERE region_id = %s", [region_id]).fetchone()["id"]
        accounts = DemoAccounts(
            ("admin", password), (f"dispatcher-{region_id}", password), (f"nurse-{first_nurse}", password), first_nurse
        )
        if accounts.dispatcher[0] not in existing:
            add_user(conn, accounts.dispatcher[0], password, "dispatcher", [region_id])
        if accounts.nurse[0] not in existing:
            add_user(conn, accounts.nurse[0], password, "nurse", nurse_id=first_nurse)
    return accounts


def _load_day(conn: Connection, region_id: str, state: str, doc: dict, day: date) -> None:
    """Write the generated day through the same functions as the API (validation and audit included), as the admin."""
    admin = principal_named(conn, "admin")
    assert admin is not None, "the demo's admin account is made first"
    nurse_ids: dict[str, int] = {}
    known_nurses = [r["id"] for r in conn.execute("SELECT id FROM nurses WHERE region_id = %s ORDER BY id", [region_id])]
    for n, nurse in enumerate(doc["nurses"]):
        if n < len(known_nurses):  # the same seed draws the same nurses: give her this day's shift
            nurse_ids[nurse["id"]] = known_nurses[n]
        else:
            brk = nurse.get("break")
            given = {
                "name": nurse["name"],
                "home": {"lat": nurse["start"]["lat"], "lon": nurse["start"]["lon"]},
                "licensed_states": [state],
                "max_visits": nurse.get("max_visits"),
                "certifications": [{"name": s} for s in nurse["skills"]],
            }
            if brk:
                given["break_"] = {
                    "window": {"start": _time(brk["window"]["start"]), "end": _time(brk["window"]["end"])},
                    "duration_min": brk["duration_min"],
                }
            nurse_ids[nurse["id"]] = add_nurse(conn, admin, region_id, given)["id"]
        set_shift(conn, admin, nurse_ids[nurse["id"]], day, _time(nurse["shift"]["start"]), _time(nurse["shift"]["end"]))
    patient_ids = {
        r["name"].removeprefix("Patient "): r["id"]
        for r in conn.execute("SELECT id, name FROM patients WHERE region_id = %s", [region_id])
    }
    evaluated = {v["patient_id"] for v in doc["visits"] if v["service"] != "evaluation"}
    clinician = principal_named(conn, f"clinician-{region_id}")
    assert clinician is not None, "the demo's clinician account is made first"
    cleared_on = min(day, date.today()) - timedelta(days=30)
    for n, visit in enumerate(doc["visits"]):
        if visit["patient_id"] not in patient_ids:
            patient = add_patient(
                conn,
                admin,
                NO_GEOCODER,
                region_id,
                {
                    "name": f"Patient {visit['patient_id']}",
                    "phone": f"+1 555 01{n:04d}"[:15],
                    "address": f"{100 + n} Demo St, {region_id.title()}, {state}",
                    "location": {"lat": visit["location"]["lat"], "lon": visit["location"]["lon"]},
                    "state": state,
                    "preferred_nurse_ids": [nurse_ids[p] for p in visit.get("preferred_nurses", [])],
                },
            )
            patient_ids[visit["patient_id"]] = patient["id"]
            if visit["patient_id"] in evaluated:
                record_evaluation(
                    conn, clinician, patient["id"], {"outcome": "cleared", "mode": "telehealth", "evaluated_on": cleared_on}
                )
        window = visit.get("window") or visit["windows"][0]
        add_visit(
            conn,
            admin,
            VisitRequest(
                patient_id=patient_ids[visit["patient_id"]],
                day=day,
                window_start=_time(window["start"]),
                window_end=_time(window["end"]),
                service=SERVICE_CODES[visit["service"]],
                priority=visit["priority"],
                duration_min=visit["duration_min"],
                pinned_nurse_id=nurse_ids.get(visit.get("pinned_nurse")),
            ),
        )

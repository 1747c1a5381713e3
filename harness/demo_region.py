"""A demo region in the database: a generated day's nurses, patients and visits, and three accounts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from psycopg import Connection

from dispatch.records.regions import add_region
from dispatch.records.users import add_user
from harness.generate import generate_day, metro_named

SERVICE_CODES = {"hydration": "hydration", "myers": "myers", "evaluation": "evaluation", "ketamine": "ketamine",
                 "nad": "nad", "urgent migraine ketamine": "ketamine"}
STATE_OF_METRO = {"denver": "CO", "phoenix": "AZ", "atlanta": "GA"}


@dataclass(frozen=True)
class DemoAccounts:
    admin: tuple[str, str]
    dispatcher: tuple[str, str]
    nurse: tuple[str, str]
    nurse_id: int


def _time(hhmm: str) -> time:
    return time.fromisoformat(hhmm)


def load_demo_region(conn: Connection, day: date, nurses: int = 30, visits: int = 200, seed: int = 1,
                     metro: str = "denver", password: str = "demo-password", region_id: str | None = None) -> DemoAccounts:
    """Region `metro` with a generated day on `day` and its demo accounts; a day already loaded is kept.

    Run again on a later day, the same nurses and patients get that day's shifts and visits.
    """
    region_id = region_id or metro
    state = STATE_OF_METRO[metro]
    with conn.transaction():
        if conn.execute("SELECT 1 FROM regions WHERE id = %s", [region_id]).fetchone() is None:
            add_region(conn, region_id, f"{metro.title()} metro", metro_named(metro).timezone)
        if conn.execute("SELECT 1 FROM visits WHERE region_id = %s AND day = %s", [region_id, day]).fetchone() is None:
            _load_day(conn, region_id, state, generate_day(nurses, visits, seed, day.isoformat(), metro), day)
        first_nurse = conn.execute("SELECT min(id) AS id FROM nurses WHERE region_id = %s", [region_id]).fetchone()["id"]
        accounts = DemoAccounts(("admin", password), (f"dispatcher-{region_id}", password),
                                (f"nurse-{first_nurse}", password), first_nurse)
        existing = {r["username"] for r in conn.execute("SELECT username FROM users")}
        if accounts.admin[0] not in existing:
            add_user(conn, "admin", password, "admin")
        if accounts.dispatcher[0] not in existing:
            add_user(conn, accounts.dispatcher[0], password, "dispatcher", [region_id])
        if accounts.nurse[0] not in existing:
            add_user(conn, accounts.nurse[0], password, "nurse", nurse_id=first_nurse)
    return accounts


def _load_day(conn: Connection, region_id: str, state: str, doc: dict, day: date) -> None:
    nurse_ids: dict[str, int] = {}
    known_nurses = [r["id"] for r in conn.execute("SELECT id FROM nurses WHERE region_id = %s ORDER BY id", [region_id])]
    for n, nurse in enumerate(doc["nurses"]):
        if n < len(known_nurses):  # the same seed draws the same nurses: give her this day's shift
            nurse_ids[nurse["id"]] = known_nurses[n]
            conn.execute("INSERT INTO nurse_shifts (nurse_id, day, starts, ends) VALUES (%s, %s, %s, %s)",
                         [known_nurses[n], day, _time(nurse["shift"]["start"]), _time(nurse["shift"]["end"])])
            continue
        brk = nurse.get("break")
        row = conn.execute(
            "INSERT INTO nurses (region_id, name, home_lat, home_lon, licensed_states, max_visits, break_start,"
            " break_end, break_minutes) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
            [region_id, nurse["name"], nurse["start"]["lat"], nurse["start"]["lon"], [state], nurse.get("max_visits"),
             brk and _time(brk["window"]["start"]), brk and _time(brk["window"]["end"]), brk and brk["duration_min"]],
        ).fetchone()
        nurse_ids[nurse["id"]] = row["id"]
        for skill in nurse["skills"]:
            conn.execute("INSERT INTO nurse_certifications (nurse_id, certification) VALUES (%s, %s)", [row["id"], skill])
        conn.execute("INSERT INTO nurse_shifts (nurse_id, day, starts, ends) VALUES (%s, %s, %s, %s)",
                     [row["id"], day, _time(nurse["shift"]["start"]), _time(nurse["shift"]["end"])])
    patient_ids = {r["name"].removeprefix("Patient "): r["id"] for r in conn.execute(
        "SELECT id, name FROM patients WHERE region_id = %s", [region_id])}
    evaluated = {v["patient_id"] for v in doc["visits"] if v["service"] != "evaluation"}
    for n, visit in enumerate(doc["visits"]):
        if visit["patient_id"] not in patient_ids:
            row = conn.execute(
                "INSERT INTO patients (region_id, name, phone, address, lat, lon, state, notes, evaluation_done,"
                " preferred_nurse_ids) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING id",
                [region_id, f"Patient {visit['patient_id']}", f"+1 555 01{n:04d}"[:15],
                 f"{100 + n} Demo St, {region_id.title()}, {state}", visit["location"]["lat"], visit["location"]["lon"],
                 state, "", visit["patient_id"] in evaluated,
                 [nurse_ids[p] for p in visit.get("preferred_nurses", [])]],
            ).fetchone()
            patient_ids[visit["patient_id"]] = row["id"]
        window = visit.get("window") or visit["windows"][0]
        conn.execute(
            "INSERT INTO visits (region_id, patient_id, day, window_start, window_end, service_code, duration_min,"
            " priority, pinned_nurse_id) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [region_id, patient_ids[visit["patient_id"]], day, _time(window["start"]), _time(window["end"]),
             SERVICE_CODES[visit["service"]], visit["duration_min"], visit["priority"],
             nurse_ids.get(visit.get("pinned_nurse"))],
        )

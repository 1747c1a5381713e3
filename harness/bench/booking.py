"""The booking benchmark: offers through the API on a busy week, a week of bookings then the nightly solves, and
50 callers racing for the last capacity of a morning.

Runs everything for real on this machine: embedded PostgreSQL in a fresh home, `nurse-dispatch serve` as its own
process (with its in-process worker), and this process as the callers. A region of N nurses with V visits a day
over D days (the demo generator, each day solved and its draft in force), then:

1. offers: `GET /v1/patients/{id}/offers?days=D` for random patients and services, timed by the client;
2. bookings: B offers taken one by one (the best each time), then each day solved again: how many taken offers
   are served inside the window offered, and every one that is not with the roster's reason;
3. the race: a small region with one nurse free 08:00–12:00 and patients next door (hour-long visits: four fit),
   C callers at once each asking offers and holding the first, asking again after a 409: how many win.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from datetime import time as clock_time
from pathlib import Path
from typing import Any

import httpx

from dispatch.clinical.evaluations import record_evaluation
from dispatch.platform.db import Db
from dispatch.platform.db.migrate import upgrade
from dispatch.platform.db.pool import open_pool
from dispatch.platform.db.server import start_embedded
from dispatch.records.nurses import add_nurse, set_shift
from dispatch.records.patients import add_patient
from dispatch.records.regions import add_region
from dispatch.records.users import add_user, principal_named
from harness.bench.processes import login, say, start_server, stop
from harness.demo_region import NO_GEOCODER, load_demo_region

PASSWORD = "demo-password"
SERVICES = ("hydration", "myers", "ketamine", "nad")
RACE_REGION = "race"
WEEK_REGION = "week"
RACE_CAPACITY = 4  # 08:00–12:00, hour-long visits, no driving


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def _load(
    conn: Db, first: date, days: int, nurses: int, visits: int, booked: int, bookings: int, callers: int, seed: int
) -> list[int]:
    """The offers region's days; the week region's days (`booked` visits a day before the bookings) and the patients
    who will book (cleared, near the region's patients); the race region."""
    for k in range(days):
        say(f"loading {first + timedelta(days=k)}: {nurses} nurses, {visits} visits (offers), {booked} (the week)")
        load_demo_region(conn, first + timedelta(days=k), nurses, visits, seed, region_id="denver")
        if bookings:
            load_demo_region(conn, first + timedelta(days=k), nurses, booked, seed + 1, region_id=WEEK_REGION)
    admin = principal_named(conn, "admin")
    clinician = principal_named(conn, f"clinician-{WEEK_REGION}")
    assert admin is not None
    places = [(r["lat"], r["lon"]) for r in conn.execute("SELECT lat, lon FROM patients WHERE region_id = %s", [WEEK_REGION])]
    rng = random.Random(seed)
    cleared = {"outcome": "cleared", "mode": "telehealth", "evaluated_on": date.today() - timedelta(days=7)}
    callers_ids = []
    with conn.transaction():
        for i in range(bookings):
            lat, lon = rng.choice(places)
            assert clinician is not None
            patient = add_patient(
                conn,
                admin,
                NO_GEOCODER,
                WEEK_REGION,
                {
                    "name": f"Caller {i}",
                    "location": {"lat": lat + rng.uniform(-0.01, 0.01), "lon": lon + rng.uniform(-0.01, 0.01)},
                    "state": "CO",
                },
            )
            record_evaluation(conn, clinician, patient["id"], cleared)
            callers_ids.append(patient["id"])
        add_region(conn, RACE_REGION, "Race", "America/Denver")
        add_user(conn, f"dispatcher-{RACE_REGION}", PASSWORD, "dispatcher", [RACE_REGION])
        add_user(conn, f"clinician-{RACE_REGION}", PASSWORD, "clinician", [RACE_REGION])
        race_clinician = principal_named(conn, f"clinician-{RACE_REGION}")
        assert race_clinician is not None
        nurse = add_nurse(
            conn,
            admin,
            RACE_REGION,
            {
                "name": "Ana",
                "home": {"lat": 39.75, "lon": -104.98},
                "licensed_states": ["CO"],
                "certifications": [{"name": "rn"}, {"name": "iv"}],
            },
        )
        set_shift(conn, admin, nurse["id"], first, clock_time(8, 0), clock_time(12, 0))
        for i in range(callers):
            patient = add_patient(
                conn,
                admin,
                NO_GEOCODER,
                RACE_REGION,
                {"name": f"Racer {i}", "location": {"lat": 39.75, "lon": -104.98}, "state": "CO"},
            )
            record_evaluation(conn, race_clinician, patient["id"], cleared)
    return callers_ids


def _solve_days(client: httpx.Client, region: str, first: date, days: int, time_limit: float) -> dict[str, dict]:
    """Each day solved (one after the other on the server's worker); the drafts, by date."""
    rosters = {}
    for k in range(days):
        day = first + timedelta(days=k)
        job = client.post(f"/v1/regions/{region}/rosters/{day}/solve", json={"time_limit_s": time_limit}).json()
        while job["state"] in ("queued", "running"):
            time.sleep(0.2)
            job = client.get(f"/v1/jobs/{job['id']}").json()
        if job["state"] != "succeeded":
            raise SystemExit(f"the solve of {day} failed: {job.get('error')}")
        rosters[str(day)] = client.get(f"/v1/rosters/{job['roster_id']}").json()
    return rosters


def _offers_timed(client: httpx.Client, patients: list[int], first: date, days: int, requests: int, seed: int) -> dict:
    rng = random.Random(seed)
    timings, counts, errors, reasons = [], [], Counter(), Counter()
    started = time.perf_counter()
    client.get(f"/v1/patients/{patients[0]}/offers", params={"service": "hydration", "from": str(first), "days": days})
    cold = time.perf_counter() - started  # the days read for the first time since the server started
    for _ in range(requests):
        params = {"service": rng.choice(SERVICES), "from": str(first), "days": days}
        started = time.perf_counter()
        answer = client.get(f"/v1/patients/{rng.choice(patients)}/offers", params=params)
        timings.append(time.perf_counter() - started)
        if answer.status_code != 200:
            errors[answer.status_code] += 1
            continue
        counts.append(len(answer.json()["offers"]))
        reasons.update(d["reason"].split(":")[0] for d in answer.json()["days_without"])
    return {
        "offers_requests": requests,
        "offers_ms_first": round(cold * 1000, 1),
        "offers_ms_p50": round(statistics.median(timings) * 1000, 1),
        "offers_ms_p95": round(_percentile(timings, 0.95) * 1000, 1),
        "offers_ms_max": round(max(timings) * 1000, 1),
        "offers_per_answer_mean": round(statistics.mean(counts), 2) if counts else 0,
        "offers_errors": dict(errors),
        "offers_days_without": dict(reasons),
    }


def _book_week(client: httpx.Client, callers: list[int], first: date, days: int, seed: int) -> tuple[list[dict], dict]:
    """Each caller takes the best offer for a random service; what was booked, and what happened otherwise."""
    rng = random.Random(seed + 1)
    booked, outcomes, timings = [], Counter(), []
    for patient_id in callers:
        service = rng.choice(SERVICES)
        started = time.perf_counter()
        answer = client.get(f"/v1/patients/{patient_id}/offers", params={"service": service, "from": str(first), "days": days})
        timings.append(time.perf_counter() - started)
        if answer.status_code != 200:
            outcomes[f"offers {answer.status_code}"] += 1
            continue
        offers = answer.json()["offers"]
        if not offers:
            outcomes["no offer"] += 1
            continue
        offer = offers[0]
        taken = client.post(f"/v1/offers/{offer['id']}/take")
        if taken.status_code != 201:
            outcomes[f"take {taken.status_code}"] += 1
            continue
        outcomes["taken"] += 1
        visit = taken.json()
        booked.append({"visit_id": visit["id"], "date": visit["date"], "window": visit["window"], "nurse_id": offer["nurse_id"]})
    # Each booking changes a day, so the next caller's offers read that day afresh (the others are kept).
    outcomes["offers_ms_p50"] = round(statistics.median(timings) * 1000, 1)
    outcomes["offers_ms_p95"] = round(_percentile(timings, 0.95) * 1000, 1)
    return booked, dict(outcomes)


def _served(booked: list[dict], rosters: dict[str, dict]) -> dict:
    """Of the taken offers, how many the day's roster serves inside the window offered; each other one with its reason."""
    inside, outside = 0, []
    for b in booked:
        roster = rosters[b["date"]]["roster"]
        stops = {s["visit_id"]: s for r in roster["routes"] for s in r["stops"]}
        stop = stops.get(str(b["visit_id"]))
        if stop is not None and b["window"]["start"][:5] <= stop["start"][11:16] <= b["window"]["end"][:5]:
            inside += 1
            continue
        reason = next((u["reason"] for u in roster["unassigned"] if u["visit_id"] == str(b["visit_id"])), None)
        outside.append(
            {
                "visit_id": b["visit_id"],
                "date": b["date"],
                "window": f"{b['window']['start'][:5]}–{b['window']['end'][:5]}",
                "served_at": stop and stop["start"][11:16],
                "reason": reason or ("served outside its window" if stop else "MISSING: neither served nor listed"),
            }
        )
    return {
        "taken": len(booked),
        "served_inside_window": inside,
        "served_inside_share": round(inside / len(booked), 4) if booked else None,
        "not_inside": outside,
        "silently_dropped": sum(1 for o in outside if o["reason"].startswith("MISSING")),
    }


def _race(base: str, first: date, callers: int, conn_url: str) -> dict:
    token = login(base, f"dispatcher-{RACE_REGION}", PASSWORD)
    headers = {"Authorization": f"Bearer {token}"}
    patients = httpx.get(f"{base}/v1/regions/{RACE_REGION}/patients", headers=headers).json()
    statuses: Counter[int] = Counter()
    won: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(len(patients))

    def call(patient: dict) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=120) as client:
            barrier.wait()
            for _ in range(20):
                offers = client.get(
                    f"/v1/patients/{patient['id']}/offers", params={"service": "hydration", "from": str(first), "days": 1}
                )
                with lock:
                    statuses[offers.status_code] += 1
                if offers.status_code != 200 or not offers.json()["offers"]:
                    return
                held = client.post(f"/v1/offers/{offers.json()['offers'][0]['id']}/hold")
                with lock:
                    statuses[held.status_code] += 1
                if held.status_code != 200:
                    continue
                taken = client.post(f"/v1/offers/{held.json()['id']}/take")
                with lock:
                    statuses[taken.status_code] += 1
                    if taken.status_code == 201:
                        won.append(taken.json()["id"])
                return

    threads = [threading.Thread(target=call, args=(p,)) for p in patients[:callers]]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    pool = open_pool(conn_url, 1)
    with pool.connection() as conn:
        reserved = conn.execute(
            "SELECT lower(reserved) AS starts, upper(reserved) AS ends FROM offer_sessions WHERE region_id = %s AND reserving"
            " ORDER BY 1",
            [RACE_REGION],
        ).fetchall()
        visits = conn.execute("SELECT count(*) AS n FROM visits WHERE region_id = %s", [RACE_REGION]).fetchone()["n"]
    pool.close()
    overlaps = sum(1 for a, b in zip(reserved, reserved[1:], strict=False) if b["starts"] < a["ends"])
    return {
        "race_callers": callers,
        "race_capacity": RACE_CAPACITY,
        "race_won": len(won),
        "race_visits_booked": visits,
        "race_statuses": {str(k): v for k, v in sorted(statuses.items())},
        "race_5xx": sum(v for k, v in statuses.items() if k >= 500),
        "race_overlapping_reservations": overlaps,
        "race_s": round(elapsed, 2),
    }


def run_booking_bench(
    nurses: int,
    visits: int,
    booked: int,
    days: int,
    requests: int,
    bookings: int,
    callers: int,
    time_limit: float,
    port: int,
    seed: int = 1,
) -> int:
    home = Path(tempfile.mkdtemp(prefix="nurse-dispatch-booking-"))
    url = start_embedded(home / "pgdata")
    upgrade(url)
    first = date.today() + timedelta(days=1)
    pool = open_pool(url, 1)
    with pool.connection() as conn:
        booking_patients = _load(conn, first, days, nurses, visits, booked, bookings, callers, seed)
        region_patients = [r["id"] for r in conn.execute("SELECT id FROM patients WHERE region_id = 'denver' ORDER BY id")]
    pool.close()
    server, base = start_server(home, port)
    result: dict[str, Any] = {
        "nurses": nurses,
        "visits_per_day": visits,
        "days": days,
        "time_limit_s": time_limit,
        "week_booked_per_day": booked,
        "load_at_start": os.getloadavg()[0],
    }
    try:
        client = httpx.Client(
            base_url=base, timeout=120, headers={"Authorization": f"Bearer {login(base, 'dispatcher-denver', PASSWORD)}"}
        )
        say(f"solving {days} days ({time_limit:g} s each): the drafts offers build on")
        _solve_days(client, "denver", first, days, time_limit)
        say(f"offers: {requests} requests over {days} days, one at a time, from this process")
        result |= _offers_timed(client, region_patients, first, days, requests, seed)
        say(json.dumps(result))
        if callers:
            say(f"the race: {callers} callers at once for {RACE_CAPACITY} hours of one nurse")
            result |= _race(base, first, callers, url)
            say(json.dumps({k: v for k, v in result.items() if k.startswith("race")}))
        if bookings:
            week = httpx.Client(
                base_url=base,
                timeout=120,
                headers={"Authorization": f"Bearer {login(base, f'dispatcher-{WEEK_REGION}', PASSWORD)}"},
            )
            say(f"a week of bookings: {days} days of {booked} visits solved, {bookings} offers taken one by one, solved again")
            _solve_days(week, WEEK_REGION, first, days, time_limit)
            taken, outcomes = _book_week(week, booking_patients, first, days, seed)
            result["bookings"] = outcomes
            result |= _served(taken, _solve_days(week, WEEK_REGION, first, days, time_limit))
    finally:
        stop([server], timeout=30)
    print(json.dumps(result, default=str))
    return 0

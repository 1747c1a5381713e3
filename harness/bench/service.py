"""The service benchmark: time from a solve request to the draft roster, itinerary requests under load, and
re-planning through the API (an urgent visit's slots, taking one, a sick call to its re-planned draft).

Runs everything for real on this machine: embedded PostgreSQL in a fresh home, `nurse-dispatch serve`
as its own process (with its in-process worker), and the load generator as a second process.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from dispatch.platform.db.migrate import upgrade
from dispatch.platform.db.pool import open_pool
from dispatch.platform.db.server import start_embedded
from harness.bench.processes import login, say, start_server, stop
from harness.demo_region import load_demo_region

BENCH_DAY = date(2026, 12, 1)


def run_service_bench(
    nurses: int, visits: int, time_limit: float, seconds: float, connections: int, port: int, seed: int = 1
) -> int:
    home = Path(tempfile.mkdtemp(prefix="nurse-dispatch-bench-"))
    url = start_embedded(home / "pgdata")
    upgrade(url)
    pool = open_pool(url, 1)
    with pool.connection() as conn:
        accounts = load_demo_region(conn, BENCH_DAY, nurses, visits, seed)
    pool.close()
    server, base = start_server(home, port)
    try:
        dispatcher = httpx.Client(
            base_url=base, timeout=60, headers={"Authorization": f"Bearer {login(base, *accounts.dispatcher)}"}
        )
        say(f"{nurses} nurses / {visits} visits: solve request → draft, time limit {time_limit:g} s")
        started = time.perf_counter()
        job = dispatcher.post(f"/v1/regions/denver/rosters/{BENCH_DAY}/solve", json={"time_limit_s": time_limit}).json()
        while job["state"] in ("queued", "running"):
            time.sleep(0.1)
            job = dispatcher.get(f"/v1/jobs/{job['id']}").json()
        to_draft = time.perf_counter() - started
        if job["state"] != "succeeded":
            raise SystemExit(f"the solve failed: {job['error']}")
        roster = dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()
        kpis = roster["kpis"]
        dispatcher.post(f"/v1/rosters/{roster['id']}/publish", headers={"If-Match": f'"{roster["revision"]}"'}).raise_for_status()
        nurse_token = login(base, *accounts.nurse)
        stops = len(
            httpx.get(f"{base}/v1/me/itinerary?date={BENCH_DAY}", headers={"Authorization": f"Bearer {nurse_token}"}).json()[
                "stops"
            ]
        )
        say(f"itinerary under load: {connections} connections for {seconds:g} s from a second process ({stops} stops)")
        loaded = subprocess.run(
            [
                sys.executable,
                "-m",
                "harness.bench.load",
                f"{base}/v1/me/itinerary?date={BENCH_DAY}",
                nurse_token,
                "--seconds",
                str(seconds),
                "--connections",
                str(connections),
            ],
            capture_output=True,
            text=True,
            check=True,
        )
        load = json.loads(loaded.stdout)
        say("re-planning at 10:40: urgent slots, taking the best, then a sick call")
        replanning = _replanning(dispatcher, roster)
    finally:
        stop([server], timeout=30)
    result = {
        "nurses": nurses,
        "visits": visits,
        "time_limit_s": time_limit,
        "request_to_draft_s": round(to_draft, 2),
        "solver_s": kpis["solve_time_s"],
        "assigned": kpis["assigned"],
        "unassigned": kpis["unassigned"],
        "itinerary_stops": stops,
        **{f"itinerary_{k}": v for k, v in load.items()},
        **replanning,
    }
    print(json.dumps(result))
    return 0


def _replanning(dispatcher: httpx.Client, roster: dict, repeats: int = 5) -> dict:
    """Wall times seen by the dispatcher's client, and what the sick call's re-plan changed."""
    region = roster["region_id"]
    patient = dispatcher.post(
        f"/v1/regions/{region}/patients",
        json={"name": "Urgent migraine", "location": {"lat": 39.74, "lon": -104.98}, "state": "CO"},
    )
    # A prescriber cleared her (by telehealth) before the dispatcher books her infusion: the demo's clinician.
    clinician_token = login(str(dispatcher.base_url).rstrip("/"), f"clinician-{region}", "demo-password")
    cleared = httpx.post(
        f"{str(dispatcher.base_url).rstrip('/')}/v1/patients/{patient.json()['id']}/evaluations",
        json={"outcome": "cleared", "mode": "telehealth", "evaluated_on": str(min(BENCH_DAY, date.today()) - timedelta(days=1))},
        headers={"Authorization": f"Bearer {clinician_token}"},
    )
    assert cleared.status_code == 201, cleared.text
    visit = dispatcher.post(
        "/v1/visits",
        json={
            "patient_id": patient.json()["id"],
            "date": str(BENCH_DAY),
            "service": "ketamine",
            "window": {"start": "10:40", "end": "13:40"},
            "priority": 10,
        },
    ).json()
    timings, slots = [], []
    for _ in range(repeats):
        started = time.perf_counter()
        slots = dispatcher.get(f"/v1/visits/{visit['id']}/slots", params={"as_of": "10:40"}).json()["slots"]
        timings.append(time.perf_counter() - started)
    best = slots[0]
    started = time.perf_counter()
    taken = dispatcher.post(
        f"/v1/visits/{visit['id']}/slots/take",
        json={
            "nurse_id": best["nurse_id"],
            "position": best["position"],
            "bumped": [b["visit_id"] for b in best["bumped"]],
            "as_of": "10:40",
            "publish": True,
        },
    )
    take_s = time.perf_counter() - started
    taken.raise_for_status()
    published = taken.json()
    busiest = max(published["roster"]["routes"], key=lambda route: len(route["stops"]))["nurse_id"]
    started = time.perf_counter()
    job = dispatcher.post(f"/v1/nurses/{busiest}/sick-calls", json={"date": str(BENCH_DAY), "at": "10:40"}).json()["job"]
    while job["state"] in ("queued", "running"):
        time.sleep(0.1)
        job = dispatcher.get(f"/v1/jobs/{job['id']}").json()
    sick_s = time.perf_counter() - started
    changes = dispatcher.get(f"/v1/rosters/{job['roster_id']}/compare", params={"tolerance_min": 30}).json()
    moved = sum(len(n["added"]) for n in changes["nurses"] if n["nurse_id"] != int(busiest))
    return {
        "urgent_slots_ms_median": round(statistics.median(timings) * 1000, 1),
        "urgent_slots_ms_max": round(max(timings) * 1000, 1),
        "urgent_slots": len(slots),
        "take_slot_and_publish_s": round(take_s, 2),
        "sick_call_to_draft_s": round(sick_s, 2),
        "sick_call_visits_given_to_others": moved,
        "sick_call_visits_retimed_beyond_30_min": sum(len(n["retimed"]) for n in changes["nurses"]),
        "sick_call_newly_unassigned": len(changes["newly_unassigned"]),
    }

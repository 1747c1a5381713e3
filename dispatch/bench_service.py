"""The service benchmark: time from a solve request to the draft roster, and itinerary requests under load.

Runs everything for real on this machine: embedded PostgreSQL in a fresh home, `nurse-dispatch serve`
as its own process (with its in-process worker), and the load generator as a second process.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import httpx

from dispatch.db.migrate import upgrade
from dispatch.db.pool import open_pool
from dispatch.db.server import start_embedded
from dispatch.demo_region import load_demo_region

BENCH_DAY = date(2026, 12, 1)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _wait_ready(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise SystemExit("the server did not become ready")


def _login(base: str, username: str, password: str) -> str:
    return httpx.post(f"{base}/v1/auth/token", data={"username": username, "password": password}).json()["access_token"]


def run_service_bench(nurses: int, visits: int, time_limit: float, seconds: float, connections: int, port: int,
                      seed: int = 1) -> int:
    home = Path(tempfile.mkdtemp(prefix="nurse-dispatch-bench-"))
    url = start_embedded(home / "pgdata")
    upgrade(url)
    pool = open_pool(url, 1)
    with pool.connection() as conn:
        accounts = load_demo_region(conn, BENCH_DAY, nurses, visits, seed)
    pool.close()
    env = {**os.environ, "NURSE_DISPATCH_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen([sys.executable, "-m", "dispatch.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_ready(base, server)
        dispatcher = httpx.Client(base_url=base, timeout=60,
                                  headers={"Authorization": f"Bearer {_login(base, *accounts.dispatcher)}"})
        _say(f"{nurses} nurses / {visits} visits: solve request → draft, time limit {time_limit:g} s")
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
        dispatcher.post(f"/v1/rosters/{roster['id']}/publish", headers={"If-Match": f'"{roster["revision"]}"'}
                        ).raise_for_status()
        nurse_token = _login(base, *accounts.nurse)
        stops = len(httpx.get(f"{base}/v1/me/itinerary?date={BENCH_DAY}",
                              headers={"Authorization": f"Bearer {nurse_token}"}).json()["stops"])
        _say(f"itinerary under load: {connections} connections for {seconds:g} s from a second process ({stops} stops)")
        loaded = subprocess.run(
            [sys.executable, "-m", "dispatch.load_itinerary", f"{base}/v1/me/itinerary?date={BENCH_DAY}", nurse_token,
             "--seconds", str(seconds), "--connections", str(connections)],
            capture_output=True, text=True, check=True)
        load = json.loads(loaded.stdout)
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = {"nurses": nurses, "visits": visits, "time_limit_s": time_limit, "request_to_draft_s": round(to_draft, 2),
              "solver_s": kpis["solve_time_s"], "assigned": kpis["assigned"], "unassigned": kpis["unassigned"],
              "itinerary_stops": stops, **{f"itinerary_{k}": v for k, v in load.items()}}
    print(json.dumps(result))
    return 0

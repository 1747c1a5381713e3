"""`bench plans`: one region's week plan on 1, 2, 4… worker processes, everything real on this machine.

A fresh embedded PostgreSQL holding one region with the same generated day of visits (seed 1) on each of
the horizon's days (harness.demo_region: the same nurses and patients every day, fixed-date visits, no
courses: this measures how the plan's days fan out, not the plan's quality), `nurse-dispatch serve` without a worker of its own,
and N `nurse-dispatch worker` processes. For each N the plan is requested through the API and the clock
stops when it has succeeded; the plan job routes each day as its own job (dispatch/jobs/plans.py), so
with more workers more days are routed at once. The plan's time limit is the same for every N: each
day's solve gets its share of it, so the wall time falls with N while each day's search gets the same
wall time but, once N exceeds the cores, less of a core.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from dispatch.platform.db.migrate import upgrade
from dispatch.platform.db.pool import open_pool
from dispatch.platform.db.server import start_embedded
from dispatch.records.users import add_user
from harness.bench.processes import login, say, start_server, start_workers, stop
from harness.demo_region import load_demo_region

FIRST_MONDAY = date(2026, 12, 7)
REGION = "denver"


def weekdays(first: date, count: int) -> list[date]:
    days, day = [], first
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def run_plans_bench(nurses: int, visits: int, days: int, time_limit: float, worker_counts: list[int], port: int) -> int:
    home = Path(tempfile.mkdtemp(prefix="nurse-dispatch-plans-"))
    url = start_embedded(home / "pgdata")
    upgrade(url)
    horizon = weekdays(FIRST_MONDAY, days)
    pool = open_pool(url, 1)
    say(f"loading {nurses} nurses and {visits} visits on each of {days} days")
    with pool.connection() as conn:
        for day in horizon:
            load_demo_region(conn, day, nurses, visits, seed=1, region_id=REGION)  # one seed: her break fits every day's shift
        add_user(conn, "bench", "bench-password", "dispatcher", [REGION])
    pool.close()
    server, base = start_server(home, port, own_worker=False)
    results = []
    try:
        token = login(base, "bench", "bench-password")
        client = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"})
        for count in worker_counts:
            workers = start_workers(home, count, f"w{count}-")
            try:
                say(f"{count} worker(s): a plan of {days} days × {visits} visits, {time_limit:g} s")
                load = os.getloadavg()[0]
                started = time.perf_counter()
                body = {
                    "from": FIRST_MONDAY.isoformat(),
                    "days": (horizon[-1] - FIRST_MONDAY).days + 1,
                    "time_limit_s": time_limit,
                }
                answer = client.post(f"/v1/regions/{REGION}/plans", json=body)
                answer.raise_for_status()
                plan = answer.json()
                while plan["state"] in ("queued", "running"):
                    time.sleep(0.5)
                    plan = client.get(f"/v1/plans/{plan['id']}").json()
                wall = time.perf_counter() - started
            finally:
                stop(workers)
            summary = plan.get("summary") or {}
            row = {
                "workers": count,
                "days": days,
                "visits": summary.get("visits"),
                "time_limit_s": time_limit,
                "state": plan["state"],
                "wall_s": round(wall, 1),
                "unassigned": summary.get("unassigned"),
                "unassigned_weight": summary.get("unassigned_priority_weight"),
                "days_per_worker": _days_per_worker(url, plan["id"]),
                "load": round(load, 1),
            }
            results.append(row)
            print(json.dumps(row), flush=True)
    finally:
        stop([server], timeout=30)
    return 0 if all(r["state"] == "succeeded" for r in results) else 1


def _days_per_worker(url: str, plan_id: int) -> dict[str, int]:
    """How many of the plan's days each worker routed (plan_days.worker)."""
    pool = open_pool(url, 1)
    try:
        with pool.connection() as conn:
            rows = conn.execute("SELECT worker, count(*) AS n FROM plan_days WHERE plan_id = %s GROUP BY worker", [plan_id])
            return {row["worker"]: row["n"] for row in rows}
    finally:
        pool.close()

"""Solve throughput with 1, 2, 4… worker processes over many regions, everything real on this machine.

A fresh embedded PostgreSQL, `nurse-dispatch serve` without a worker of its own, N `nurse-dispatch
worker` processes; every region's solve is requested at once and the clock stops when the last
job has succeeded.
"""

from __future__ import annotations

import json
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

FIRST_DAY = date(2026, 12, 1)


def run_throughput(regions: int, nurses: int, visits: int, time_limit: float, worker_counts: list[int], port: int) -> int:
    home = Path(tempfile.mkdtemp(prefix="nurse-dispatch-throughput-"))
    url = start_embedded(home / "pgdata")
    upgrade(url)
    region_ids = [f"region-{k:02d}" for k in range(regions)]
    days = [FIRST_DAY + timedelta(days=d) for d in range(len(worker_counts))]
    pool = open_pool(url, 1)
    with pool.connection() as conn:
        for k, region_id in enumerate(region_ids):
            for day in days:  # the same region's nurses and patients, a day for each run
                load_demo_region(conn, day, nurses, visits, seed=k + 1, region_id=region_id)
        add_user(conn, "bench", "bench-password", "dispatcher", region_ids)
    pool.close()
    server, base = start_server(home, port, own_worker=False)
    results = []
    try:
        token = login(base, "bench", "bench-password")
        client = httpx.Client(base_url=base, timeout=60, headers={"Authorization": f"Bearer {token}"})
        for count, day in zip(worker_counts, days, strict=True):
            workers = start_workers(home, count, "w")
            try:
                say(f"{count} worker(s): {regions} regions of {nurses} nurses / {visits} visits, {time_limit:g} s each")
                started = time.perf_counter()
                jobs = [
                    client.post(f"/v1/regions/{r}/rosters/{day}/solve", json={"time_limit_s": time_limit}).json()
                    for r in region_ids
                ]
                done = []
                for job in jobs:
                    while job["state"] in ("queued", "running"):
                        time.sleep(0.2)
                        job = client.get(f"/v1/jobs/{job['id']}").json()
                    done.append(job)
                wall = time.perf_counter() - started
            finally:
                stop(workers)
            failed = [j for j in done if j["state"] != "succeeded"]
            unassigned = [j["progress"].get("unassigned", 0) for j in done if j["state"] == "succeeded"]
            row = {
                "workers": count,
                "regions": regions,
                "time_limit_s": time_limit,
                "wall_s": round(wall, 1),
                "solves_per_minute": round(60 * len(done) / wall, 2),
                "failed": len(failed),
                "mean_unassigned": round(sum(unassigned) / max(1, len(unassigned)), 1),
            }
            results.append(row)
            print(json.dumps(row), flush=True)
    finally:
        stop([server], timeout=30)
    return 0 if all(r["failed"] == 0 for r in results) else 1

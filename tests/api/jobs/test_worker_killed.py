"""A worker killed with SIGKILL in the middle of a solve: its job is taken up again, never stuck, never half-written."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import psutil
import psycopg
from psycopg.rows import dict_row

from tests.api.compose import service_command
from tests.api.conftest import Region, busy_region

HEARTBEAT_S, STALLED_AFTER_S = 0.5, 3.0


def _worker(tmp_path, name: str) -> subprocess.Popen:
    env = {
        **os.environ,
        "NURSE_DISPATCH_HOME": str(tmp_path),
        "NURSE_DISPATCH_WORKER_HEARTBEAT_S": str(HEARTBEAT_S),
        "NURSE_DISPATCH_STALLED_AFTER_S": str(STALLED_AFTER_S),
    }
    env.pop("DATABASE_URL", None)
    return subprocess.Popen(
        [*service_command("worker"), "--name", name], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _state(region: Region, job: dict) -> dict:
    return region.dispatcher.get(f"/v1/jobs/{job['id']}").json()


def test_a_solve_whose_worker_is_killed_is_run_again_by_another(server_without_worker, tmp_path):
    base_url, database = server_without_worker
    with psycopg.connect(database, autocommit=True, row_factory=dict_row) as db:
        region = busy_region(base_url, db, nurses=4, visits=20)
        doomed = _worker(tmp_path, "doomed")
        try:
            job = region.solve(time_limit_s=6)
            deadline = time.monotonic() + 60
            while not _state(region, job)["progress"]:  # running, and its solver has reported
                assert time.monotonic() < deadline, "the solve never started"
                time.sleep(0.1)
            solver_processes = psutil.Process(doomed.pid).children(recursive=True)
            assert solver_processes, "the solve runs in a child process"
            doomed.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            doomed.wait(timeout=10)
            gone, alive = psutil.wait_procs(solver_processes, timeout=10)
            assert not alive, "the killed worker's solver process lives on"
        finally:
            if doomed.poll() is None:
                doomed.kill()

        survivor = _worker(tmp_path, "survivor")
        try:
            state = _state(region, job)
            while state["attempts"] < 2:
                assert time.monotonic() - killed_at < 60, f"the job was not taken up again: {state}"
                assert state["state"] in ("queued", "running")
                time.sleep(0.2)
                state = _state(region, job)
            taken_up_after = time.monotonic() - killed_at
            done = region.wait(state, timeout=60)
            finished_after = time.monotonic() - killed_at
        finally:
            survivor.terminate()
            survivor.wait(timeout=30)
        assert done["state"] == "succeeded" and done["attempts"] == 2, done
        drafts = db.execute("SELECT id FROM rosters WHERE region_id = %s", [region.id]).fetchall()
        assert [d["id"] for d in drafts] == [done["roster_id"]]  # one roster, written once
        stops = db.execute("SELECT count(*) AS n FROM roster_stops WHERE roster_id = %s", [done["roster_id"]]).fetchone()
        kpis = region.dispatcher.get(f"/v1/rosters/{done['roster_id']}").json()["kpis"]
        assert stops["n"] == kpis["assigned"] > 0  # every stop of the roster document was stored
        print(
            f"\nworker killed mid-solve: job taken up again after {taken_up_after:.1f} s, "
            f"finished {finished_after:.1f} s after the kill (heartbeat {HEARTBEAT_S} s, stalled after {STALLED_AFTER_S} s)"
        )

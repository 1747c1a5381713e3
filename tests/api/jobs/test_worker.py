"""`nurse-dispatch worker` in a process of its own takes the solves a server without a worker queues."""

from __future__ import annotations

import os
import subprocess
import time

import psycopg
from psycopg.rows import dict_row

from dispatch.records.users import add_user
from tests.api.compose import service_command
from tests.api.conftest import PASSWORD, Region, login


def test_a_separate_worker_process_runs_the_queued_solve(server_without_worker, tmp_path):
    base_url, database = server_without_worker
    with psycopg.connect(database, autocommit=True, row_factory=dict_row) as db:
        add_user(db, "admin", PASSWORD, "admin")
        region = Region(base_url, login(base_url, "admin"), db)
        region.nurse()
        region.visit(region.patient()["id"])
        job = region.solve(time_limit_s=1)
        time.sleep(1.5)
        assert region.dispatcher.get(f"/v1/jobs/{job['id']}").json()["state"] == "queued"  # no worker yet

        env = {**os.environ, "NURSE_DISPATCH_HOME": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        worker = subprocess.Popen(
            [*service_command("worker"), "--name", "test-worker"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            done = region.wait(job, timeout=60)
        finally:
            worker.terminate()
            _, log = worker.communicate(timeout=30)
        assert done["state"] == "succeeded", done
        assert region.dispatcher.get(f"/v1/rosters/{done['roster_id']}").json()["kpis"]["assigned"] == 1
        assert '"logger": "procrastinate.worker' in log and "test-worker" in log
        assert worker.returncode == 0  # SIGTERM stops it gracefully

"""A worker asked to stop (SIGTERM, e.g. `docker compose stop`) finishes the solve it holds, then exits."""

from __future__ import annotations

import os
import signal
import subprocess
import time

import psycopg
from psycopg.rows import dict_row

from tests.api.compose import service_command
from tests.api.conftest import busy_region


def test_a_stopping_worker_finishes_its_solve_first(server_without_worker, tmp_path):
    base_url, database = server_without_worker
    with psycopg.connect(database, autocommit=True, row_factory=dict_row) as db:
        region = busy_region(base_url, db, nurses=3, visits=12)
        env = {**os.environ, "NURSE_DISPATCH_HOME": str(tmp_path)}
        env.pop("DATABASE_URL", None)
        worker = subprocess.Popen(
            [*service_command("worker"), "--name", "stopping"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            job = region.solve(time_limit_s=5)
            deadline = time.monotonic() + 60
            while not region.dispatcher.get(f"/v1/jobs/{job['id']}").json()["progress"]:
                assert time.monotonic() < deadline, "the solve never started"
                time.sleep(0.1)
            worker.send_signal(signal.SIGTERM)
            asked_at = time.monotonic()
            worker.wait(timeout=60)
            stopped_after = time.monotonic() - asked_at
        finally:
            if worker.poll() is None:
                worker.kill()
        done = region.dispatcher.get(f"/v1/jobs/{job['id']}").json()
        assert done["state"] == "succeeded" and done["attempts"] == 1, done
        assert worker.returncode == 0
        assert stopped_after < 30

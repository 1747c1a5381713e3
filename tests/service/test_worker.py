"""`nurse-dispatch worker` in a process of its own takes the solves a server without a worker queues."""

from __future__ import annotations

import os
import subprocess
import threading
import time

import psycopg
import pytest
import uvicorn
from psycopg.rows import dict_row

from api.app import create_app
from dispatch.db.server import start_embedded
from dispatch.settings import Settings
from dispatch.users import add_user
from tests.service.compose import service_command
from tests.service.conftest import PASSWORD, Region, free_port, login


@pytest.fixture
def server_without_worker(tmp_path):
    settings = Settings(home=tmp_path, embedded_worker=False, geocoder="none")
    url = start_embedded(tmp_path / "pgdata")
    server = uvicorn.Server(uvicorn.Config(create_app(settings), host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        assert thread.is_alive()
        time.sleep(0.05)
    yield f"http://127.0.0.1:{server.config.port}", url
    server.should_exit = True
    thread.join(timeout=15)


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
        worker = subprocess.Popen([*service_command("worker"), "--name", "test-worker"], env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        try:
            done = region.wait(job, timeout=60)
        finally:
            worker.terminate()
            _, log = worker.communicate(timeout=30)
        assert done["state"] == "succeeded", done
        assert region.dispatcher.get(f"/v1/rosters/{done['roster_id']}").json()["kpis"]["assigned"] == 1
        assert '"logger": "procrastinate.worker' in log and "test-worker" in log
        assert worker.returncode == 0  # SIGTERM stops it gracefully

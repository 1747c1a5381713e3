"""docker-compose.yml stays honest: its services run commands that exist and that these tests run."""

from __future__ import annotations

import os
import subprocess
import time

import httpx
import pytest

from cli.main import _parser
from tests.api.compose import COMPOSE, service_command
from tests.api.conftest import free_port


@pytest.mark.parametrize("service", [name for name, spec in COMPOSE["services"].items() if "command" in spec])
def test_every_compose_command_is_a_real_command(service):
    command = COMPOSE["services"][service]["command"]
    assert command[0] == "nurse-dispatch"
    _parser().parse_args(command[1:])  # exits (fails the test) on an unknown command or option


def test_the_api_service_serves_against_an_external_database(database):
    """As in production: DATABASE_URL set, so no embedded server and no in-process worker."""
    port = str(free_port())
    env = {**os.environ, "DATABASE_URL": database, "NURSE_DISPATCH_SECRET_KEY": "compose-test-key"}
    api = subprocess.Popen(
        service_command("api", port=port), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert api.poll() is None, api.stderr.read()
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the API did not become ready in 60 s"
            time.sleep(0.2)
        healthcheck = COMPOSE["services"]["api"]["healthcheck"]["test"]
        probe = [arg.replace("8000", port) for arg in healthcheck[1:]]
        assert probe[0] == "python"
        assert subprocess.run(["python3", *probe[1:]], timeout=30).returncode == 0
    finally:
        api.terminate()
        _, log = api.communicate(timeout=30)
    # uvicorn shuts down gracefully, then re-raises SIGTERM so the exit status tells how it ended.
    assert "Application shutdown complete" in log
    assert "in-process solve worker" not in log


def test_the_scheduler_service_reads_the_schedules_and_stops_cleanly(database, region):
    schedule = region.dispatcher.post(f"/v1/regions/{region.id}/schedules", json={"local_time": "18:00"}).json()
    env = {**os.environ, "DATABASE_URL": database}
    scheduler = subprocess.Popen(
        service_command("scheduler"), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        time.sleep(4)
        assert scheduler.poll() is None, scheduler.stderr.read()
    finally:
        scheduler.terminate()
        _, log = scheduler.communicate(timeout=30)
    assert scheduler.returncode == 0
    assert f"schedule {schedule['id']}: solves at 18:00:00 America/Denver" in log

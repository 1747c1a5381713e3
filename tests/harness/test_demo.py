"""The main job: `nurse-dispatch demo` starts everything, solves and publishes, and its printed logins work."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import httpx

from tests.api.conftest import free_port


def _read_until(process: subprocess.Popen, marker: str, timeout: float) -> str:
    seen, deadline = "", time.monotonic() + timeout
    while marker not in seen:
        assert time.monotonic() < deadline, f"no {marker!r} within {timeout} s; printed:\n{seen}"
        line = process.stdout.readline()
        assert line or process.poll() is None, f"the demo exited early; printed:\n{seen}"
        seen += line
    return seen


def test_the_demo_serves_a_published_roster_and_its_logins_work(tmp_path):
    port = free_port()
    env = {**os.environ, "NURSE_DISPATCH_HOME": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    demo = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "demo", "--nurses", "6", "--visits", "30", "--time-limit", "2", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        printed = _read_until(demo, "her day (nurse)", timeout=120)
        assert f"Nurse Dispatch is running at http://127.0.0.1:{port}" in printed
        day = re.search(r"rosters/(\d{4}-\d{2}-\d{2})", printed).group(1)
        password = re.search(r"password for all: (\S+)\)", printed).group(1)
        nurse = re.search(r"nurse\s+(nurse-\d+)", printed).group(1)
        base = f"http://127.0.0.1:{port}"

        def token(username: str) -> dict:
            answer = httpx.post(f"{base}/v1/auth/token", data={"username": username, "password": password})
            assert answer.status_code == 200, answer.text
            return {"Authorization": f"Bearer {answer.json()['access_token']}"}

        rosters = httpx.get(f"{base}/v1/regions/denver/rosters/{day}", headers=token("dispatcher-denver")).json()
        assert [r["status"] for r in rosters] == ["published"]
        assert rosters[0]["kpis"]["assigned"] > 0
        itinerary = httpx.get(f"{base}/v1/me/itinerary", params={"date": day}, headers=token(nurse))
        assert itinerary.status_code == 200
    finally:
        demo.terminate()
        demo.wait(timeout=30)
    assert demo.returncode == 0

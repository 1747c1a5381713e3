"""The service as the benchmarks run it: `nurse-dispatch serve` and `worker` processes on a fresh home.

Each benchmark makes its home (embedded PostgreSQL in it) and loads its data; these start the real
processes on it, wait until the server is ready and stop them again.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def login(base: str, username: str, password: str) -> str:
    return httpx.post(f"{base}/v1/auth/token", data={"username": username, "password": password}).json()["access_token"]


def service_environment(home: Path, own_worker: bool = True) -> dict[str, str]:
    """The environment of a service on `home`: its embedded database; without `own_worker`, no in-process worker or timer."""
    env = {**os.environ, "NURSE_DISPATCH_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    if not own_worker:
        env |= {"NURSE_DISPATCH_EMBEDDED_WORKER": "false", "NURSE_DISPATCH_EMBEDDED_SCHEDULER": "false"}
    return env


def start_server(home: Path, port: int, own_worker: bool = True, timeout: float = 120) -> tuple[subprocess.Popen, str]:
    """`nurse-dispatch serve` on `home`, once /readyz answers 200: the process and its base URL."""
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port)],
        env=service_environment(home, own_worker),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    stop([server])
    raise SystemExit("the server did not become ready")


def start_workers(home: Path, count: int, prefix: str = "w") -> list[subprocess.Popen]:
    """`count` `nurse-dispatch worker` processes on `home`, given a few seconds to start listening."""
    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "cli.main", "worker", "--name", f"{prefix}{i}"],
            env=service_environment(home, own_worker=False),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for i in range(count)
    ]
    time.sleep(3)
    return workers


def stop(processes: list[subprocess.Popen], timeout: float = 120) -> None:
    for process in processes:
        process.terminate()
    for process in processes:
        process.wait(timeout=timeout)

"""The demo: a generated region on the embedded database, its day solved and published, the API served."""

from __future__ import annotations

import signal
import threading
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import uvicorn

from api.app import create_app
from dispatch.platform.db.pool import open_pool
from dispatch.platform.settings import Settings
from harness.demo_region import load_demo_region
from harness.generate import metro_named


class DemoError(Exception):
    """The demo could not start (a port in use, a failed solve): one line for the person running it."""


def serve_demo(
    config: Settings, url: str, *, metro: str, nurses: int, visits: int, seed: int, time_limit: float, host: str, port: int
) -> int:
    """Load the demo region on the database at `url`, solve and publish tomorrow, serve the API until stopped."""
    tomorrow = datetime.now(ZoneInfo(metro_named(metro).timezone)).date() + timedelta(days=1)
    pool = open_pool(url, 2)
    with pool.connection() as conn:
        accounts = load_demo_region(conn, tomorrow, nurses, visits, seed, metro)
    pool.close()

    server = uvicorn.Server(
        uvicorn.Config(create_app(config), host=host, port=port, log_level="warning", access_log=False, log_config=None)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://{host}:{port}"
    while not server.started:
        if not thread.is_alive():
            raise DemoError(f"the server could not start on {host}:{port} (is the port in use?)")
        time.sleep(0.1)

    with httpx.Client(base_url=base, timeout=60) as client:
        token = client.post(
            "/v1/auth/token", data={"username": accounts.dispatcher[0], "password": accounts.dispatcher[1]}
        ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        published = [r for r in client.get(f"/v1/regions/{metro}/rosters/{tomorrow}").json() if r["status"] == "published"]
        if not published:
            print(f"solving {metro} for {tomorrow} ({time_limit:g} s)…", flush=True)
            job = client.post(f"/v1/regions/{metro}/rosters/{tomorrow}/solve", json={"time_limit_s": time_limit}).json()
            while job["state"] in ("queued", "running"):
                time.sleep(1)
                job = client.get(f"/v1/jobs/{job['id']}").json()
                progress = job["progress"]
                if progress:
                    placed = f"{progress.get('visits_placed', 0)} of {progress.get('visits', '?')} visits placed"
                    print(f"  {job['state']}: {placed}", flush=True)
            if job["state"] != "succeeded":
                raise DemoError(f"the demo solve failed: {job['error']}")
            roster = client.get(f"/v1/rosters/{job['roster_id']}").json()
            client.post(f"/v1/rosters/{roster['id']}/publish", headers={"If-Match": f'"{roster["revision"]}"'}).raise_for_status()
            published = [roster]
        kpis = published[0]["kpis"]
    print(
        f"""
Nurse Dispatch is running at {base}   (Ctrl+C to stop)
  region {metro}, {tomorrow}: roster {published[0]["id"]} published — {kpis["assigned"]} visits served,
  {kpis["unassigned"]} unassigned, {kpis["total_travel_h"]} h of travel

  logins (password for all: {accounts.admin[1]})
    admin       {accounts.admin[0]}
    dispatcher  {accounts.dispatcher[0]}
    nurse       {accounts.nurse[0]}  (nurse {accounts.nurse_id})
    clinician   clinician-{metro}  (records evaluations: POST /v1/patients/ID/evaluations)

  open in a browser
    {base}/console/#region={metro}&date={tomorrow}   the dispatcher's day (log in as the dispatcher)
    {base}/console/nurse.html#date={tomorrow}            the nurse's day, phone-sized (log in as the nurse)

  or the API
    {base}/docs                                  the API, with a login button
    POST {base}/v1/auth/token                    log in (form: username, password)
    GET  {base}/v1/regions/{metro}/rosters/{tomorrow}   the day's rosters (dispatcher)
    GET  {base}/v1/me/itinerary?date={tomorrow}          her day (nurse)
""",
        flush=True,
    )
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while thread.is_alive() and not stop.is_set():
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    server.should_exit = True
    thread.join(timeout=10)
    return 0

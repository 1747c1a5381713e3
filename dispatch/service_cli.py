"""The service's commands: serve, worker, user add, and the demo that runs it all on the embedded database."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from dispatch.errors import DispatchError


class ServiceInputError(Exception):
    """Bad arguments or settings; printed without a traceback, exit code 2."""


def settings():
    from dispatch.settings import Settings

    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        raise ServiceInputError(f"setting NURSE_DISPATCH_{str(first['loc'][0]).upper()}: {first['msg']}") from None


def add_arguments(commands: argparse._SubParsersAction) -> None:
    serve = commands.add_parser("serve", help="run the HTTP API (and, on the embedded database, a solve worker)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=run_serve)

    worker = commands.add_parser("worker", help="run a procrastinate worker that takes solve jobs")
    worker.add_argument("--name", default=None, help="worker name in logs (default: host and pid)")
    worker.set_defaults(run=run_worker)

    scheduler = commands.add_parser("scheduler", help="run the timed solves (schedules live in the database)")
    scheduler.set_defaults(run=run_scheduler)

    user = commands.add_parser("user", help="manage accounts (works without a running server)")
    user_commands = user.add_subparsers(dest="user_command", required=True)
    add = user_commands.add_parser("add", help="create an account")
    add.add_argument("--role", required=True, choices=["admin", "dispatcher", "nurse"])
    add.add_argument("--username", required=True)
    add.add_argument("--password", required=True)
    add.add_argument("--region", action="append", default=[], help="a dispatcher's region (repeat for several)")
    add.add_argument("--nurse-id", type=int, help="a nurse account's nurse record")
    add.set_defaults(run=run_user_add)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date (also done at start-up)")
    migrate.set_defaults(run=run_migrate)


def _logging(level: int = logging.INFO) -> None:
    from dispatch.logs import configure

    configure(level)


def _database() -> str:
    from dispatch.db.migrate import upgrade
    from dispatch.db.server import database_url

    url = database_url(settings())
    upgrade(url)
    return url


def run_migrate(args: argparse.Namespace) -> int:
    _database()
    print("schema is up to date")
    return 0


def run_user_add(args: argparse.Namespace) -> int:
    from dispatch.db.pool import open_pool
    from dispatch.users import add_user

    pool = open_pool(_database(), 1)
    try:
        with pool.connection() as conn:
            add_user(conn, args.username, args.password, args.role, args.region, args.nurse_id)
    except DispatchError as error:
        raise ServiceInputError(f"{error.field}: {error.message}" if error.field else error.message) from None
    finally:
        pool.close()
    print(f"created {args.role} {args.username}")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    _logging()
    # uvicorn's access log would print raw paths (calendar tokens); api.request_log logs route templates.
    uvicorn.run(create_app(settings()), host=args.host, port=args.port, log_level="info", access_log=False, log_config=None)
    return 0


def run_worker(args: argparse.Namespace) -> int:
    from dispatch.db.pool import open_pool
    from dispatch.jobs import job_app, run_worker

    _logging()
    config = settings()
    url = _database()
    pool = open_pool(url, 2)
    app = job_app(url)

    async def work() -> None:
        async with app.open_async():
            await run_worker(app, pool, args.name, config.worker_heartbeat_s, config.stalled_after_s)

    try:
        asyncio.run(work())
    finally:
        pool.close()
    return 0


def run_scheduler(args: argparse.Namespace) -> int:
    import threading

    from dispatch.db.pool import open_pool
    from dispatch.scheduler import start_scheduler

    _logging()
    url = _database()
    pool = open_pool(url, 2)
    scheduler = start_scheduler(url, pool)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    try:
        while not stop.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    scheduler.shutdown()
    pool.close()
    return 0


def run_demo(args: argparse.Namespace) -> int:
    """Embedded database, a demo region with tomorrow's visits, a solved and published roster, the API."""
    import threading
    import time

    import httpx
    import uvicorn

    from api.app import create_app
    from dispatch.db.pool import open_pool
    from dispatch.demo_region import load_demo_region
    from dispatch.generate import metro_named

    _logging(logging.WARNING)  # the demo prints its own summary
    config = settings()
    url = _database()
    tomorrow = datetime.now(ZoneInfo(metro_named(args.metro).timezone)).date() + timedelta(days=1)
    pool = open_pool(url, 2)
    with pool.connection() as conn:
        accounts = load_demo_region(conn, tomorrow, args.nurses, args.visits, args.seed, args.metro)
    pool.close()

    server = uvicorn.Server(uvicorn.Config(create_app(config), host=args.host, port=args.port, log_level="warning",
                                           access_log=False, log_config=None))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    base = f"http://{args.host}:{args.port}"
    while not server.started:
        if not thread.is_alive():
            raise ServiceInputError(f"the server could not start on {args.host}:{args.port} (is the port in use?)")
        time.sleep(0.1)

    with httpx.Client(base_url=base, timeout=60) as client:
        token = client.post("/v1/auth/token", data={"username": accounts.dispatcher[0], "password": accounts.dispatcher[1]}
                            ).json()["access_token"]
        client.headers["Authorization"] = f"Bearer {token}"
        published = [r for r in client.get(f"/v1/regions/{args.metro}/rosters/{tomorrow}").json() if r["status"] == "published"]
        if not published:
            print(f"solving {args.metro} for {tomorrow} ({args.time_limit:g} s)…", flush=True)
            job = client.post(f"/v1/regions/{args.metro}/rosters/{tomorrow}/solve", json={"time_limit_s": args.time_limit}).json()
            while job["state"] in ("queued", "running"):
                time.sleep(1)
                job = client.get(f"/v1/jobs/{job['id']}").json()
                if job["progress"]:
                    print(f"  {job['state']}: best objective {job['progress'].get('best_objective', '-')}", flush=True)
            if job["state"] != "succeeded":
                raise ServiceInputError(f"the demo solve failed: {job['error']}")
            roster = client.get(f"/v1/rosters/{job['roster_id']}").json()
            client.post(f"/v1/rosters/{roster['id']}/publish", headers={"If-Match": f'"{roster["revision"]}"'}).raise_for_status()
            published = [roster]
        kpis = published[0]["kpis"]
    print(f"""
Nurse Dispatch is running at {base}   (Ctrl+C to stop)
  region {args.metro}, {tomorrow}: roster {published[0]['id']} published — {kpis['assigned']} visits served,
  {kpis['unassigned']} unassigned, {kpis['total_travel_h']} h of travel

  logins (password for all: {accounts.admin[1]})
    admin       {accounts.admin[0]}
    dispatcher  {accounts.dispatcher[0]}
    nurse       {accounts.nurse[0]}  (nurse {accounts.nurse_id})

  open in a browser
    {base}/console/#region={args.metro}&date={tomorrow}   the dispatcher's day (log in as the dispatcher)
    {base}/console/nurse.html#date={tomorrow}            the nurse's day, phone-sized (log in as the nurse)

  or the API
    {base}/docs                                  the API, with a login button
    POST {base}/v1/auth/token                    log in (form: username, password)
    GET  {base}/v1/regions/{args.metro}/rosters/{tomorrow}   the day's rosters (dispatcher)
    GET  {base}/v1/me/itinerary?date={tomorrow}          her day (nurse)
""", flush=True)
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

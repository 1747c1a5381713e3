"""The service's commands: serve, worker, scheduler, user add|deactivate|reactivate|revoke-tokens|password, migrate."""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal

from pydantic import ValidationError

from cli.errors import InputError
from dispatch.errors import DispatchError
from dispatch.platform.settings import Settings
from dispatch.vocabulary import ROLES


def settings() -> Settings:
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        raise InputError(f"setting NURSE_DISPATCH_{str(first['loc'][0]).upper()}: {first['msg']}") from None


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
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--username", required=True)
    add.add_argument("--password", required=True)
    add.add_argument("--region", action="append", default=[], help="a dispatcher's or clinician's region (repeat for several)")
    add.add_argument("--nurse-id", type=int, help="a nurse account's nurse record")
    add.set_defaults(run=run_user_add)
    for name, what in (
        ("deactivate", "stop an account: no login, its tokens and calendar feeds refused at once"),
        ("reactivate", "let a deactivated account log in again (old tokens stay refused)"),
        ("revoke-tokens", "refuse every token and calendar feed an account holds now"),
    ):
        removal = user_commands.add_parser(name, help=what)
        removal.add_argument("--username", required=True)
        removal.set_defaults(run=run_user_access, action=name)
    password = user_commands.add_parser("password", help="set an account's password (revokes its tokens)")
    password.add_argument("--username", required=True)
    password.add_argument("--password", help="the new password (default: asked for, so it stays out of the shell history)")
    password.set_defaults(run=run_user_password)

    migrate = commands.add_parser("migrate", help="bring the database schema up to date (also done at start-up)")
    migrate.set_defaults(run=run_migrate)


def logging_to_stderr(quiet: bool = False) -> None:
    from dispatch.platform.logs import configure

    configure(logging.WARNING if quiet else logging.INFO)


def database() -> str:
    from dispatch.platform.db.migrate import upgrade
    from dispatch.platform.db.server import database_url

    url = database_url(settings())
    upgrade(url)
    return url


def run_migrate(args: argparse.Namespace) -> int:
    database()
    print("schema is up to date")
    return 0


def run_user_add(args: argparse.Namespace) -> int:
    from dispatch.platform.db.pool import open_pool
    from dispatch.records.users import add_user

    pool = open_pool(database(), 1)
    try:
        with pool.connection() as conn:
            add_user(conn, args.username, args.password, args.role, args.region, args.nurse_id)
    except DispatchError as error:
        raise InputError(f"{error.field}: {error.message}" if error.field else error.message) from None
    finally:
        pool.close()
    print(f"created {args.role} {args.username}")
    return 0


def on_database(change) -> dict:
    """Run `change(conn, who)` on one connection, naming the person at the terminal in the audit log."""
    import getpass

    from dispatch.platform.db.pool import open_pool

    pool = open_pool(database(), 1)
    try:
        with pool.connection() as conn:
            return change(conn, f"cli:{getpass.getuser()}")
    except DispatchError as error:
        raise InputError(f"{error.field}: {error.message}" if error.field else error.message) from None
    finally:
        pool.close()


def run_user_access(args: argparse.Namespace) -> int:
    from dispatch.records import users

    if args.action == "revoke-tokens":
        on_database(lambda conn, who: users.revoke_tokens(conn, who, args.username))
        print(f"revoked every token and calendar feed of {args.username}")
    else:
        on_database(lambda conn, who: users.set_active(conn, who, args.username, active=args.action == "reactivate"))
        print(f"{args.action}d {args.username}")
    return 0


def run_user_password(args: argparse.Namespace) -> int:
    import getpass

    from dispatch.records import users

    password = args.password
    if password is None:
        password = getpass.getpass(f"new password for {args.username}: ")
        if getpass.getpass("again: ") != password:
            raise InputError("the two passwords differ")
    on_database(lambda conn, who: users.reset_password(conn, who, args.username, password))
    print(f"set the password of {args.username}; her tokens and calendar feeds are revoked")
    return 0


def run_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    logging_to_stderr()
    # uvicorn's access log would print raw paths (calendar tokens); api.request_log logs route templates.
    uvicorn.run(create_app(settings()), host=args.host, port=args.port, log_level="info", access_log=False, log_config=None)
    return 0


def run_worker(args: argparse.Namespace) -> int:
    from dispatch.jobs.queue import job_app, run_worker
    from dispatch.platform.db.pool import open_pool

    logging_to_stderr()
    config = settings()
    url = database()
    pool = open_pool(url, 2)
    app = job_app(url, config.pool_timeout_s)

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

    from dispatch.jobs.cron import start_scheduler
    from dispatch.platform.db.pool import open_pool

    logging_to_stderr()
    url = database()
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

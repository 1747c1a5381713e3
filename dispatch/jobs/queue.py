"""Solve jobs on procrastinate: requested through the API, run by any worker sharing the database.

Our `solve_jobs` row is what users see (state, progress, the draft it produced); procrastinate's
own job carries it to a worker, retries it, and lets any number of workers share the queue.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import sys
import time
from contextlib import suppress
from datetime import date, datetime
from typing import Any

import procrastinate
import procrastinate.exceptions
import procrastinate.worker
import psycopg
from psycopg import errors
from psycopg.types.json import Jsonb

from dispatch.errors import Conflict, DispatchError, InvalidField, Unavailable
from dispatch.jobs.horizon import check_day_near
from dispatch.platform.access import Principal
from dispatch.platform.db import Db, DbPool, one
from dispatch.records.regions import region
from dispatch.rosters.problem import DayProblem, day_problem
from dispatch.rosters.workflow import publish, store_draft, with_held_back
from dispatch.sameday.state import replan_problem
from dispatch.vocabulary import MAX_TIME_LIMIT_S

log = logging.getLogger(__name__)

SOLVE_QUEUE = "solve"
# The least search a solve gets however long its day took to read (a roster within the limit is worth a second).
MIN_SEARCH_S = 1.0
MAX_ATTEMPTS = 3
PROGRESS_EVERY_S = 1.0
# A job row still 'queued' with no procrastinate job this long after it was made lost its
# enqueue (the process died in between, or the database went away); a new request replaces it.
# An enqueue takes at most the two pools' waits (5 s each) when the database is slow.
LOST_ENQUEUE_S = 20

# Who publishes what a schedule asked to publish (recorded as such in the roster and the audit log).
AUTO_PUBLISHER = Principal("scheduler", "admin")

SOLVE_TASK = "dispatch:solve_roster"


def job_app(url: str, timeout_s: float = 5.0) -> procrastinate.App:
    """A procrastinate App on this database, with our tasks.

    Like our own pool (dispatch/platform/db/pool.py), its pool waits at most `timeout_s` for a
    connection (not psycopg_pool's 30 s) and keeps trying to reconnect after any outage.

    Each App gets task objects of its own: a process may hold two (the API's, opened for asyncio,
    and the scheduler's, opened synchronously), and a task shared through a Blueprint would defer
    through whichever App registered it last.
    """
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url, timeout=timeout_s, reconnect_timeout=10.0))
    app.task(
        name=SOLVE_TASK,
        pass_context=True,
        queue=SOLVE_QUEUE,
        retry=procrastinate.RetryStrategy(max_attempts=MAX_ATTEMPTS - 1, wait=5),
    )(solve_roster)
    from dispatch.jobs import plans  # its jobs store through dispatch.courses, which reads this module's bounds

    plans.register(app, SOLVE_QUEUE)
    return app


# ---------------------------------------------------------------- requesting a solve


def request_solve(
    conn: Db,
    who: Principal,
    region_id: str,
    day: date,
    time_limit_s: float,
    idempotency_key: str | None,
    publish_when_done: bool = False,
    replan_as_of: datetime | None = None,
    reason: str | None = None,
) -> tuple[dict[str, Any], bool]:
    """The job for this request and whether it is new; a repeat (same key, or a solve already under way) joins.

    With `replan_as_of`, the job re-plans the rest of the day from that moment (dispatch/sameday/state.py)
    instead of solving it afresh."""
    who.require_region(region_id)
    region(conn, region_id)
    check_day_near(day)
    if not 0 < time_limit_s <= MAX_TIME_LIMIT_S:
        raise InvalidField(f"must be more than 0 and at most {MAX_TIME_LIMIT_S} seconds", "time_limit_s")
    with conn.transaction():
        if idempotency_key:
            same = conn.execute("SELECT * FROM solve_jobs WHERE idempotency_key = %s", [idempotency_key]).fetchone()
            if same:
                if (same["region_id"], same["day"]) != (region_id, day):
                    raise Conflict("this Idempotency-Key was used for another region or day", "Idempotency-Key")
                return same, False
        conn.execute(
            "UPDATE solve_jobs SET state = 'failed', error = 'lost before it reached the queue', finished_at = now()"
            " WHERE region_id = %s AND day = %s AND state = 'queued' AND queue_job_id IS NULL"
            " AND created_at < now() - make_interval(secs => %s)",
            [region_id, day, LOST_ENQUEUE_S],
        )
        try:
            with conn.transaction():
                row = one(
                    conn.execute(
                        "INSERT INTO solve_jobs (region_id, day, time_limit_s, idempotency_key, requested_by,"
                        " publish_when_done, kind, as_of, reason) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING *",
                        [
                            region_id,
                            day,
                            time_limit_s,
                            idempotency_key,
                            who.username,
                            publish_when_done,
                            "solve" if replan_as_of is None else "replan",
                            replan_as_of,
                            reason,
                        ],
                    )
                )
                return row, True
        except errors.UniqueViolation:
            pass
        found = conn.execute(
            "SELECT * FROM solve_jobs WHERE (idempotency_key = %s) OR (region_id = %s AND day = %s"
            " AND state IN ('queued', 'running')) ORDER BY created_at DESC LIMIT 1",
            [idempotency_key, region_id, day],
        ).fetchone()
        if found is None:
            raise Conflict("another solve request was being made at the same moment; try again")
        return found, False


def enqueue_now(app: procrastinate.App, pool: DbPool, job: dict[str, Any]) -> None:
    """`enqueue` for synchronous callers (the scheduler), with an App opened by `app.open()`."""
    try:
        queue_job_id = app.configure_task(SOLVE_TASK, queue=SOLVE_QUEUE).defer(job_id=str(job["id"]))
    except Exception as error:
        _finish(pool, job["id"], "failed", error=f"could not be queued: {type(error).__name__}")
        raise
    _execute(pool, "UPDATE solve_jobs SET queue_job_id = %s WHERE id = %s", [queue_job_id, job["id"]])


async def enqueue(app: procrastinate.App, pool: DbPool, job: dict[str, Any]) -> None:
    """Hand a new job to procrastinate and remember its id (an enqueue that fails marks the job failed).

    Unavailable (503 with Retry-After) when the queue cannot reach the database."""
    try:
        queue_job_id = await app.configure_task(SOLVE_TASK, queue=SOLVE_QUEUE).defer_async(job_id=str(job["id"]))
    except Exception as error:
        try:
            await asyncio.to_thread(_finish, pool, job["id"], "failed", error=f"could not be queued: {type(error).__name__}")
        except psycopg.OperationalError:  # the database is away: the next request replaces it (LOST_ENQUEUE_S)
            log.warning("solve job %s could not be queued nor marked failed", job["id"])
        if isinstance(error, procrastinate.exceptions.ConnectorException | psycopg.OperationalError):
            raise Unavailable("the job queue cannot reach the database; try again shortly") from error
        raise
    await asyncio.to_thread(_execute, pool, "UPDATE solve_jobs SET queue_job_id = %s WHERE id = %s", [queue_job_id, job["id"]])


def job(conn: Db, who: Principal, job_id: str) -> dict[str, Any]:
    try:
        row = conn.execute("SELECT * FROM solve_jobs WHERE id = %s", [job_id]).fetchone()
    except errors.InvalidTextRepresentation:
        row = None
    return who.require_reach(row, f"job {job_id}")


# ---------------------------------------------------------------- running a solve (in a worker)


# A worker loop that stopped (its heartbeat or listener lost the database, say) starts again after
# these delays, doubling; a loop that had run longer than the longest delay starts from the first again.
RESTART_FIRST_S = 1.0
RESTART_LONGEST_S = 15.0
POLL_S = 1.0  # how often an idle worker looks for a new solve
# How long a finished solve waits for the database to come back to store its draft before it fails.
STORE_PATIENCE_S = 600.0


class _OutageProofWorker(procrastinate.worker.Worker):
    """procrastinate's worker, with a heartbeat that outlives a database outage.

    procrastinate 3.10's heartbeat task dies at the first failed update, and its side-task monitor
    had already returned (the periodic deferrer ends at once when there are no periodic tasks), so
    the worker ran on without a heartbeat: after `stalled_after_s` other workers took it for dead
    and requeued the solve it held. Here a failed update is tried again at the next beat.
    """

    async def _update_heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.update_heartbeat_interval)
            try:
                await self.app.job_manager.update_heartbeat(self.worker_id)  # type: ignore[arg-type]  # set before the loop runs
            except procrastinate.exceptions.ConnectorException as error:
                log.warning("solve worker %s: heartbeat not sent (%s)", self.worker_name, type(error.__cause__).__name__)


class WorkerHealth:
    """The procrastinate worker a process runs now (None while it is being started again) and why it last stopped.

    Readiness reads it (`worker_trouble`): a dead in-process worker must not look healthy."""

    def __init__(self, name: str):
        self.name = name
        self.worker: procrastinate.worker.Worker | None = None
        self.last_stop = "it has not started yet"

    @property
    def worker_id(self) -> int | None:
        return self.worker.worker_id if self.worker is not None else None


async def run_worker(
    app: procrastinate.App,
    pool: DbPool,
    name: str | None,
    heartbeat_s: float,
    stalled_after_s: float,
    install_signal_handlers: bool = True,
    health: WorkerHealth | None = None,
) -> None:
    """A procrastinate worker for solves, started again whenever it stops by itself, until asked to stop.

    A database outage kills procrastinate's worker loop (its heartbeat or listener raises and it
    stops); it is started again with backoff for as long as the outage lasts, and the solve it held
    is queued again by the watchdog. A worker killed mid-solve (SIGKILL, a lost machine) stops
    sending heartbeats; after `stalled_after_s` any live worker's watchdog puts its job back in the
    queue, where a worker takes it again (at most MAX_ATTEMPTS times in all, then the job is marked
    failed). SIGTERM or SIGINT (with `install_signal_handlers`), or cancelling the task, stops the
    worker after the solve it holds.
    """
    health = health or WorkerHealth(name or "worker")
    stopping = asyncio.Event()

    def stop() -> None:
        stopping.set()
        if health.worker is not None:
            health.worker.stop()

    loop = asyncio.get_running_loop()
    if install_signal_handlers:
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop)
    watchdog = asyncio.create_task(_requeue_stalled(app, stalled_after_s))
    delay = RESTART_FIRST_S
    try:
        while not stopping.is_set():
            # No LISTEN connection: procrastinate's listener dies with the database and is not started
            # again; polling every second finds new jobs as well, and cannot die.
            health.worker = _OutageProofWorker(
                app,
                queues=[SOLVE_QUEUE],
                name=name,
                additional_context={"pool": pool},
                update_heartbeat_interval=heartbeat_s,
                stalled_worker_timeout=stalled_after_s,
                listen_notify=False,
                fetch_job_polling_interval=POLL_S,
                install_signal_handlers=False,
            )
            started = time.monotonic()
            try:
                await health.worker.run()
                health.last_stop = "its heartbeat or listener failed"  # run() returns when a side task dies
            except (procrastinate.exceptions.ConnectorException, psycopg.OperationalError) as error:
                health.last_stop = f"{type(error).__name__}: {error}"
            except asyncio.CancelledError:
                stopping.set()
                raise
            health.worker = None
            if stopping.is_set():
                break
            if time.monotonic() - started > RESTART_LONGEST_S:
                delay = RESTART_FIRST_S
            log.warning("solve worker %s stopped (%s); starting it again in %.0f s", health.name, health.last_stop, delay)
            with suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=delay)
            delay = min(delay * 2, RESTART_LONGEST_S)
    finally:
        health.worker = None
        health.last_stop = "it was stopped"
        watchdog.cancel()
        if install_signal_handlers:
            for signum in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(signum)


def worker_trouble(conn: Db, health: WorkerHealth, stalled_after_s: float) -> str | None:
    """Why this process's solve worker is not taking jobs, or None when it is (its heartbeat is recent)."""
    worker_id = health.worker_id
    if worker_id is None:
        return f"the solve worker {health.name} is not running: {health.last_stop}"
    row = conn.execute(
        "SELECT extract(epoch FROM now() - last_heartbeat)::float AS silent_s FROM procrastinate_workers WHERE id = %s",
        [worker_id],
    ).fetchone()
    if row is None or row["silent_s"] > stalled_after_s:
        return f"the solve worker {health.name} has sent no heartbeat for over {stalled_after_s:.0f} s"
    return None


async def _requeue_stalled(app: procrastinate.App, stalled_after_s: float) -> None:
    while True:
        await asyncio.sleep(max(0.5, stalled_after_s / 3))
        try:
            stalled = await app.job_manager.get_stalled_jobs(queue=SOLVE_QUEUE, seconds_since_heartbeat=stalled_after_s)
            for queued in stalled:
                log.warning("requeueing queue job %s: its worker stopped sending heartbeats", queued.id)
                await app.job_manager.retry_job(queued)
        except (procrastinate.exceptions.ProcrastinateException, psycopg.OperationalError) as error:
            # Another watchdog got there first, or the database is briefly away: try again next round.
            log.warning("watchdog: %s", type(error).__name__)


async def solve_roster(context: procrastinate.JobContext, job_id: str) -> None:
    pool: DbPool = context.additional_context["pool"]
    final_attempt = context.job.attempts >= MAX_ATTEMPTS - 1
    try:
        await run_solve(pool, job_id)
    except Exception as error:
        log.exception("solve job %s failed (attempt %s)", job_id, context.job.attempts + 1)
        if final_attempt:
            await asyncio.to_thread(_finish, pool, job_id, "failed", error=f"{type(error).__name__}: {error}")
        raise


async def run_solve(pool: DbPool, job_id: str) -> None:
    """Load the day, solve it in a child process with live progress, store the draft and finish the job."""
    row = await asyncio.to_thread(
        _fetch,
        pool,
        "UPDATE solve_jobs SET state = 'running', attempts = attempts + 1, started_at = now(), error = NULL"
        " WHERE id = %s AND state IN ('queued', 'running') RETURNING *",
        [job_id],
    )
    if row is None:
        log.info("solve job %s is already finished; nothing to do", job_id)
        return
    if row["attempts"] > MAX_ATTEMPTS:  # its worker died that often: do not try forever
        await asyncio.to_thread(
            _finish, pool, job_id, "failed", error=f"the solve stopped its worker {MAX_ATTEMPTS} times; not tried again"
        )
        return
    started = time.monotonic()
    try:
        problem = await asyncio.to_thread(_day_problem, pool, row)
    except DispatchError as refused:  # e.g. a re-plan of a day with nothing published: trying again will not help
        await asyncio.to_thread(_finish, pool, job_id, "failed", error=refused.message)
        return
    log.info(
        "solve job %s: %d nurses, %d visits to plan", job_id, len(problem.document["nurses"]), len(problem.document["visits"])
    )
    roster, error = await _solve_in_child(pool, job_id, row["kind"], within_deadline(problem.document, started))
    if error is not None or roster is None:
        await asyncio.to_thread(_finish, pool, job_id, "failed", error=error or "the solve gave no roster")
        return
    document = with_held_back(roster, problem.held_back)
    await _store_when_reachable(pool, row, problem, document)


def within_deadline(document: dict[str, Any], started: float) -> dict[str, Any]:
    """The document with the search's time cut by what reading the day took (road times included).

    The job's time limit is a deadline for the whole solve: a 120/900 day's road matrix takes about a second,
    which would otherwise come on top of the search (docs/BENCHMARKS.md, road travel times).
    """
    limit = document["options"]["time_limit_s"]
    search_s = max(MIN_SEARCH_S, limit - (time.monotonic() - started))
    return document | {"options": document["options"] | {"time_limit_s": round(search_s, 2)}}


async def _store_when_reachable(pool: DbPool, job_row: dict, problem: DayProblem, document: dict) -> None:
    """`_store`, tried again while the database is unreachable: a finished solve is not thrown away for an outage."""
    delay, given_up_at = RESTART_FIRST_S, time.monotonic() + STORE_PATIENCE_S
    while True:
        try:
            await asyncio.to_thread(_store, pool, job_row, problem, document)
            return
        except psycopg.OperationalError as error:  # PoolTimeout included
            if time.monotonic() > given_up_at:
                raise
            log.warning(
                "solve job %s: cannot store its draft (%s); trying again in %.0f s", job_row["id"], type(error).__name__, delay
            )
        await asyncio.sleep(delay)
        delay = min(delay * 2, RESTART_LONGEST_S)


async def _solve_in_child(pool: DbPool, job_id: str, kind: str, document: dict) -> tuple[dict | None, str | None]:
    child = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "dispatch.jobs.solve_process",
        kind,
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        limit=1 << 26,
    )
    assert child.stdin and child.stdout
    child.stdin.write(json.dumps(document).encode())
    await child.stdin.drain()
    child.stdin.close()
    roster, error, shown_at = None, None, 0.0
    try:
        async for line in child.stdout:
            message = json.loads(line)
            if "progress" in message and time.monotonic() - shown_at >= PROGRESS_EVERY_S:
                shown_at = time.monotonic()
                try:
                    await asyncio.to_thread(
                        _execute, pool, "UPDATE solve_jobs SET progress = %s WHERE id = %s", [Jsonb(message["progress"]), job_id]
                    )
                except psycopg.OperationalError:  # the database is away: the solve goes on, progress shows later
                    log.warning("solve job %s: progress not recorded, the database is unreachable", job_id)
            roster = message.get("roster", roster)
            error = message.get("error", error)
    finally:
        if child.returncode is None:
            try:
                await asyncio.wait_for(child.wait(), timeout=30)
            except (TimeoutError, asyncio.CancelledError):
                child.kill()
                raise
    if error is None and (child.returncode != 0 or roster is None):
        raise RuntimeError(f"the solver process ended with code {child.returncode}")
    return roster, error


def _day_problem(pool: DbPool, job: dict) -> DayProblem:
    with pool.connection() as conn:
        if job["kind"] == "replan":
            return replan_problem(conn, job["region_id"], job["day"], job["as_of"], job["time_limit_s"])
        return day_problem(conn, job["region_id"], job["day"], job["time_limit_s"])


def _store(pool: DbPool, job_row: dict, problem: DayProblem, document: dict) -> None:
    """The draft and the finished job in one transaction: a roster is never half-written.

    A job asked to publish (a schedule with auto_publish) publishes the draft in the same transaction;
    if that is refused (say a dispatcher published another roster meanwhile), the draft stays a draft
    and the job's progress says why.
    """
    with pool.connection() as conn:
        with conn.transaction():
            state = one(conn.execute("SELECT state FROM solve_jobs WHERE id = %s FOR UPDATE", [job_row["id"]]))
            if state["state"] != "running":  # stored before the connection was lost, or another worker's
                return
            roster_id = store_draft(
                conn,
                job_row["region_id"],
                job_row["day"],
                problem.document,
                document,
                job_row["requested_by"],
                problem.based_on,
                job_row["reason"],
                problem.travel,
            )
            progress = {"unassigned": document["summary"]["unassigned"]}
            if job_row.get("publish_when_done"):
                try:
                    with conn.transaction():  # a savepoint: a refused publish leaves the draft as it is
                        publish(conn, AUTO_PUBLISHER, roster_id, None)
                    progress["publish"] = "published"
                except DispatchError as refused:
                    progress["publish"] = f"not published: {refused.message}"
            # The job reads `succeeded` only once its draft is stored and, if asked, published (or why not).
            conn.execute(
                "UPDATE solve_jobs SET state = 'succeeded', roster_id = %s, finished_at = now(),"
                " progress = progress || %s WHERE id = %s",
                [roster_id, Jsonb(progress), job_row["id"]],
            )


def _finish(pool: DbPool, job_id: str, state: str, error: str | None = None) -> None:
    _execute(pool, "UPDATE solve_jobs SET state = %s, error = %s, finished_at = now() WHERE id = %s", [state, error, job_id])


def _execute(pool: DbPool, sql: str, params: list) -> None:
    with pool.connection() as conn:
        conn.execute(sql, params)


def _fetch(pool: DbPool, sql: str, params: list) -> dict | None:
    with pool.connection() as conn:
        return conn.execute(sql, params).fetchone()

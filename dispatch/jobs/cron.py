"""Timed solves with APScheduler: every active schedule as a cron trigger in its region's timezone.

The scheduler only enqueues (procrastinate workers solve). It re-reads the schedules every
`sync_every_s`, so edits made through the API apply without a restart. Any number of replicas may
run one: `dispatch.jobs.schedules.fire` lets exactly one of them enqueue each firing.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import procrastinate
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from dispatch.jobs.queue import enqueue_now, job_app
from dispatch.jobs.schedules import active_schedules, fire
from dispatch.platform.db import DbPool

log = logging.getLogger(__name__)

SYNC_JOB = "sync-schedules"
# A replica that was down when a schedule was due still fires it if it comes back within this long.
MISFIRE_GRACE_S = 15 * 60


def trigger_id(schedule: dict) -> str:
    return f"schedule-{schedule['id']}-v{schedule['version']}"


def start_scheduler(url: str, pool: DbPool) -> SolveScheduler:
    """A running scheduler with its own procrastinate App (opened synchronously: it defers from its thread)."""
    jobs = job_app(url)
    jobs.open()
    scheduler = SolveScheduler(pool, jobs)
    scheduler.start()
    return scheduler


class SolveScheduler:
    def __init__(self, pool: DbPool, jobs: procrastinate.App, sync_every_s: float = 15.0):
        self.pool, self.jobs, self.sync_every_s = pool, jobs, sync_every_s
        self.scheduler = BackgroundScheduler(timezone=UTC)

    def start(self) -> None:
        self.scheduler.add_job(
            self.sync,
            IntervalTrigger(seconds=self.sync_every_s),
            id=SYNC_JOB,
            next_run_time=datetime.now(UTC),
            max_instances=1,
            coalesce=True,
        )
        self.scheduler.start()

    def shutdown(self) -> None:
        self.shutdown_triggers()
        self.jobs.close()

    def shutdown_triggers(self) -> None:
        self.scheduler.shutdown(wait=True)

    def sync(self) -> None:
        """Make the triggers match the active schedules (a changed schedule has a new version, so a new id)."""
        with self.pool.connection() as conn:
            wanted = {trigger_id(s): s for s in active_schedules(conn)}
        for job in self.scheduler.get_jobs():
            if job.id != SYNC_JOB and job.id not in wanted:
                job.remove()
        for key, schedule in wanted.items():
            if self.scheduler.get_job(key) is None:
                trigger = CronTrigger(
                    hour=schedule["local_time"].hour, minute=schedule["local_time"].minute, timezone=schedule["timezone"]
                )
                self.scheduler.add_job(
                    self.fire,
                    trigger,
                    args=[schedule["id"]],
                    id=key,
                    coalesce=True,
                    misfire_grace_time=MISFIRE_GRACE_S,
                    max_instances=1,
                )
                log.info("schedule %s: solves at %s %s", schedule["id"], schedule["local_time"], schedule["timezone"])

    def fire(self, schedule_id: int) -> None:
        with self.pool.connection() as conn:
            job = fire(conn, schedule_id, datetime.now(UTC))
        if job is None:
            log.info("schedule %s: already fired by another replica", schedule_id)
            return
        enqueue_now(self.jobs, self.pool, job)
        log.info("schedule %s: queued solve job %s", schedule_id, job["id"])

    def next_run(self, schedule: dict) -> datetime | None:
        job = self.scheduler.get_job(trigger_id(schedule))
        return None if job is None else job.next_run_time

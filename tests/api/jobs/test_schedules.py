"""Timed solves: schedules edited through the API, picked up without a restart, fired once across replicas."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import psycopg
import pytest
from psycopg.rows import dict_row

from dispatch.jobs.cron import SolveScheduler, trigger_id
from dispatch.jobs.schedules import fire
from dispatch.platform.db.pool import open_pool


@pytest.fixture
def pool(database):
    pool = open_pool(database, 4)
    yield pool
    pool.close()


def _schedule(region, **body) -> dict:
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/schedules", json={"local_time": "18:00"} | body)
    assert answer.status_code == 201, answer.text
    return answer.json()


def test_a_schedule_is_kept_per_region_and_changed_with_its_version(region, base_url, admin, db):
    created = _schedule(region, days_ahead=1, auto_publish=True)
    assert created | {"id": 0} == {
        "id": 0,
        "region_id": region.id,
        "local_time": "18:00:00",
        "days_ahead": 1,
        "time_limit_s": 30.0,
        "auto_publish": True,
        "active": True,
        "version": 1,
    }
    changed = region.dispatcher.patch(f"/v1/schedules/{created['id']}", json={"local_time": "05:30"}, headers={"If-Match": '"1"'})
    assert changed.status_code == 200 and changed.json()["version"] == 2
    stale = region.dispatcher.patch(f"/v1/schedules/{created['id']}", json={"active": False}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    refused = region.dispatcher.post(f"/v1/regions/{region.id}/schedules", json={"local_time": "18:00", "days_ahead": 30})
    assert refused.status_code == 422 and refused.json()["field"] == "days_ahead"


def test_the_scheduler_picks_up_new_and_changed_schedules_without_a_restart(region, pool):
    scheduler = SolveScheduler(pool, jobs=None, sync_every_s=0.3)
    scheduler.start()
    try:
        schedule = _schedule(region, local_time="18:00")
        deadline = time.monotonic() + 10
        while scheduler.next_run(schedule) is None:
            assert time.monotonic() < deadline, "the new schedule was not picked up"
            time.sleep(0.1)
        local = scheduler.next_run(schedule).astimezone(ZoneInfo("America/Denver"))
        assert (local.hour, local.minute) == (18, 0)

        changed = region.dispatcher.patch(f"/v1/schedules/{schedule['id']}", json={"local_time": "05:30"}).json()
        while scheduler.next_run(changed) is None:
            assert time.monotonic() < deadline, "the change was not picked up"
            time.sleep(0.1)
        local = scheduler.next_run(changed).astimezone(ZoneInfo("America/Denver"))
        assert (local.hour, local.minute) == (5, 30)
        assert scheduler.scheduler.get_job(trigger_id(schedule)) is None  # the old trigger is gone

        region.dispatcher.patch(f"/v1/schedules/{schedule['id']}", json={"active": False})
        while scheduler.scheduler.get_job(trigger_id(changed)) is not None:
            assert time.monotonic() < deadline, "the deactivated schedule still has a trigger"
            time.sleep(0.1)
    finally:
        scheduler.shutdown_triggers()


def test_replicas_firing_the_same_schedule_at_once_queue_one_solve(region, database, db):
    schedule = _schedule(region)
    moment = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 18:00 on 30 Nov in Denver

    def replica(_):
        with psycopg.connect(database, autocommit=True, row_factory=dict_row) as conn:
            return fire(conn, schedule["id"], moment)

    with ThreadPoolExecutor(4) as replicas:
        fired = list(replicas.map(replica, range(4)))
    jobs = [job for job in fired if job is not None]
    assert len(jobs) == 1
    assert str(jobs[0]["day"]) == "2026-12-01"  # days_ahead 1 from 30 Nov, local
    firings = db.execute("SELECT fire_key, job_id FROM schedule_firings WHERE schedule_id = %s", [schedule["id"]]).fetchall()
    assert firings == [{"fire_key": "2026-11-30T18:00", "job_id": jobs[0]["id"]}]


def test_a_fired_schedule_solves_and_publishes_on_its_own(region, pool, database):
    today = datetime.now(ZoneInfo("America/Denver")).date()
    region.nurse(day=today, shift=("00:00", "23:59"))
    region.visit(region.patient()["id"], day=today, window=("00:30", "23:00"))
    schedule = _schedule(region, days_ahead=0, time_limit_s=1, auto_publish=True)
    from dispatch.jobs.queue import job_app

    jobs = job_app(database)
    jobs.open()
    try:
        scheduler = SolveScheduler(pool, jobs)
        scheduler.fire(schedule["id"])  # what the cron trigger calls
        scheduler.fire(schedule["id"])  # a second replica at the same moment: nothing more
    finally:
        jobs.close()
    with pool.connection() as conn:
        rows = conn.execute("SELECT id FROM solve_jobs WHERE region_id = %s", [region.id]).fetchall()
    assert len(rows) == 1
    job = region.wait(region.dispatcher.get(f"/v1/jobs/{rows[0]['id']}").json())
    assert job["state"] == "succeeded", job
    assert job["progress"]["publish"] == "published"
    roster = region.dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()
    assert roster["status"] == "published" and roster["published_by"] == "scheduler"
    assert roster["kpis"]["assigned"] == 1

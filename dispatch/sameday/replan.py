"""Re-planning the rest of a day: by hand, or after what the dispatcher was told (dispatch/sameday/events.py).

A re-plan is a solve job of kind `replan` (dispatch/jobs/queue.py) from a moment of the day, kept
close to the published roster; one already queued or running for the day is joined, not doubled.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any

from dispatch.jobs import queue
from dispatch.jobs.horizon import check_day_near
from dispatch.platform.access import Principal
from dispatch.platform.db import Db
from dispatch.records.regions import managed_region
from dispatch.rosters.workflow import published_id
from dispatch.sameday import events
from dispatch.sameday.state import published_roster_id

# Hands a new job to the queue (the API's procrastinate app); given by the caller, so dispatch opens nothing.
QueueJob = Callable[[dict[str, Any]], None]


def _request(
    conn: Db,
    who: Principal,
    queue_job: QueueJob,
    region_id: str,
    day: date,
    as_of: datetime,
    time_limit_s: float,
    reason: str,
) -> tuple[dict[str, Any], bool]:
    row, created = queue.request_solve(conn, who, region_id, day, time_limit_s, None, replan_as_of=as_of, reason=reason)
    if created:
        queue_job(row)
    return row, created


def replan_day(
    conn: Db,
    who: Principal,
    queue_job: QueueJob,
    region_id: str,
    day: date,
    at: time | None,
    time_limit_s: float,
    reason: str,
) -> tuple[dict[str, Any], bool]:
    """The re-plan job of the day from `at` (default now) and whether it is new; Conflict if nothing is published."""
    managed_region(conn, who, region_id)
    check_day_near(day)
    published_roster_id(conn, region_id, day)  # refuse at once when there is nothing to re-plan
    as_of = events.moment(conn, region_id, day, at)
    return _request(conn, who, queue_job, region_id, day, as_of, time_limit_s, reason or "re-planned by hand")


def after_event(
    conn: Db,
    who: Principal,
    queue_job: QueueJob,
    event: dict[str, Any],
    at_given: bool,
    wanted: bool,
    time_limit_s: float,
    reason: str,
) -> dict[str, Any]:
    """The event recorded and, if `wanted` and the day has a published roster, the re-plan it queued (else None).

    The re-plan starts from the event's moment when the dispatcher gave one, else from now."""
    job = None
    if wanted and published_id(conn, event["region_id"], event["day"]) is not None:
        as_of = event["effective_at"] if at_given else events.moment(conn, event["region_id"], event["day"], None)
        job, _ = _request(conn, who, queue_job, event["region_id"], event["day"], as_of, time_limit_s, reason)
    return {"event": event, "job": job}

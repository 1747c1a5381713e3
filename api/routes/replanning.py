"""Same-day re-planning: what happened (sick call, cancellation, no-show, overrun), re-plans, urgent visits."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Query, Response
from psycopg import Connection
from starlette.concurrency import run_in_threadpool

from api.deps import AppServices, Conn, CurrentUser, Services
from api.routes.rosters import job_out
from api.schemas.replanning import DayEventOut, EventIn, EventRecorded, OverrunIn, ReplanIn, SickCallIn, SlotChoice, SlotsOut
from api.schemas.rosters import JobOut, RosterOut
from dispatch.jobs import queue
from dispatch.platform.access import Principal
from dispatch.records.regions import managed_region
from dispatch.rosters.workflow import published_id
from dispatch.sameday import events, urgent
from dispatch.sameday.state import published_roster_id

router = APIRouter(tags=["re-planning"])


def event_out(row: dict) -> DayEventOut:
    return DayEventOut(**{k: row[k] for k in DayEventOut.model_fields if k != "date"}, date=row["day"])


async def _replan(services: Services, conn: Connection, who: Principal, region_id: str, day: date, as_of: datetime,
                  time_limit_s: float | None, reason: str) -> tuple[dict, bool]:
    """Queue a re-plan of the day from `as_of` (a re-plan already queued or running is joined)."""
    row, created = await run_in_threadpool(queue.request_solve, conn, who, region_id, day,
                                           time_limit_s or services.settings.replan_time_limit_s, None,
                                           replan_as_of=as_of, reason=reason)
    if created:
        await queue.enqueue(services.jobs, services.pool, row)
    return row, created


async def _recorded(services: Services, conn: Connection, who: Principal, event: dict, body: EventIn,
                    reason: str) -> EventRecorded:
    job = None
    if body.replan and published_id(conn, event["region_id"], event["day"]) is not None:
        as_of = event["effective_at"] if body.at is not None else events.moment(conn, event["region_id"],
                                                                                       event["day"], None)
        job, _ = await _replan(services, conn, who, event["region_id"], event["day"], as_of, body.time_limit_s, reason)
    return EventRecorded(event=event_out(event), job=job and job_out(job))


@router.post("/v1/regions/{region_id}/rosters/{day}/replan", response_model=JobOut, status_code=202,
             responses={200: {"model": JobOut, "description": "a re-plan or solve of this day was under way: that job"}})
async def replan(region_id: str, day: date, services: AppServices, conn: Conn, who: CurrentUser, response: Response,
                 body: ReplanIn | None = None) -> JobOut:
    """Re-plan the rest of the day from `as_of`, keeping close to the published roster; a draft appears."""
    body = body or ReplanIn()
    managed_region(conn, who, region_id)
    queue.check_day_near(day)
    published_roster_id(conn, region_id, day)  # refuse at once when there is nothing to re-plan
    as_of = events.moment(conn, region_id, day, body.as_of)
    row, created = await _replan(services, conn, who, region_id, day, as_of, body.time_limit_s,
                                 body.reason or "re-planned by hand")
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/v1/jobs/{row['id']}"
    return job_out(row)


@router.post("/v1/nurses/{nurse_id}/sick-calls", response_model=EventRecorded, status_code=201)
async def sick_call(nurse_id: int, body: SickCallIn, services: AppServices, conn: Conn, who: CurrentUser) -> EventRecorded:
    """She is off from `at` (default: now): her visits not yet begun go to others in a re-plan."""
    event = events.sick_call(conn, who, nurse_id, body.date, body.at, body.note)
    return await _recorded(services, conn, who, event, body, f"sick call: nurse {nurse_id}")


@router.post("/v1/visits/{visit_id}/cancellation", response_model=EventRecorded, status_code=201)
async def cancellation(visit_id: int, body: EventIn, services: AppServices, conn: Conn, who: CurrentUser) -> EventRecorded:
    """The patient cancelled: the visit is cancelled and its slot freed in a re-plan."""
    event = events.cancel_visit(conn, who, visit_id, body.at, body.note)
    return await _recorded(services, conn, who, event, body, f"cancellation: visit {visit_id}")


@router.post("/v1/visits/{visit_id}/no-show", response_model=EventRecorded, status_code=201)
async def no_show(visit_id: int, body: EventIn, services: AppServices, conn: Conn, who: CurrentUser) -> EventRecorded:
    """Nobody was home: the nurse goes on from the patient's door at `at`."""
    event = events.no_show(conn, who, visit_id, body.at, body.note)
    return await _recorded(services, conn, who, event, body, f"no-show: visit {visit_id}")


@router.post("/v1/visits/{visit_id}/overrun", response_model=EventRecorded, status_code=201)
async def overrun(visit_id: int, body: OverrunIn, services: AppServices, conn: Conn, who: CurrentUser) -> EventRecorded:
    """The visit runs `minutes` long: the rest of the nurse's day moves, or goes to others, in a re-plan."""
    event = events.overrun(conn, who, visit_id, body.minutes, body.at, body.note)
    return await _recorded(services, conn, who, event, body, f"overrun: visit {visit_id} +{body.minutes} min")


@router.get("/v1/regions/{region_id}/days/{day}/events", response_model=list[DayEventOut])
def list_day_events(region_id: str, day: date, conn: Conn, who: CurrentUser) -> list[DayEventOut]:
    return [event_out(row) for row in events.events_of_day(conn, who, region_id, day)]


@router.get("/v1/visits/{visit_id}/slots", response_model=SlotsOut, response_model_by_alias=True)
def slots(visit_id: int, conn: Conn, who: CurrentUser,
          as_of: Annotated[time | None, Query(description="the region's time, HH:MM; default: now")] = None,
          limit: Annotated[int, Query(ge=1, le=50)] = 5) -> dict:
    """Where an urgent visit (not yet in the roster) could go, best first, and what else moves for each."""
    return urgent.slots(conn, who, visit_id, as_of, limit)


@router.post("/v1/visits/{visit_id}/slots/take", response_model=RosterOut, status_code=201)
def take_slot(visit_id: int, body: SlotChoice, conn: Conn, who: CurrentUser) -> dict:
    """A new draft of the published roster with the visit in the slot chosen (published at once with `publish`)."""
    return urgent.take_slot(conn, who, visit_id, body.nurse_id, body.position, body.bumped, body.as_of,
                                   body.publish)

"""Same-day re-planning: what happened (sick call, cancellation, no-show, overrun), re-plans, urgent visits."""

from __future__ import annotations

from datetime import date, time
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import AppServices, Conn, CurrentUser
from api.routes.rosters import job_out
from api.schemas.replanning import (
    CallOut,
    DayEventOut,
    EventIn,
    EventRecorded,
    OverrunIn,
    ReplanIn,
    SickCallIn,
    SlotChoice,
    SlotsOut,
)
from api.schemas.rosters import JobOut, RosterOut
from dispatch.sameday import calls, events, urgent
from dispatch.sameday import replan as replans

router = APIRouter(tags=["re-planning"])


def _recorded(outcome: dict) -> EventRecorded:
    return EventRecorded(event=outcome["event"], job=outcome["job"] and job_out(outcome["job"]))


@router.post(
    "/v1/regions/{region_id}/rosters/{day}/replan",
    response_model=JobOut,
    status_code=202,
    responses={200: {"model": JobOut, "description": "a re-plan or solve of this day was under way: that job"}},
)
def replan(
    region_id: str,
    day: date,
    services: AppServices,
    conn: Conn,
    who: CurrentUser,
    response: Response,
    body: ReplanIn | None = None,
) -> JobOut:
    """Re-plan the rest of the day from `as_of`, keeping close to the published roster; a draft appears."""
    body = body or ReplanIn()
    row, created = replans.replan_day(
        conn,
        who,
        services.queue_job,
        region_id,
        day,
        body.as_of,
        body.time_limit_s or services.settings.replan_time_limit_s,
        body.reason,
    )
    if not created:
        response.status_code = 200
    response.headers["Location"] = f"/v1/jobs/{row['id']}"
    return job_out(row)


def _after(event: dict, body: EventIn, services: AppServices, conn: Conn, who: CurrentUser, reason: str) -> EventRecorded:
    return _recorded(
        replans.after_event(
            conn,
            who,
            services.queue_job,
            event,
            body.at is not None,
            body.replan,
            body.time_limit_s or services.settings.replan_time_limit_s,
            reason,
        )
    )


@router.post("/v1/nurses/{nurse_id}/sick-calls", response_model=EventRecorded, status_code=201)
def sick_call(nurse_id: int, body: SickCallIn, services: AppServices, conn: Conn, who: CurrentUser) -> EventRecorded:
    """She is off from `at` (default: now): her visits not yet begun go to others in a re-plan."""
    event = events.sick_call(conn, who, nurse_id, body.date, body.at, body.note)
    return _after(event, body, services, conn, who, f"sick call: {event['nurse_name']}")


@router.post("/v1/visits/{visit_id}/cancellation", response_model=EventRecorded, status_code=201)
def cancellation(visit_id: int, body: EventIn, services: AppServices, conn: Conn, who: CurrentUser) -> EventRecorded:
    """The patient cancelled: the visit is cancelled and its slot freed in a re-plan."""
    event = events.cancel_visit(conn, who, visit_id, body.at, body.note)
    return _after(event, body, services, conn, who, f"cancellation: {event['patient_name']}")


@router.post("/v1/visits/{visit_id}/no-show", response_model=EventRecorded, status_code=201)
def no_show(visit_id: int, body: EventIn, services: AppServices, conn: Conn, who: CurrentUser) -> EventRecorded:
    """Nobody was home: the nurse goes on from the patient's door at `at`."""
    event = events.no_show(conn, who, visit_id, body.at, body.note)
    return _after(event, body, services, conn, who, f"no-show: {event['patient_name']}")


@router.post("/v1/visits/{visit_id}/overrun", response_model=EventRecorded, status_code=201)
def overrun(visit_id: int, body: OverrunIn, services: AppServices, conn: Conn, who: CurrentUser) -> EventRecorded:
    """The visit runs `minutes` long: the rest of the nurse's day moves, or goes to others, in a re-plan."""
    event = events.overrun(conn, who, visit_id, body.minutes, body.at, body.note)
    return _after(event, body, services, conn, who, f"overrun: {event['patient_name']} +{body.minutes} min")


@router.get("/v1/regions/{region_id}/days/{day}/events", response_model=list[DayEventOut])
def list_day_events(region_id: str, day: date, conn: Conn, who: CurrentUser) -> list[dict]:
    """What the dispatcher was told during a day (sick calls, cancellations, no-shows, overruns, urgent visits), in order."""
    return events.events_of_day(conn, who, region_id, day)


@router.post("/v1/regions/{region_id}/days/{day}/events/{event_id}/undo", response_model=DayEventOut)
def undo_event(region_id: str, day: date, event_id: int, conn: Conn, who: CurrentUser) -> dict:
    """Take back an event recorded by mistake: it stops counting, the visit's status is put back; audited."""
    return events.undo(conn, who, region_id, day, event_id)


@router.get("/v1/visits/{visit_id}/slots", response_model=SlotsOut, response_model_by_alias=True)
def slots(
    visit_id: int,
    conn: Conn,
    who: CurrentUser,
    as_of: Annotated[time | None, Query(description="the region's time, HH:MM; default: now")] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 5,
) -> dict:
    """Where an urgent visit (not yet in the roster) could go, best first, and what else moves for each."""
    return urgent.slots(conn, who, visit_id, as_of, limit)


@router.post("/v1/visits/{visit_id}/slots/take", response_model=RosterOut, status_code=201)
def take_slot(visit_id: int, body: SlotChoice, conn: Conn, who: CurrentUser) -> dict:
    """A new draft of the published roster with the visit in the slot chosen (published at once with `publish`)."""
    return urgent.take_slot(conn, who, visit_id, body.nurse_id, body.position, body.bumped, body.as_of, body.publish)


@router.get("/v1/rosters/{roster_id}/calls", response_model=list[CallOut])
def roster_calls(roster_id: int, conn: Conn, who: CurrentUser) -> list[dict]:
    """The patients called about this roster's changes (after a re-plan), by whom and when: the console's call list."""
    return calls.calls(conn, who, roster_id)


@router.put("/v1/rosters/{roster_id}/calls/{visit_id}", response_model=CallOut)
def mark_called(roster_id: int, visit_id: int, conn: Conn, who: CurrentUser) -> dict:
    """Tick the patient of this visit as called about the roster's change (audited; a second tick keeps the first)."""
    return calls.mark_called(conn, who, roster_id, visit_id)


@router.delete("/v1/rosters/{roster_id}/calls/{visit_id}", status_code=204)
def unmark_called(roster_id: int, visit_id: int, conn: Conn, who: CurrentUser) -> Response:
    """Take back a "called" tick made by mistake (audited)."""
    calls.unmark_called(conn, who, roster_id, visit_id)
    return Response(status_code=204)

"""Solve schedules of a region (e.g. tomorrow's roster at 18:00, again at 05:30 with late bookings)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import Conn, CurrentUser, IfMatch
from api.schemas.schedules import ScheduleIn, ScheduleOut, SchedulePatch
from dispatch.jobs import schedules

router = APIRouter(tags=["schedules"])


@router.post("/v1/regions/{region_id}/schedules", response_model=ScheduleOut, status_code=201)
def create_schedule(region_id: str, body: ScheduleIn, conn: Conn, who: CurrentUser) -> dict:
    """Add a timed solve for the region (e.g. tomorrow's roster at 18:00 in the region's timezone)."""
    return schedules.add_schedule(conn, who, region_id, body.model_dump())


@router.get("/v1/regions/{region_id}/schedules", response_model=list[ScheduleOut])
def region_schedules(region_id: str, conn: Conn, who: CurrentUser) -> list[dict]:
    """The region's timed solves."""
    return schedules.schedules_in(conn, who, region_id)


@router.get("/v1/schedules/{schedule_id}", response_model=ScheduleOut)
def one_schedule(schedule_id: int, conn: Conn, who: CurrentUser, response: Response) -> dict:
    """One timed solve; its `version` is the `If-Match` for a change."""
    row = schedules.schedule(conn, who, schedule_id)
    response.headers["ETag"] = f'"{row["version"]}"'
    return row


@router.patch("/v1/schedules/{schedule_id}", response_model=ScheduleOut)
def change_schedule(schedule_id: int, body: SchedulePatch, conn: Conn, who: CurrentUser, version: IfMatch) -> dict:
    """Change a timed solve; the scheduler picks the change up without a restart."""
    return schedules.update_schedule(conn, who, schedule_id, body.given(), version)


@router.delete("/v1/schedules/{schedule_id}", status_code=204)
def delete_schedule(schedule_id: int, conn: Conn, who: CurrentUser) -> Response:
    """Delete a timed solve."""
    schedules.remove_schedule(conn, who, schedule_id)
    return Response(status_code=204)

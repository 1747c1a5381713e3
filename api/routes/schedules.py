"""Solve schedules of a region (e.g. tomorrow's roster at 18:00, again at 05:30 with late bookings)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import Conn, CurrentUser, IfMatch
from api.schemas.schedules import ScheduleIn, ScheduleOut, SchedulePatch
from dispatch.jobs import schedules

router = APIRouter(tags=["schedules"])


@router.post("/v1/regions/{region_id}/schedules", response_model=ScheduleOut, status_code=201)
def create_schedule(region_id: str, body: ScheduleIn, conn: Conn, who: CurrentUser) -> dict:
    return schedules.add_schedule(conn, who, region_id, body.model_dump())


@router.get("/v1/regions/{region_id}/schedules", response_model=list[ScheduleOut])
def region_schedules(region_id: str, conn: Conn, who: CurrentUser) -> list[dict]:
    return schedules.schedules_in(conn, who, region_id)


@router.get("/v1/schedules/{schedule_id}", response_model=ScheduleOut)
def one_schedule(schedule_id: int, conn: Conn, who: CurrentUser, response: Response) -> dict:
    row = schedules.schedule(conn, who, schedule_id)
    response.headers["ETag"] = f'"{row["version"]}"'
    return row


@router.patch("/v1/schedules/{schedule_id}", response_model=ScheduleOut)
def change_schedule(schedule_id: int, body: SchedulePatch, conn: Conn, who: CurrentUser, version: IfMatch) -> dict:
    return schedules.update_schedule(conn, who, schedule_id, body.given(), version)


@router.delete("/v1/schedules/{schedule_id}", status_code=204)
def delete_schedule(schedule_id: int, conn: Conn, who: CurrentUser) -> Response:
    schedules.remove_schedule(conn, who, schedule_id)
    return Response(status_code=204)

"""Nurses of a region, their certifications and shifts."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from api.deps import AppServices, Conn, CurrentUser, IfMatch
from api.schemas.nurses import (
    ContractIn,
    ContractOut,
    NurseIn,
    NurseLoginIn,
    NurseLoginOut,
    NurseOut,
    NursePatch,
    ShiftGrid,
    ShiftIn,
    ShiftOut,
    TimeOffIn,
    TimeOffOut,
)
from dispatch.records import contracts, nurses, users
from dispatch.vocabulary import MAX_PLAN_DAYS

router = APIRouter(tags=["nurses"])


@router.post("/v1/regions/{region_id}/nurses", response_model=NurseOut, status_code=201)
def create_nurse(region_id: str, body: NurseIn, conn: Conn, who: CurrentUser, services: AppServices) -> dict:
    """Add a nurse to a region: home (a location, or an address geocoded), certifications with expiry dates, licensed
    states, break, cap on visits."""
    return nurses.add_nurse(conn, who, region_id, body.model_dump(), services.geocoder)


@router.get("/v1/regions/{region_id}/nurses", response_model=list[NurseOut])
def region_nurses(region_id: str, conn: Conn, who: CurrentUser) -> list[dict]:
    """The region's nurses, with their certifications."""
    return nurses.nurses_in(conn, who, region_id)


@router.get("/v1/nurses/{nurse_id}", response_model=NurseOut)
def one_nurse(nurse_id: int, conn: Conn, who: CurrentUser, response: Response) -> dict:
    """One nurse, with her certifications; its `version` is the `If-Match` for a change."""
    out = nurses.nurse(conn, who, nurse_id)
    response.headers["ETag"] = f'"{out["version"]}"'
    return out


@router.patch("/v1/nurses/{nurse_id}", response_model=NurseOut)
def change_nurse(nurse_id: int, body: NursePatch, conn: Conn, who: CurrentUser, version: IfMatch, services: AppServices) -> dict:
    """Change the fields given (and the certifications, when given; a new home address is geocoded); others stay as
    they are. `If-Match` is honoured."""
    return nurses.update_nurse(conn, who, nurse_id, body.given(), version, services.geocoder)


@router.post("/v1/nurses/{nurse_id}/account", response_model=NurseLoginOut, status_code=201)
def create_nurse_login(nurse_id: int, body: NurseLoginIn, conn: Conn, who: CurrentUser) -> dict:
    """Give her a login (a dispatcher of her region, or an admin): the answer holds a temporary password, shown this once.

    One login per nurse (409 when she has one, or is not active, or the user name is taken)."""
    return users.create_nurse_login(conn, who, nurse_id, body.username)


@router.delete("/v1/nurses/{nurse_id}", status_code=204)
def delete_nurse(nurse_id: int, conn: Conn, who: CurrentUser) -> Response:
    """Delete a nurse who never appeared in a roster, visit or account; otherwise 409 (set `active` to false instead)."""
    nurses.remove_nurse(conn, who, nurse_id)
    return Response(status_code=204)


@router.put("/v1/nurses/{nurse_id}/shifts/{day}", response_model=ShiftOut)
def set_shift(nurse_id: int, day: date, body: ShiftIn, conn: Conn, who: CurrentUser) -> dict:
    """Set her shift on a date (she is planned only on dates with a shift)."""
    return nurses.set_shift(conn, who, nurse_id, day, body.start, body.end)


@router.delete("/v1/nurses/{nurse_id}/shifts/{day}", status_code=204)
def remove_shift(nurse_id: int, day: date, conn: Conn, who: CurrentUser) -> Response:
    """Take her shift off a date."""
    nurses.remove_shift(conn, who, nurse_id, day)
    return Response(status_code=204)


@router.get("/v1/nurses/{nurse_id}/shifts", response_model=list[ShiftOut])
def nurse_shifts(
    nurse_id: int,
    conn: Conn,
    who: CurrentUser,
    first: Annotated[date | None, Query(alias="from", description="default: today")] = None,
    last: Annotated[date | None, Query(alias="to", description="default: a month on")] = None,
) -> list[dict]:
    """Her shifts between two dates (`from`, `to`): each from her weekly template, a dated change, or time off."""
    return contracts.shifts(conn, who, nurse_id, first, last)


@router.get("/v1/nurses/{nurse_id}/contract", response_model=ContractOut)
def nurse_contract(nurse_id: int, conn: Conn, who: CurrentUser) -> dict:
    """Her contract: weekly shift template, caps per day and week, overtime allowed and its price."""
    return contracts.contract(conn, who, nurse_id)


@router.put("/v1/nurses/{nurse_id}/contract", response_model=ContractOut)
def set_contract(nurse_id: int, body: ContractIn, conn: Conn, who: CurrentUser) -> dict:
    """Set her contract (template, caps, overtime); dated changes and time off stay as exceptions."""
    return contracts.set_contract(conn, who, nurse_id, body.model_dump())


@router.put("/v1/nurses/{nurse_id}/time-off/{day}", response_model=TimeOffOut)
def time_off(nurse_id: int, day: date, body: TimeOffIn, conn: Conn, who: CurrentUser) -> dict:
    """Give her time off on a date (an exception to her template)."""
    return contracts.set_time_off(conn, who, nurse_id, day, body.note)


@router.get("/v1/regions/{region_id}/shift-grid", response_model=ShiftGrid)
def shift_grid(
    region_id: str,
    conn: Conn,
    who: CurrentUser,
    first: Annotated[date, Query(alias="from")],
    days: Annotated[int, Query(ge=1, le=MAX_PLAN_DAYS)] = 7,
) -> dict:
    """The region's week shift grid: nurses × days, each cell her shift or off, and where it comes from."""
    return contracts.shift_grid(conn, who, region_id, first, days)

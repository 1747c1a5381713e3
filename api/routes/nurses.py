"""Nurses of a region, their certifications and shifts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from api.deps import Conn, CurrentUser, IfMatch
from api.schemas.nurses import NurseIn, NurseOut, NursePatch, ShiftIn, ShiftOut
from dispatch.errors import InvalidField
from dispatch.records import nurses

router = APIRouter(tags=["nurses"])


def _columns(body: NurseIn | NursePatch) -> tuple[dict[str, Any], list[dict] | None]:
    given = body.model_dump(exclude_unset=True, by_alias=False)
    for required in ("name", "licensed_states", "active"):
        if required in given and given[required] is None:
            raise InvalidField("cannot be null", required)
    fields = {k: v for k, v in given.items() if k in ("name", "phone", "licensed_states", "max_visits", "active")}
    if "home" in given and given["home"] is not None:
        fields |= {"home_lat": given["home"]["lat"], "home_lon": given["home"]["lon"]}
    if "break_" in given:
        brk = given["break_"]
        fields |= {"break_start": brk and brk["window"]["start"], "break_end": brk and brk["window"]["end"],
                   "break_minutes": brk and brk["duration_min"]}
    certifications = given.get("certifications")
    return fields, certifications


def nurse_out(row: dict) -> NurseOut:
    brk = None if row["break_start"] is None else {
        "window": {"start": row["break_start"], "end": row["break_end"]}, "duration_min": row["break_minutes"]}
    return NurseOut(id=row["id"], region_id=row["region_id"], name=row["name"], phone=row["phone"],
                    home={"lat": row["home_lat"], "lon": row["home_lon"]}, licensed_states=row["licensed_states"],
                    certifications=row["certifications"], max_visits=row["max_visits"], break_=brk,
                    active=row["active"], version=row["version"])


@router.post("/v1/regions/{region_id}/nurses", response_model=NurseOut, status_code=201, response_model_by_alias=True)
def create_nurse(region_id: str, body: NurseIn, conn: Conn, who: CurrentUser) -> NurseOut:
    fields, certifications = _columns(body)
    return nurse_out(nurses.add_nurse(conn, who, region_id, fields, certifications or []))


@router.get("/v1/regions/{region_id}/nurses", response_model=list[NurseOut])
def region_nurses(region_id: str, conn: Conn, who: CurrentUser) -> list[NurseOut]:
    return [nurse_out(row) for row in nurses.nurses_in(conn, who, region_id)]


@router.get("/v1/nurses/{nurse_id}", response_model=NurseOut)
def one_nurse(nurse_id: int, conn: Conn, who: CurrentUser, response: Response) -> NurseOut:
    out = nurse_out(nurses.nurse(conn, who, nurse_id))
    response.headers["ETag"] = f'"{out.version}"'
    return out


@router.patch("/v1/nurses/{nurse_id}", response_model=NurseOut)
def change_nurse(nurse_id: int, body: NursePatch, conn: Conn, who: CurrentUser, version: IfMatch) -> NurseOut:
    fields, certifications = _columns(body)
    return nurse_out(nurses.update_nurse(conn, who, nurse_id, fields, certifications, version))


@router.delete("/v1/nurses/{nurse_id}", status_code=204)
def delete_nurse(nurse_id: int, conn: Conn, who: CurrentUser) -> Response:
    nurses.remove_nurse(conn, who, nurse_id)
    return Response(status_code=204)


@router.put("/v1/nurses/{nurse_id}/shifts/{day}", response_model=ShiftOut)
def set_shift(nurse_id: int, day: date, body: ShiftIn, conn: Conn, who: CurrentUser) -> ShiftOut:
    row = nurses.set_shift(conn, who, nurse_id, day, body.start, body.end)
    return ShiftOut(nurse_id=row["nurse_id"], date=row["day"], start=row["starts"], end=row["ends"])


@router.delete("/v1/nurses/{nurse_id}/shifts/{day}", status_code=204)
def remove_shift(nurse_id: int, day: date, conn: Conn, who: CurrentUser) -> Response:
    nurses.remove_shift(conn, who, nurse_id, day)
    return Response(status_code=204)


@router.get("/v1/nurses/{nurse_id}/shifts", response_model=list[ShiftOut])
def nurse_shifts(nurse_id: int, conn: Conn, who: CurrentUser,
                 first: Annotated[date | None, Query(alias="from")] = None,
                 last: Annotated[date | None, Query(alias="to")] = None) -> list[ShiftOut]:
    first = first or date.today()
    last = last or min(first, date.max - timedelta(days=30)) + timedelta(days=30)  # a month on, or the last date
    return [ShiftOut(nurse_id=r["nurse_id"], date=r["day"], start=r["starts"], end=r["ends"])
            for r in nurses.shifts(conn, who, nurse_id, first, last)]

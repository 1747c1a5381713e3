"""Visits: one at a time, or a day's worth from a CSV (all rows or none)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import Conn, CurrentUser, IfMatch
from api.request_body import BODY_SECONDS
from api.schemas.visits import ImportResult, VisitIn, VisitOut, VisitPatch
from dispatch.errors import InvalidField
from dispatch.records import visits

router = APIRouter(tags=["visits"])

CSV_EXAMPLE = (
    "patient_id,date,window_start,window_end,service,priority,duration_min,pinned_nurse_id,notes\n"
    "12,2026-11-25,09:00,11:00,ketamine,3,,,second floor\n"
)
IMPORT_DESCRIPTION = (
    "Columns: patient_id, date, window_start, window_end, service (required); priority, duration_min,"
    " pinned_nurse_id, notes. Errors name each bad line (a field more than the header has, a quote never"
    " closed); nothing is imported if any line is wrong.\n\n"
    f"At most {visits.MAX_IMPORT_ROWS} rows (422 beyond) and {visits.MAX_IMPORT_BYTES >> 20} MiB (413 beyond);"
    f" the whole file must arrive within {BODY_SECONDS:.0f} s (408)."
)


@router.post("/v1/visits", response_model=VisitOut, status_code=201)
def create_visit(body: VisitIn, conn: Conn, who: CurrentUser) -> dict:
    """Book a visit: a patient's service on a date within a window. Warns at once when the patient is not cleared for it."""
    request = visits.VisitRequest(
        patient_id=body.patient_id,
        day=body.date,
        window_start=body.window.start,
        window_end=body.window.end,
        service=body.service,
        priority=body.priority,
        duration_min=body.duration_min,
        pinned_nurse_id=body.pinned_nurse_id,
        notes=body.notes,
    )
    return visits.add_visit(conn, who, request)


@router.get("/v1/regions/{region_id}/visits", response_model=list[VisitOut])
def visits_of_day(region_id: str, day: Annotated[date, Query(alias="date")], conn: Conn, who: CurrentUser) -> list[dict]:
    """The region's visits on a date (`date`), with their status."""
    return visits.visits_on(conn, who, region_id, day)


@router.get("/v1/visits/{visit_id}", response_model=VisitOut)
def one_visit(visit_id: int, conn: Conn, who: CurrentUser, response: Response) -> dict:
    """One visit (audited); its `version` is the `If-Match` for a change."""
    out = visits.visit(conn, who, visit_id)
    response.headers["ETag"] = f'"{out["version"]}"'
    return out


@router.patch("/v1/visits/{visit_id}", response_model=VisitOut)
def change_visit(visit_id: int, body: VisitPatch, conn: Conn, who: CurrentUser, version: IfMatch) -> dict:
    """Change a visit; a visit held by the published roster keeps its date, window, duration and service (409: re-plan or move
    it).
    """
    return visits.update_visit(conn, who, visit_id, body.given(), version)


@router.delete("/v1/visits/{visit_id}", status_code=204)
def delete_visit(visit_id: int, conn: Conn, who: CurrentUser) -> Response:
    """Delete a visit that no roster holds; otherwise 409 (cancel it instead)."""
    visits.remove_visit(conn, who, visit_id)
    return Response(status_code=204)


@router.post(
    "/v1/regions/{region_id}/visits/import",
    response_model=ImportResult,
    status_code=201,
    description=IMPORT_DESCRIPTION,
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}}}
    },
)
async def import_visits(region_id: str, request: Request, conn: Conn, who: CurrentUser) -> ImportResult:
    """Import a day's visits from a CSV (text/csv): every line is checked and nothing is imported unless all are right."""
    if request.headers.get("content-type", "").split(";")[0].strip() not in ("text/csv", "text/plain"):
        raise InvalidField("send the file as text/csv", "content-type")
    raw = await request.body()  # already read, bounded in size and time, by api.request_body
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidField("the file is not UTF-8 text", "body") from None
    rows = await run_in_threadpool(visits.import_csv, conn, who, region_id, text)
    return ImportResult(imported=len(rows), visit_ids=[r["id"] for r in rows], warnings=[w for r in rows for w in r["warnings"]])

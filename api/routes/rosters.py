"""Solve jobs and rosters: request a solve, follow it, review, compare, adjust and publish."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Header, Query, Response

from api.deps import AppServices, Conn, CurrentUser, IfMatchRequired
from api.schemas.rosters import Comparison, JobOut, MoveIn, RosterOut, RosterSummary, RosterView, SolveIn
from dispatch.jobs import queue
from dispatch.rosters import view, workflow

router = APIRouter(tags=["rosters"])


def job_out(row: dict) -> JobOut:
    return JobOut(**{k: row[k] for k in JobOut.model_fields if k not in ("id", "date")}, id=str(row["id"]), date=row["day"])


@router.post(
    "/v1/regions/{region_id}/rosters/{day}/solve",
    response_model=JobOut,
    status_code=202,
    responses={200: {"model": JobOut, "description": "the same request was made before: its job"}},
)
def solve(
    region_id: str,
    day: date,
    services: AppServices,
    conn: Conn,
    who: CurrentUser,
    response: Response,
    body: SolveIn | None = None,
    idempotency_key: Annotated[str | None, Header(max_length=200)] = None,
) -> JobOut:
    """Queue a solve of the region's day; a draft roster appears when the job succeeds.

    A retry with the same `Idempotency-Key`, or a request while the day is already being solved,
    returns that job instead of starting another."""
    time_limit = (body and body.time_limit_s) or services.settings.solve_time_limit_s
    row, created = queue.request_solve(conn, who, region_id, day, time_limit, idempotency_key)
    if created:
        services.queue_job(row)
    else:
        response.status_code = 200
    response.headers["Location"] = f"/v1/jobs/{row['id']}"
    return job_out(row)


@router.get("/v1/jobs/{job_id}", response_model=JobOut)
def one_job(job_id: str, conn: Conn, who: CurrentUser) -> JobOut:
    """A solve or re-plan job: its state, live progress while it runs, and the draft roster it made."""
    return job_out(queue.job(conn, who, job_id))


@router.get("/v1/regions/{region_id}/rosters/{day}", response_model=list[RosterSummary])
def rosters_of_day(region_id: str, day: date, conn: Conn, who: CurrentUser) -> list[dict]:
    """The day's roster versions (drafts, the published one, superseded ones), newest first."""
    return workflow.rosters_of_day(conn, who, region_id, day)


@router.get("/v1/rosters/{roster_id}", response_model=RosterOut)
def one_roster(roster_id: int, conn: Conn, who: CurrentUser, response: Response) -> dict:
    """One roster: routes with times, unassigned visits with reasons, KPIs and the travel model (audited)."""
    out = workflow.roster(conn, who, roster_id)
    response.headers["ETag"] = f'"{out["revision"]}"'
    return out


@router.get("/v1/rosters/{roster_id}/view", response_model=RosterView, response_model_by_alias=True)
def roster_view(roster_id: int, conn: Conn, who: CurrentUser) -> dict:
    """The roster as the console draws it: each nurse's day (shift, drives, stops, break) and the map's points."""
    return view.roster_view(conn, who, roster_id)


@router.get("/v1/rosters/{roster_id}/compare", response_model=Comparison)
def compare(
    roster_id: int,
    conn: Conn,
    who: CurrentUser,
    other: Annotated[int | None, Query(alias="with", description="default: the published roster")] = None,
    tolerance_min: Annotated[int, Query(ge=0, le=1440)] = 0,
) -> dict:
    """What changes for whom between this roster and another (default: the published one): per nurse, added, removed and re-timed
    visits.
    """
    return workflow.compare(conn, who, roster_id, other, tolerance_min)


@router.post("/v1/rosters/{roster_id}/publish", response_model=RosterOut)
def publish(roster_id: int, conn: Conn, who: CurrentUser, revision: IfMatchRequired, response: Response) -> dict:
    """Publish this draft (send `If-Match` with the revision you reviewed); all of it or nothing."""
    out = workflow.publish(conn, who, roster_id, revision)
    response.headers["ETag"] = f'"{out["revision"]}"'
    return out


@router.post("/v1/rosters/{roster_id}/moves", response_model=RosterOut)
def move(roster_id: int, body: MoveIn, conn: Conn, who: CurrentUser, revision: IfMatchRequired, response: Response) -> dict:
    """Move a visit to a nurse (at a time, or where it fits best) or out of the draft; 409 says which rule breaks."""
    out = workflow.move_visit(conn, who, roster_id, body.visit_id, body.nurse_id, body.start, revision)
    response.headers["ETag"] = f'"{out["revision"]}"'
    return out

"""Week plans: a job on the solve workers that writes a draft roster per day; publish them all at once."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import AppServices, Conn, CurrentUser
from api.schemas.plans import PlanIn, PlanOut, ReplanIn
from dispatch.courses import plans

router = APIRouter(tags=["plans"])


@router.post(
    "/v1/regions/{region_id}/plans",
    response_model=PlanOut,
    status_code=202,
    responses={200: {"model": PlanOut, "description": "a plan of the region is already under way: that one"}},
)
def request_plan(region_id: str, body: PlanIn, services: AppServices, conn: Conn, who: CurrentUser, response: Response) -> dict:
    """Queue a week plan of the region from `from` for `days` days; follow it at its Location."""
    time_limit = body.time_limit_s or min(600.0, services.settings.solve_time_limit_s * body.days)
    row, created = plans.request_plan(conn, who, region_id, body.from_, body.days, time_limit)
    if created:
        services.queue_plan(row)
    else:
        response.status_code = 200
    response.headers["Location"] = f"/v1/plans/{row['id']}"
    return plans.plan_view(conn, who, row["id"])


@router.get("/v1/plans/{plan_id}", response_model=PlanOut)
def one_plan(plan_id: int, conn: Conn, who: CurrentUser) -> dict:
    """A week plan: its state and progress while it runs, then its days' draft rosters and what it left out."""
    return plans.plan_view(conn, who, plan_id)


@router.post("/v1/plans/{plan_id}/publish", response_model=PlanOut)
def publish_plan(plan_id: int, conn: Conn, who: CurrentUser) -> dict:
    """Publish every day of the plan at once (all or none); its sessions get their dates."""
    return plans.publish_plan(conn, who, plan_id)


@router.post("/v1/plans/{plan_id}/replan", response_model=PlanOut, status_code=202)
def replan(plan_id: int, body: ReplanIn, services: AppServices, conn: Conn, who: CurrentUser, response: Response) -> dict:
    """Re-plan the horizon from `from` after an event (a nurse sick, a cancelled session): what was given stays."""
    event = {"sick": {k: [d.isoformat() for d in v] for k, v in body.sick.items()}, "cancelled": body.cancelled}
    time_limit = body.time_limit_s or services.settings.solve_time_limit_s * 7
    row, created = plans.request_replan(conn, who, plan_id, body.from_, min(600.0, time_limit), event | {"reason": body.reason})
    if created:
        services.queue_plan(row)
    else:
        response.status_code = 200
    return plans.plan_view(conn, who, row["id"])

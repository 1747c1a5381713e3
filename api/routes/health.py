"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.problems import problem
from dispatch.jobs.queue import worker_trouble

router = APIRouter(tags=["health"])


@router.get("/healthz")
def alive() -> dict:
    """Liveness: the process answers (no database needed)."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the database is unreachable, or this process's solve worker is down"}})
def ready(request: Request):
    """Readiness: the database answers and, where one runs in this process, the solve worker is alive."""
    services = request.app.state.services
    try:
        with services.pool.connection(timeout=2) as conn:
            conn.execute("SELECT 1")
            trouble = worker_trouble(conn, services.worker, services.settings.stalled_after_s) if services.worker else None
    except Exception:  # any failure to reach the database means not ready
        return problem(503, "the database is unreachable", headers={"Retry-After": "5"})
    if trouble:
        return problem(503, trouble, "worker", headers={"Retry-After": "5"})
    return {"status": "ready"}

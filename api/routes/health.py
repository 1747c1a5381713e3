"""Liveness and readiness for load balancers and orchestrators."""

from __future__ import annotations

from fastapi import APIRouter, Request

from api.problems import problem

router = APIRouter(tags=["health"])


@router.get("/healthz")
def alive() -> dict:
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "the database is unreachable"}})
def ready(request: Request):
    try:
        with request.app.state.services.pool.connection(timeout=2) as conn:
            conn.execute("SELECT 1")
    except Exception:  # any failure to reach the database means not ready
        return problem(503, "the database is unreachable", headers={"Retry-After": "5"})
    return {"status": "ready"}

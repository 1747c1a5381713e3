"""Durations that learn: suggested minutes on site per service and per patient, from nurses' session records."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Conn, CurrentUser
from api.schemas.durations import LearnedDurations
from dispatch.sameday.durations import learned_durations

router = APIRouter(tags=["durations"])


@router.get("/v1/regions/{region_id}/durations", response_model=LearnedDurations)
def durations(region_id: str, conn: Conn, who: CurrentUser) -> dict:
    """The 80th percentile of arrival → discharge per service, and per patient after 3 sessions: a suggestion only."""
    return learned_durations(conn, who, region_id)

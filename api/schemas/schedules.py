"""Solve schedules."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.schemas.common import Body, LocalTime, Patch, TimeLimitS
from dispatch.vocabulary import MAX_DAYS_AHEAD


class ScheduleIn(Body):
    local_time: LocalTime = Field(description="in the region's timezone", examples=["18:00"])
    days_ahead: int = Field(default=1, ge=0, le=MAX_DAYS_AHEAD, description="0: today's roster, 1: tomorrow's")
    time_limit_s: TimeLimitS = 30
    auto_publish: bool = False
    active: bool = True


class SchedulePatch(Patch):
    local_time: LocalTime | None = None
    days_ahead: int | None = Field(default=None, ge=0, le=MAX_DAYS_AHEAD)
    time_limit_s: TimeLimitS | None = None
    auto_publish: bool | None = None
    active: bool | None = None


class ScheduleOut(BaseModel):
    id: int
    region_id: str
    local_time: dt.time
    days_ahead: int
    time_limit_s: float
    auto_publish: bool
    active: bool
    version: int

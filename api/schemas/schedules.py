"""Solve schedules."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.schemas.common import Body


class ScheduleIn(Body):
    local_time: dt.time = Field(description="in the region's timezone", examples=["18:00"])
    days_ahead: int = Field(default=1, ge=0, le=14, description="0: today's roster, 1: tomorrow's")
    time_limit_s: float = Field(default=30, gt=0, le=600)
    auto_publish: bool = False
    active: bool = True


class SchedulePatch(Body):
    local_time: dt.time | None = None
    days_ahead: int | None = Field(default=None, ge=0, le=14)
    time_limit_s: float | None = Field(default=None, gt=0, le=600)
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

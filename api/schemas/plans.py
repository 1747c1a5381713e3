"""Week plans: request, follow, view, publish, re-plan."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

from api.schemas.common import Body, JobState, Notes, RecordId, TimeLimitS
from dispatch.vocabulary import MAX_PLAN_DAYS, PLAN_KINDS, PLAN_STATUSES


class PlanIn(Body):
    from_: dt.date = Field(alias="from", examples=["2026-12-07"], description="the horizon's first day")
    days: int = Field(default=7, ge=1, le=MAX_PLAN_DAYS)
    time_limit_s: TimeLimitS | None = Field(default=None, description="the whole plan; default: the solve time limit × days")


class ReplanIn(Body):
    from_: dt.date = Field(alias="from", description="the first day that may change; the days before stay as they are")
    sick: dict[str, list[dt.date]] = Field(default={}, description="nurse id → the days she is off sick")
    cancelled: list[RecordId] = Field(default=[], description="visits (sessions) cancelled")
    reason: Notes = ""
    time_limit_s: TimeLimitS | None = None


class PlanStop(BaseModel):
    visit_id: int
    start: str
    end: str
    patient_name: str | None
    service: str | None
    course_id: int | None
    session: int | None


class PlanNurse(BaseModel):
    nurse_id: int
    name: str | None
    stops: list[PlanStop]


class PlanDay(BaseModel):
    date: dt.date
    roster_id: int
    status: str
    nurses: list[PlanNurse]


class PlanLeftOut(BaseModel):
    visit_id: str
    reason: str
    patient_name: str | None
    service: str | None
    course_id: int | None
    session: int | None


class PlanOut(BaseModel):
    model_config = {"populate_by_name": True}
    id: int
    region_id: str
    from_: dt.date = Field(alias="from")
    days: int
    kind: Literal[PLAN_KINDS]
    based_on: int | None
    state: JobState
    progress: dict[str, Any] = Field(description="phase, days routed of days, share done (0..1)")
    error: str | None
    status: Literal[PLAN_STATUSES]
    time_limit_s: float
    requested_by: str
    created_at: dt.datetime
    published_at: dt.datetime | None
    published_by: str | None
    rosters: list[PlanDay] = Field(description="one draft roster per day, once the plan is made")
    unassigned: list[PlanLeftOut] = Field(description="each visit placed on no day, with its patient and the reason")
    summary: dict[str, Any]

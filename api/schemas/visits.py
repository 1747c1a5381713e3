"""Visits and the CSV import."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.schemas.common import Body, VisitStatus, Window
from dispatch.records.visits import MAX_DURATION_MIN


class VisitIn(Body):
    patient_id: int
    date: dt.date = Field(examples=["2026-11-25"])
    window: Window
    service: str = Field(examples=["ketamine"])
    duration_min: int | None = Field(default=None, gt=0, le=MAX_DURATION_MIN, description="default: the service's minutes")
    priority: int = Field(default=1, ge=1, le=1000)
    pinned_nurse_id: int | None = None
    notes: str = ""


class VisitPatch(Body):
    date: dt.date | None = None
    window: Window | None = None
    service: str | None = None
    duration_min: int | None = Field(default=None, gt=0, le=MAX_DURATION_MIN)
    priority: int | None = Field(default=None, ge=1, le=1000)
    pinned_nurse_id: int | None = None
    status: VisitStatus | None = None
    notes: str | None = None


class VisitOut(BaseModel):
    id: int
    region_id: str
    patient_id: int
    date: dt.date
    window: Window
    service: str
    duration_min: int
    priority: int
    pinned_nurse_id: int | None
    status: VisitStatus
    notes: str
    version: int


class ImportResult(BaseModel):
    imported: int
    visit_ids: list[int]

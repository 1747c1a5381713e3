"""Visits and the CSV import."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.schemas.common import Body, DurationMin, Name, Notes, Patch, Priority, RecordId, VisitStatus, Window


class VisitIn(Body):
    patient_id: RecordId
    date: dt.date = Field(examples=["2026-11-25"])
    window: Window
    service: Name = Field(examples=["ketamine"], description="a code of the service catalogue (GET /v1/services)")
    duration_min: DurationMin | None = Field(default=None, description="default: the service's minutes")
    priority: Priority = 1
    pinned_nurse_id: RecordId | None = None
    notes: Notes = ""


class VisitPatch(Patch):
    NULLABLE = frozenset({"pinned_nurse_id"})

    date: dt.date | None = None
    window: Window | None = None
    service: Name | None = None
    duration_min: DurationMin | None = None
    priority: Priority | None = None
    pinned_nurse_id: RecordId | None = None
    status: VisitStatus | None = None
    notes: Notes | None = None


class VisitOut(BaseModel):
    id: int
    region_id: str
    patient_id: int
    date: dt.date | None = Field(description="null for a course session not yet planned (see earliest, latest)")
    earliest: dt.date | None = None
    latest: dt.date | None = None
    course_id: int | None = None
    session_no: int | None = None
    window: Window
    service: str
    duration_min: int
    priority: int
    pinned_nurse_id: int | None
    status: VisitStatus
    notes: str
    version: int
    promised: bool = Field(
        default=False, description="booked from an offer: its window is what the patient was told (POST /v1/offers/{id}/take)"
    )
    warnings: list[str] = Field(
        default=[], description="on a booking or a change: e.g. the patient not cleared for it on its day (it is held back)"
    )


class ImportResult(BaseModel):
    imported: int
    visit_ids: list[int]
    warnings: list[str] = Field(default=[], description="by line: e.g. a patient not cleared for the visit on its day")

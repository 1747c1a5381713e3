"""Treatment courses and their pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Body, Name, Notes, RecordId, Window
from dispatch.vocabulary import COURSE_STATUSES, MAX_COURSE_SESSIONS, SESSION_STATES, VISIT_STATUSES, WEEKDAYS

WeekdayName = Literal[WEEKDAYS]


class CourseIn(Body):
    patient_id: RecordId
    service: Name = Field(examples=["ketamine"])
    sessions: int = Field(ge=1, le=MAX_COURSE_SESSIONS, examples=[6])
    min_gap_days: int = Field(ge=1, examples=[5], description="at least this many days between consecutive sessions")
    max_gap_days: int = Field(ge=1, examples=[9], description="at most this many days (not below min_gap_days)")
    weekdays: list[WeekdayName] = Field(default=list(WEEKDAYS[:5]), min_length=1, examples=[["mon", "wed", "fri"]])
    window: Window
    nurse_id: RecordId | None = Field(default=None, description="the course's own nurse (continuity is preferred, not forced)")
    last_given: dt.date | None = Field(default=None, description="the session given before the course was recorded")
    start_on: dt.date | None = Field(
        default=None, description="the first session's earliest day (default: last_given + min_gap_days, else today)"
    )
    notes: Notes = ""


class SessionOut(BaseModel):
    session: int
    visit_id: int
    state: Literal[SESSION_STATES]
    status: Literal[VISIT_STATUSES]
    date: dt.date | None = Field(description="its day, once planned")
    earliest: dt.date | None
    latest: dt.date | None
    nurse_id: int | None = Field(description="the nurse of the roster that holds it (the published one first)")
    nurse_name: str | None
    published: bool
    at_risk: str | None = Field(description="why it may not be given in its gaps, e.g. no nurse with ketamine works those days")


class CourseOut(BaseModel):
    id: int
    region_id: str
    patient_id: int
    patient_name: str
    service: str
    sessions: int
    min_gap_days: int
    max_gap_days: int
    weekdays: list[WeekdayName]
    window: Window
    nurse_id: int | None
    nurse_name: str | None
    last_given: dt.date | None
    start_on: dt.date
    status: Literal[COURSE_STATUSES]
    notes: str
    version: int
    done: int
    planned: int
    at_risk: int
    session_list: list[SessionOut]
    warnings: list[str] = Field(default=[], description="on creation: e.g. the patient not cleared on the first session's day")

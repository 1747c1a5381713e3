"""The nurse's own day: her itinerary, reports from the road, her calendar feed."""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, Field

from api.schemas.common import Body, ReportKind, Role, VisitReportOut, VisitStatus
from api.schemas.users import Password
from dispatch.platform.passwords import MAX_PASSWORD_LENGTH
from dispatch.vocabulary import (
    DIASTOLIC_MM_HG,
    HEART_RATE_BPM,
    MAX_MINUTES_LATE,
    MAX_NOTES_LENGTH,
    SPO2_PERCENT,
    STORED_REPORT_KINDS,
    SYSTOLIC_MM_HG,
)


class PasswordChange(Body):
    current_password: str = Field(max_length=MAX_PASSWORD_LENGTH)
    new_password: Password


class Me(BaseModel):
    username: str
    role: Role
    regions: list[str]
    nurse_id: int | None
    password_temporary: bool = Field(
        default=False,
        description="her password is one a dispatcher made for her: she should choose her own (POST /v1/me/password)",
    )


class ItineraryPatient(BaseModel):
    name: str
    address: str | None
    phone: str | None
    notes: str


class SessionEntry(BaseModel):
    """One record of the session (a phase with its time, vital signs, an adverse event, the escort)."""

    id: int
    kind: ReportKind
    reported_at: dt.datetime
    key: UUID | None = Field(default=None, description="the phone's key for it, if it sent one")
    minutes_late: int | None = None
    systolic: int | None = None
    diastolic: int | None = None
    heart_rate: int | None = None
    spo2: int | None = None
    escort_present: bool | None = None
    note: str | None = None


class ItineraryWindow(BaseModel):
    start: dt.datetime
    end: dt.datetime


class ItineraryStop(BaseModel):
    visit_id: int
    sequence: int
    arrival: dt.datetime
    start: dt.datetime
    end: dt.datetime
    status: VisitStatus
    service: str
    patient: ItineraryPatient
    visit_notes: str
    navigation: str
    report: VisitReportOut | None = Field(default=None, description="her latest report on where she is (not undone)")
    window: ItineraryWindow = Field(description="the patient's window: the visit must start inside it")
    duration_min: int
    session: list[SessionEntry] = Field(default=[], description="the session record so far (undone reports left out)")


class Itinerary(BaseModel):
    nurse_id: int
    nurse_name: str
    date: dt.date
    stops: list[ItineraryStop]
    vitals_interval_min: int = Field(description="the clinic's interval between vital-sign checks during a session")


class DayFingerprint(BaseModel):
    """What changes when her published day does; no patient data, so polling it is cheap and not audited."""

    date: dt.date
    fingerprint: str
    poll_s: float = Field(description="ask again after this many seconds")


class Week(BaseModel):
    nurse_id: int
    nurse_name: str
    days: list[Itinerary] = Field(description="each published day with her stops, in date order")


class CalendarFeed(BaseModel):
    url: str


class Revoked(BaseModel):
    revoked: int


AT = Field(
    default=None,
    description="when it happened, for a report sent later (a phone that was offline); at most a day ago, not in the"
    " future; default: now",
)
KEY = Field(
    default=None,
    description="the phone's id for this report (a UUID made when she tapped): sent again, it is recorded once and"
    " answered as the first time",
)


class VisitReportIn(Body):
    kind: ReportKind
    minutes_late: int | None = Field(default=None, ge=1, le=MAX_MINUTES_LATE, description="with running_late only")
    at: AwareDatetime | None = AT
    key: UUID | None = KEY
    systolic: int | None = Field(default=None, ge=SYSTOLIC_MM_HG[0], le=SYSTOLIC_MM_HG[1], description="vitals: mmHg")
    diastolic: int | None = Field(default=None, ge=DIASTOLIC_MM_HG[0], le=DIASTOLIC_MM_HG[1], description="vitals: mmHg")
    heart_rate: int | None = Field(default=None, ge=HEART_RATE_BPM[0], le=HEART_RATE_BPM[1], description="vitals: per minute")
    spo2: int | None = Field(default=None, ge=SPO2_PERCENT[0], le=SPO2_PERCENT[1], description="vitals: %")
    escort_present: bool | None = Field(default=None, description="escort: whether an adult escort is present")
    note: str | None = Field(default=None, max_length=MAX_NOTES_LENGTH, description="adverse_event: what happened")


class UndoIn(Body):
    undoes: UUID = Field(description="the key of her latest report on the visit, made at most a minute before")
    at: AwareDatetime | None = AT
    key: UUID | None = KEY


class VisitReportAck(SessionEntry):
    kind: Literal[STORED_REPORT_KINDS]  # type: ignore[valid-type]
    visit_id: int
    status: VisitStatus
    undoes: int | None = None

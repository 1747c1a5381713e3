"""The nurse's own day: her itinerary, reports from the road, her calendar feed."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, BaseModel, Field

from api.schemas.common import Body, ReportKind, Role, VisitReportOut, VisitStatus
from api.schemas.users import Password
from dispatch.platform.passwords import MAX_PASSWORD_LENGTH
from dispatch.vocabulary import MAX_MINUTES_LATE


class PasswordChange(Body):
    current_password: str = Field(max_length=MAX_PASSWORD_LENGTH)
    new_password: Password


class Me(BaseModel):
    username: str
    role: Role
    regions: list[str]
    nurse_id: int | None


class ItineraryPatient(BaseModel):
    name: str
    address: str | None
    phone: str | None
    notes: str


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
    report: VisitReportOut | None = Field(default=None, description="her latest report on it")


class Itinerary(BaseModel):
    nurse_id: int
    nurse_name: str
    date: dt.date
    stops: list[ItineraryStop]


class Week(BaseModel):
    nurse_id: int
    nurse_name: str
    days: list[Itinerary] = Field(description="each published day with her stops, in date order")


class CalendarFeed(BaseModel):
    url: str


class Revoked(BaseModel):
    revoked: int


class VisitReportIn(Body):
    kind: ReportKind
    minutes_late: int | None = Field(default=None, ge=1, le=MAX_MINUTES_LATE, description="with running_late only")
    at: AwareDatetime | None = Field(
        default=None,
        description="when it happened, for a report sent later (a phone "
        "that was offline); at most a day ago, not in the future; default: now",
    )


class VisitReportAck(BaseModel):
    visit_id: int
    kind: ReportKind
    status: VisitStatus
    minutes_late: int | None
    reported_at: dt.datetime

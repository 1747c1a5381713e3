"""Request and response bodies of the HTTP API (the OpenAPI document is generated from these)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from dispatch.visits import MAX_DURATION_MIN

Role = Literal["admin", "dispatcher", "nurse"]
VisitStatus = Literal["requested", "scheduled", "en_route", "in_progress", "done", "cancelled", "no_show"]


def _without_offset(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("give a local time such as 09:00, without a UTC offset: the region's timezone applies")
    return value


# Windows, shifts and starts are wall-clock times in the region's timezone.
LocalTime = Annotated[dt.time, AfterValidator(_without_offset)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Point(Body):
    lat: float = Field(ge=-90, le=90, examples=[39.7392])
    lon: float = Field(ge=-180, le=180, examples=[-104.9903])


class Window(Body):
    start: LocalTime = Field(examples=["09:00"])
    end: LocalTime = Field(examples=["11:00"])


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


class Me(BaseModel):
    username: str
    role: Role
    regions: list[str]
    nurse_id: int | None


class UserIn(Body):
    username: str = Field(min_length=1, max_length=80, examples=["dana"])
    password: str = Field(min_length=8, examples=["correct horse battery"])
    role: Role
    regions: list[str] = Field(default=[], examples=[["denver"]])
    nurse_id: int | None = None


class UserOut(BaseModel):
    id: int
    username: str
    role: Role
    regions: list[str]
    nurse_id: int | None
    active: bool


class RegionIn(Body):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,39}$", examples=["denver"])
    name: str = Field(min_length=1, examples=["Denver metro"])
    timezone: str = Field(examples=["America/Denver"])


class RegionOut(BaseModel):
    id: str
    name: str
    timezone: str


class Certification(Body):
    name: str = Field(min_length=1, examples=["ketamine"])
    expires_on: dt.date | None = Field(default=None, examples=["2027-06-30"])


class BreakIn(Body):
    window: Window
    duration_min: int = Field(gt=0, le=240, examples=[30])


class NurseIn(Body):
    name: str = Field(min_length=1, examples=["Ana Ruiz"])
    phone: str | None = Field(default=None, examples=["+1 303 555 0101"])
    home: Point
    licensed_states: list[str] = Field(default=[], examples=[["CO"]])
    certifications: list[Certification] = Field(default=[])
    max_visits: int | None = Field(default=None, ge=0, le=1000)
    break_: BreakIn | None = Field(default=None, alias="break")
    active: bool = True

    @field_validator("licensed_states")
    @classmethod
    def _states_upper(cls, states: list[str]) -> list[str]:
        return [s.strip().upper() for s in states]


class NursePatch(Body):
    name: str | None = Field(default=None, min_length=1)
    phone: str | None = None
    home: Point | None = None
    licensed_states: list[str] | None = None
    certifications: list[Certification] | None = None
    max_visits: int | None = Field(default=None, ge=0, le=1000)
    break_: BreakIn | None = Field(default=None, alias="break")
    active: bool | None = None


class NurseOut(BaseModel):
    id: int
    region_id: str
    name: str
    phone: str | None
    home: Point
    licensed_states: list[str]
    certifications: list[Certification]
    max_visits: int | None
    break_: dict[str, Any] | None = Field(serialization_alias="break")
    active: bool
    version: int


class ShiftIn(Body):
    start: LocalTime = Field(examples=["08:00"])
    end: LocalTime = Field(examples=["16:30"])


class ShiftOut(BaseModel):
    nurse_id: int
    date: dt.date
    start: dt.time
    end: dt.time


class PatientIn(Body):
    name: str = Field(min_length=1, examples=["Jordan Lee"])
    phone: str | None = Field(default=None, examples=["+1 303 555 0199"])
    address: str | None = Field(default=None, examples=["1437 Bannock St, Denver, CO 80202"])
    location: Point | None = Field(default=None, description="give it to skip geocoding")
    state: str = Field(min_length=2, max_length=2, examples=["CO"])
    notes: str = Field(default="", examples=["dog in the yard; ring twice"])
    evaluation_done: bool = False
    preferred_nurse_ids: list[int] = []
    excluded_nurse_ids: list[int] = []


class PatientPatch(Body):
    name: str | None = Field(default=None, min_length=1)
    phone: str | None = None
    address: str | None = None
    location: Point | None = None
    state: str | None = Field(default=None, min_length=2, max_length=2)
    notes: str | None = None
    evaluation_done: bool | None = None
    preferred_nurse_ids: list[int] | None = None
    excluded_nurse_ids: list[int] | None = None


class PatientOut(BaseModel):
    id: int
    region_id: str
    name: str
    phone: str | None
    address: str | None
    location: Point
    state: str
    notes: str
    evaluation_done: bool
    preferred_nurse_ids: list[int]
    excluded_nurse_ids: list[int]
    version: int


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


class SolveIn(Body):
    time_limit_s: float | None = Field(default=None, gt=0, le=600, examples=[30])


class JobOut(BaseModel):
    id: str
    region_id: str
    date: dt.date
    state: Literal["queued", "running", "succeeded", "failed"]
    progress: dict[str, Any]
    roster_id: int | None
    error: str | None
    attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class RosterSummary(BaseModel):
    id: int
    region_id: str
    day: dt.date
    version: int
    status: Literal["draft", "published", "superseded"]
    revision: int
    based_on: int | None
    created_at: dt.datetime
    created_by: str
    published_at: dt.datetime | None
    published_by: str | None
    reason: str | None = Field(default=None, description="why this version exists, e.g. a sick call or an urgent visit")
    changes: dict[str, Any] | None = Field(default=None, description="recorded at publish: per nurse, visits added, "
                                           "removed and re-timed by more than 30 min against the roster it superseded")
    kpis: dict[str, Any]


class RosterOut(RosterSummary):
    roster: dict[str, Any] = Field(description="the roster document (docs/roster-document.md)")


class MoveIn(Body):
    visit_id: int
    nurse_id: int | None = Field(description="null takes the visit out of the roster")
    start: LocalTime | None = Field(default=None, description="fix the start; default: where it fits best", examples=["13:30"])


class NurseChanges(BaseModel):
    nurse_id: str
    added: list[str]
    removed: list[str]
    retimed: list[dict[str, str]]


class Comparison(BaseModel):
    roster_id: int
    compared_with: int | None
    tolerance_min: int
    nurses: list[NurseChanges]
    newly_unassigned: list[str]
    newly_assigned: list[str]


class VisitReportOut(BaseModel):
    kind: Literal["en_route", "started", "running_late", "done"]
    minutes_late: int | None
    reported_at: dt.datetime


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


class CalendarFeed(BaseModel):
    url: str


class Revoked(BaseModel):
    revoked: int


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


# ---------------------------------------------------------------- the console's view of a roster


class LocalWindow(BaseModel):
    start: str = Field(examples=["09:00"])
    end: str = Field(examples=["11:00"])


class VisitOnMap(BaseModel):
    visit_id: str
    patient_name: str
    location: Point
    service: str
    window: LocalWindow
    priority: int
    status: VisitStatus
    pinned_nurse_id: str | None
    report: VisitReportOut | None = Field(description="the nurse's latest report on it")


class StopView(VisitOnMap):
    arrival: dt.datetime
    start: dt.datetime
    end: dt.datetime
    drive_s: int = Field(description="driving time from the previous place, ending at `arrival`")


class UnassignedView(VisitOnMap):
    reason: str


class BreakView(BaseModel):
    start: dt.datetime
    end: dt.datetime


class ShiftView(BaseModel):
    start: dt.datetime
    end: dt.datetime


class NurseDay(BaseModel):
    nurse_id: str
    name: str
    home: Point
    shift: ShiftView
    break_: BreakView | None = Field(alias="break")
    stops: list[StopView]
    departure: dt.datetime | None
    return_: dt.datetime | None = Field(alias="return")
    drive_home_s: int
    travel_s: int
    waiting_s: int
    service_s: int
    utilisation: float = Field(description="(driving + on site) / shift")
    overtime_s: int
    off_from: dt.datetime | None = Field(default=None, description="she called in sick: off from then")


class RosterKpis(BaseModel):
    visits_served: int
    unassigned: int
    unassigned_priority_weight: int
    total_priority_weight: int
    travel_h: float
    nurses_working: int
    nurses_on_shift: int
    utilisation: float = Field(description="(driving + on site) / shift time, over the nurses on shift")
    overtime_h: float


class RosterView(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    summary: RosterSummary
    date: dt.date
    timezone: str
    kpis: RosterKpis
    nurses: list[NurseDay]
    unassigned: list[UnassignedView]


class VisitReportIn(Body):
    kind: Literal["en_route", "started", "running_late", "done"]
    minutes_late: int | None = Field(default=None, ge=1, le=480, description="with running_late only")
    at: AwareDatetime | None = Field(default=None, description="when it happened, for a report sent later (a phone "
                                     "that was offline); at most a day ago, not in the future; default: now")


class VisitReportAck(BaseModel):
    visit_id: int
    kind: str
    status: VisitStatus
    minutes_late: int | None
    reported_at: dt.datetime


# ---------------------------------------------------------------- same-day re-planning


class ReplanIn(Body):
    as_of: LocalTime | None = Field(default=None, description="re-plan the day as it stands at this time; default: now",
                                    examples=["10:40"])
    time_limit_s: float | None = Field(default=None, gt=0, le=600, examples=[10])
    reason: str = Field(default="", max_length=500, examples=["traffic on I-25"])


class EventIn(Body):
    at: LocalTime | None = Field(default=None, description="when it happened, in the region's time; default: now")
    note: str = Field(default="", max_length=500)
    replan: bool = Field(default=True, description="queue a re-plan of the rest of the day from `at`")
    time_limit_s: float | None = Field(default=None, gt=0, le=600, description="the re-plan's time limit")


class SickCallIn(EventIn):
    date: dt.date


class OverrunIn(EventIn):
    minutes: int = Field(ge=1, le=720, description="how much longer than planned it runs")


class DayEventOut(BaseModel):
    id: int
    region_id: str
    date: dt.date
    kind: Literal["sick_call", "cancellation", "no_show", "overrun", "urgent_visit"]
    nurse_id: int | None
    visit_id: int | None
    effective_at: dt.datetime
    minutes: int | None
    note: str
    recorded_by: str
    recorded_at: dt.datetime


class EventRecorded(BaseModel):
    event: DayEventOut
    job: JobOut | None = Field(description="the re-plan it queued (a draft appears when it succeeds); "
                               "none when not asked for or nothing is published for the day yet")


class RetimedOut(BaseModel):
    visit_id: str
    from_: dt.datetime = Field(alias="from")
    to: dt.datetime
    beyond_tolerance: bool


class BumpedOut(BaseModel):
    visit_id: str
    to_nurse_id: str | None = Field(description="null: nobody can take it; it would be left out")
    start: dt.datetime | None


class SlotOut(BaseModel):
    rank: int
    nurse_id: str
    nurse_name: str
    position: int = Field(description="where in her day (0: first), her visits done or under way counted")
    arrival: dt.datetime
    start: dt.datetime
    end: dt.datetime
    added_travel_s: int
    retimed: list[RetimedOut] = Field(description="her other visits whose start moves")
    bumped: list[BumpedOut] = Field(description="visits of lower priority taken out to make room")
    cost: int


class SlotsOut(BaseModel):
    visit_id: int
    as_of: dt.datetime
    elapsed_ms: float
    slots: list[SlotOut]


class SlotChoice(Body):
    nurse_id: str
    position: int = Field(ge=0)
    bumped: list[str] = Field(default_factory=list)
    as_of: LocalTime | None = None
    publish: bool = Field(default=False, description="publish the new roster at once")

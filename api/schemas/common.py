"""What several resources' bodies share: the domain's words and bounds as types, local times, the strict request base.

Every Literal and bound here is built from dispatch/vocabulary.py, the one copy of those rules.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, ClassVar, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from dispatch.errors import InvalidField
from dispatch.vocabulary import (
    DAY_EVENT_KINDS,
    JOB_STATES,
    MAX_ADDRESS_LENGTH,
    MAX_DURATION_MIN,
    MAX_NAME_LENGTH,
    MAX_NOTES_LENGTH,
    MAX_PHONE_LENGTH,
    MAX_PRIORITY,
    MAX_TIME_LIMIT_S,
    MIN_PRIORITY,
    REPORT_KINDS,
    ROLES,
    ROSTER_STATUSES,
    VISIT_STATUSES,
)

Role = Literal[ROLES]
VisitStatus = Literal[VISIT_STATUSES]
ReportKind = Literal[REPORT_KINDS]
DayEventKind = Literal[DAY_EVENT_KINDS]
RosterStatus = Literal[ROSTER_STATUSES]
JobState = Literal[JOB_STATES]

# A stored record's id (nurse, patient, visit, roster) as a request body gives it: a JSON integer,
# never `true` or "5" (strict), so a client's mistake is refused rather than guessed at.
RecordId = Annotated[int, Field(strict=True, ge=1)]

Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_LENGTH)]
Phone = Annotated[str, Field(max_length=MAX_PHONE_LENGTH)]
Address = Annotated[str, Field(max_length=MAX_ADDRESS_LENGTH)]
Notes = Annotated[str, Field(max_length=MAX_NOTES_LENGTH)]
Priority = Annotated[int, Field(ge=MIN_PRIORITY, le=MAX_PRIORITY)]
DurationMin = Annotated[int, Field(gt=0, le=MAX_DURATION_MIN)]
TimeLimitS = Annotated[float, Field(gt=0, le=MAX_TIME_LIMIT_S)]


def _without_offset(value: dt.time) -> dt.time:
    if value.tzinfo is not None:
        raise ValueError("give a local time such as 09:00, without a UTC offset: the region's timezone applies")
    return value


# Windows, shifts, starts and schedule times are wall-clock times in the region's timezone.
LocalTime = Annotated[dt.time, AfterValidator(_without_offset)]


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Patch(Body):
    """A PATCH body: only the fields given change; a field may be given as null only if it may be empty."""

    NULLABLE: ClassVar[frozenset[str]] = frozenset()

    def given(self) -> dict[str, Any]:
        """The fields the request gave (by their Python names); InvalidField for a null that is not allowed."""
        given = self.model_dump(exclude_unset=True)
        for name, value in given.items():
            if value is None and name not in self.NULLABLE:
                field = self.__class__.model_fields[name].alias or name
                raise InvalidField("cannot be null", field)
        return given


class Point(Body):
    lat: float = Field(ge=-90, le=90, examples=[39.7392])
    lon: float = Field(ge=-180, le=180, examples=[-104.9903])


class Window(Body):
    start: LocalTime = Field(examples=["09:00"])
    end: LocalTime = Field(examples=["11:00"])


class LocalWindow(BaseModel):
    start: str = Field(examples=["09:00"])
    end: str = Field(examples=["11:00"])


class VisitReportOut(BaseModel):
    kind: ReportKind
    minutes_late: int | None
    reported_at: dt.datetime


class Vocabulary(BaseModel):
    """The domain's words and numbers (dispatch/vocabulary.py), for clients that should not repeat them."""

    visit_statuses: list[VisitStatus]
    transitions: dict[str, list[VisitStatus]] = Field(description="each status's possible next statuses")
    planned_statuses: list[VisitStatus] = Field(description="not begun: a solve plans them; a slot can be found")
    under_way_statuses: list[VisitStatus] = Field(description="under way or over: a re-plan keeps them")
    open_statuses: list[VisitStatus] = Field(description="on a published day and not finished")
    final_statuses: list[VisitStatus]
    report_kinds: dict[str, dict[str, list[VisitStatus]]] = Field(
        description="per report kind, per status it may be sent from, the statuses the visit passes through"
    )
    session_phases: list[ReportKind] = Field(description="the phases of a visit on site, in order; each at most once")
    progress_report_kinds: list[ReportKind] = Field(description="reports about where she is (the others are session notes)")
    undo_within_s: int = Field(description="a report may be undone this long after it happened")
    report_shift_allowance_min: int = Field(
        description="a report may be made this long before her shift begins or after it ends, on a day that has begun"
    )
    day_event_kinds: list[DayEventKind]
    roster_statuses: list[RosterStatus]
    job_states: list[JobState]
    roles: list[Role]
    bounds: dict[str, dict[str, int]] = Field(description="per field: min, max, min_exclusive, min_length, max_length")
    retime_tolerance_min: int = Field(description="a published start moved by more than this is a change to tell")
    evaluation_outcomes: list[str]
    evaluation_modes: list[str]
    clearance_valid_days: int = Field(description="a clearance lasts at most this long after its evaluation")
    clearance_lapses_after_days: int = Field(description="…and lapses after this long without a treatment it covers")
    routes_of_administration: list[str]
    certifications: list[str] = Field(description="what nurses hold and services require: one list for both")
    certification_warning_days: int = Field(description="a certification expiring within this many days is flagged")
    state_codes: list[str]
    weekdays: list[str] = Field(description="Monday first, as the week document names them")
    course_statuses: list[str]
    session_states: list[str]
    continuity_weight_s: int = Field(description="a course session given by another nurse costs like this much driving")
    offer_statuses: list[str] = Field(default=[], description="an offer: offered, held for a caller, taken, or its hold ran out")
    offer_urgencies: list[str] = Field(default=[], description="how offers are ranked: routine, or acute (earliest first)")
    max_offers: int = 0
    offer_days: int = Field(default=0, description="how many days ahead offers look by default")
    arrival_window_min: int = Field(default=0, description="the arrival window a patient is told by default")

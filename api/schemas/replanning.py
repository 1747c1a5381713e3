"""Same-day events, re-plans and urgent slots."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.schemas.common import Body, DayEventKind, LocalTime, Notes, RecordId, TimeLimitS
from api.schemas.rosters import JobOut
from dispatch.vocabulary import MAX_OVERRUN_MIN


class ReplanIn(Body):
    as_of: LocalTime | None = Field(
        default=None, description="re-plan the day as it stands at this time; default: now", examples=["10:40"]
    )
    time_limit_s: TimeLimitS | None = Field(default=None, examples=[10])
    reason: str = Field(default="", max_length=500, examples=["traffic on I-25"])


class EventIn(Body):
    at: LocalTime | None = Field(default=None, description="when it happened, in the region's time; default: now")
    note: Notes = ""
    replan: bool = Field(default=True, description="queue a re-plan of the rest of the day from `at`")
    time_limit_s: TimeLimitS | None = Field(default=None, description="the re-plan's time limit")


class SickCallIn(EventIn):
    date: dt.date


class OverrunIn(EventIn):
    minutes: int = Field(ge=1, le=MAX_OVERRUN_MIN, description="how much longer than planned it runs")


class DayEventOut(BaseModel):
    id: int
    region_id: str
    date: dt.date
    kind: DayEventKind
    nurse_id: int | None
    visit_id: int | None
    effective_at: dt.datetime
    minutes: int | None
    note: str
    recorded_by: str
    recorded_at: dt.datetime
    nurse_name: str | None = Field(default=None, description="the nurse it is about, by name")
    patient_name: str | None = Field(default=None, description="the visit's patient, by name")
    undone_at: dt.datetime | None = Field(default=None, description="when it was taken back (it no longer counts)")
    undone_by: str | None = Field(default=None, description="who took it back")


class EventRecorded(BaseModel):
    event: DayEventOut
    job: JobOut | None = Field(
        description="the re-plan it queued (a draft appears when it succeeds); "
        "none when not asked for or nothing is published for the day yet"
    )


class RetimedOut(BaseModel):
    visit_id: int
    from_: dt.datetime = Field(alias="from")
    to: dt.datetime
    beyond_tolerance: bool


class BumpedOut(BaseModel):
    visit_id: int
    to_nurse_id: int | None = Field(description="null: nobody can take it; it would be left out")
    start: dt.datetime | None


class SlotOut(BaseModel):
    rank: int
    nurse_id: int
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
    nurse_id: RecordId
    position: int = Field(ge=0)
    bumped: list[RecordId] = Field(default_factory=list)
    as_of: LocalTime | None = None
    publish: bool = Field(default=False, description="publish the new roster at once")


class CallOut(BaseModel):
    visit_id: int
    called_by: str = Field(description="the dispatcher who called the patient")
    called_at: dt.datetime

"""Solve jobs, rosters, moves, comparison, and the console's view of a roster."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas.common import (
    Body,
    JobState,
    LocalTime,
    LocalWindow,
    Point,
    RecordId,
    RosterStatus,
    TimeLimitS,
    VisitReportOut,
    VisitStatus,
)
from dispatch.vocabulary import RETIME_TOLERANCE_MIN


class SolveIn(Body):
    time_limit_s: TimeLimitS | None = Field(default=None, examples=[30])


class JobOut(BaseModel):
    id: str
    region_id: str
    date: dt.date
    state: JobState
    progress: dict[str, Any]
    roster_id: int | None
    error: str | None
    attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


class TravelNote(BaseModel):
    model: Literal["road", "geodesic"] = Field(
        description="road: the region's road dataset (OSRM); geodesic: great-circle distance × 1.35 at 40 km/h"
    )
    dataset: str | None = Field(default=None, description="the region's road dataset, when it has one")
    geodesic_pairs: int | None = Field(default=None, description="pairs of places with no road between them, timed geodesically")
    reason: str | None = Field(default=None, description="why any travel time is not a road time")


class Retimed(BaseModel):
    visit_id: int
    from_: str = Field(alias="from")
    to: str


class NurseChanges(BaseModel):
    model_config = ConfigDict(populate_by_name=True)
    nurse_id: int
    added: list[int]
    removed: list[int]
    retimed: list[Retimed]


class PublishedChanges(BaseModel):
    """What a publish changed for each nurse against the roster it superseded (ids are record ids)."""

    nurses: list[NurseChanges]
    newly_unassigned: list[int]
    newly_assigned: list[int]


class RosterTotals(BaseModel):
    """The roster document's summary (docs/roster-document.md): what was served and left out, travel, the search."""

    model_config = ConfigDict(extra="allow")  # figures the solver adds later pass through

    assigned: int = Field(description="visits served")
    unassigned: int = Field(description="visits left out, held back ones included")
    unassigned_priority_weight: int = Field(description="the priority weight of the visits left out")
    total_priority_weight: int
    nurses_working: int | None = None
    total_travel_s: int | None = None
    total_travel_h: float | None = None
    total_waiting_s: int | None = None
    total_waiting_h: float | None = None
    solve_time_s: float | None = None
    solutions_found: int | None = None
    planned: int | None = Field(default=None, description="a re-plan: the visits the roster in force held")
    planned_moved: int | None = Field(default=None, description="a re-plan: of those, served by another nurse")
    planned_retimed: int | None = Field(default=None, description="a re-plan: of those, re-timed past the tolerance")
    planned_lost: int | None = Field(default=None, description="a re-plan: of those, no longer served")


class RosterSummary(BaseModel):
    id: int
    region_id: str
    day: dt.date
    version: int
    status: RosterStatus
    revision: int
    based_on: int | None
    created_at: dt.datetime
    created_by: str
    published_at: dt.datetime | None
    published_by: str | None
    reason: str | None = Field(default=None, description="why this version exists, e.g. a sick call or an urgent visit")
    changes: PublishedChanges | None = Field(
        default=None,
        description="recorded at publish: per nurse, visits added, "
        f"removed and re-timed by more than {RETIME_TOLERANCE_MIN} min against the "
        "roster it superseded",
    )
    kpis: RosterTotals
    travel: TravelNote = Field(description="the travel model that timed this roster, and why it fell back when it did")


class RosterOut(RosterSummary):
    roster: dict[str, Any] = Field(description="the roster document (docs/roster-document.md)")


class MoveIn(Body):
    visit_id: RecordId
    nurse_id: RecordId | None = Field(description="null takes the visit out of the roster")
    start: LocalTime | None = Field(default=None, description="fix the start; default: where it fits best", examples=["13:30"])


class Comparison(BaseModel):
    roster_id: int
    compared_with: int | None
    tolerance_min: int
    nurses: list[NurseChanges]
    newly_unassigned: list[int]
    newly_assigned: list[int]


class VisitOnMap(BaseModel):
    visit_id: int
    patient_name: str
    phone: str | None = Field(default=None, description="the patient's, for the run sheet and the call list after a re-plan")
    address: str | None = Field(default=None, description="the patient's, for the run sheet")
    location: Point
    service: str
    window: LocalWindow
    priority: int
    promised: bool = Field(description="booked from an offer: the patient was told its window")
    status: VisitStatus
    pinned_nurse_id: int | None
    duration_min: int = Field(description="minutes on site as planned (the console shows an infusion's progress against it)")
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
    nurse_id: int
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
    shift_changed: str | None = Field(
        default=None,
        description="her shift was changed since the roster was made and a visit not begun lies outside it, e.g."
        ' "Ana\'s shift now ends at 12:00; her 13:30 visit is outside it: re-plan"',
    )


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

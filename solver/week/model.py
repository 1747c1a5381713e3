"""The week plan's value objects: a region's horizon of days in, one roster per day out.

A week problem keeps, for each nurse and visit, the part of its document that a day document
carries (`day_fields`), so that a day's problem is built by the day parser itself (one copy of each
day rule); what only the week knows (working days, movable dates, courses, weekly caps) is parsed
into the fields here. Minutes are minutes since the local midnight of the day they fall on.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import numpy as np

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Shift:
    """A working day's shift, as written ("HH:MM") and in minutes since that day's midnight."""

    start: str
    end: str
    start_min: int
    end_min: int

    @property
    def minutes(self) -> int:
        return self.end_min - self.start_min


@dataclass(frozen=True, eq=False)
class WeekNurse:
    id: str
    skills: frozenset[str]
    shifts: Mapping[date, Shift]  # she works only on these days
    start_index: int  # row of the horizon's travel matrix
    max_visits: int | None = None  # per working day
    max_week_min: int | None = None  # working time (departure to return) per ISO week
    overtime_min: int = 0  # per working day, past the shift end
    day_fields: Mapping[str, Any] = field(default_factory=dict)  # her day-document fields, shift excluded
    worked_min: Mapping[tuple[int, int], int] = field(default_factory=dict)  # (ISO year, week) -> minutes already worked

    def works(self, day: date) -> bool:
        return day in self.shifts


@dataclass(frozen=True, eq=False)
class WeekVisit:
    id: str
    dates: tuple[date, ...]  # the days of the horizon it may be given on, in order (one for a fixed visit)
    fixed: bool  # `date` (fixed) rather than `dates` (movable)
    duration_min: float
    location_index: int
    required_skills: frozenset[str] = frozenset()
    priority: int = 1
    pinned_nurse: str | None = None
    excluded_nurses: frozenset[str] = frozenset()
    window_min: tuple[tuple[int, int], ...] = ()  # start windows, minutes since midnight
    day_fields: Mapping[str, Any] = field(default_factory=dict)  # its day-document fields


@dataclass(frozen=True)
class Course:
    """Sessions in order; consecutive sessions (and the first after `last_given`) lie min..max days apart."""

    id: str
    sessions: tuple[str, ...]
    min_gap_days: int
    max_gap_days: int
    last_given: date | None = None
    nurse: str | None = None  # the course's own nurse (continuity); None: the planner chooses one


@dataclass(frozen=True)
class WeekOptions:
    time_limit_s: float = 60.0  # the whole plan: day assignment, every day's routing and the repair
    workers: int = 1  # days routed in parallel processes
    continuity_weight_s: int = 600  # a session given by a nurse other than its course's own
    travel_allowance_min: int = 20  # driving added to each visit's duration when estimating a day's load
    seed: int = 0
    day_options: Mapping[str, Any] = field(default_factory=dict)  # passed to every day document


@dataclass(frozen=True, eq=False)
class WeekProblem:
    timezone: str
    days: tuple[date, ...]
    nurses: tuple[WeekNurse, ...]
    visits: tuple[WeekVisit, ...]
    courses: tuple[Course, ...]
    travel: Mapping[str, Any]  # the travel document, as given (each day document carries it)
    durations: np.ndarray  # over every location of the horizon (start_index, location_index)
    options: WeekOptions = field(default_factory=WeekOptions)
    # A re-plan (solver.week.replan): each visit's place in the plan in force, (day, nurse, start "HH:MM").
    in_force: Mapping[str, tuple[date, str, str]] = field(default_factory=dict)
    move_weight_s: int = 1800  # a visit moved off its day in force costs this, like a day re-plan's reassign_weight_s

    def visit(self, visit_id: str) -> WeekVisit:
        return self._visits_by_id()[visit_id]

    def nurse(self, nurse_id: str) -> WeekNurse:
        return next(n for n in self.nurses if n.id == nurse_id)

    def course_of(self, visit_id: str) -> tuple[Course, int] | None:
        """The course a visit is a session of, and its position in it."""
        return self._sessions().get(visit_id)

    def sessions_after(self, visit_ids: Collection[str]) -> set[str]:
        """The sessions after any of `visit_ids` in its course: the course rule leaves them out with it."""
        return {
            later
            for course in self.courses
            for k, session in enumerate(course.sessions)
            if session in visit_ids
            for later in course.sessions[k + 1 :]
        }

    def with_cancelled(self, visit_ids: Collection[str]) -> WeekProblem:
        """The horizon once `visit_ids` are called off: each stays a visit of it (a plan lists it unassigned,
        "cancelled"), and a cancelled session leaves its course, which goes on from its other sessions (their
        gaps count from the session before it). The re-plan and whoever checks a re-plan read the event so."""
        gone = set(visit_ids)
        if not gone:
            return self
        courses = tuple(replace(c, sessions=tuple(v for v in c.sessions if v not in gone)) for c in self.courses)
        return replace(self, courses=courses)

    def _visits_by_id(self) -> dict[str, WeekVisit]:
        cached = self.__dict__.get("_by_id")
        if cached is None:
            cached = {v.id: v for v in self.visits}
            object.__setattr__(self, "_by_id", cached)
        return cached

    def _sessions(self) -> dict[str, tuple[Course, int]]:
        cached = self.__dict__.get("_by_session")
        if cached is None:
            cached = {visit_id: (course, k) for course in self.courses for k, visit_id in enumerate(course.sessions)}
            object.__setattr__(self, "_by_session", cached)
        return cached


@dataclass(frozen=True)
class Placement:
    """Where the day assignment put a visit: its day (its nurse is the day's routing's to choose)."""

    day: date


@dataclass(frozen=True)
class DayAssignment:
    """Each visit's day (visits absent are left out, with a reason), and each course's own nurse."""

    placements: Mapping[str, Placement]
    left_out: Mapping[str, str]  # visit id -> reason
    course_nurses: Mapping[str, str]  # course id -> its own nurse
    day_shifts: Mapping[str, Mapping[date, tuple[str, str, int]]]  # nurse -> day -> (start, end, overtime_min) after caps

    def visits_on(self, day: date) -> list[str]:
        return [visit_id for visit_id, placement in self.placements.items() if placement.day == day]


@dataclass(frozen=True)
class WeekPlan:
    """One roster document per day, and every visit of the horizon served nowhere, with the reason."""

    days: Mapping[date, Mapping[str, Any]]  # date -> roster document
    unassigned: tuple[tuple[str, str], ...]  # (visit id, reason)
    stats: Mapping[str, Any] = field(default_factory=dict)

    def document(self) -> dict[str, Any]:
        """The plan document (docs/week-document.md)."""
        return {
            "days": {day.isoformat(): roster for day, roster in sorted(self.days.items())},
            "unassigned": [{"visit_id": visit_id, "reason": reason} for visit_id, reason in self.unassigned],
            "summary": dict(self.stats),
        }

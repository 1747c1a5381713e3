"""The solver's value objects: a day's problem in, a roster out.

Everything here is immutable and uses integer seconds since the problem day's
local midnight (elapsed seconds, so DST days are right). Conversion from and to
wall-clock times happens once, in `solver.document`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import numpy as np

from solver.clock import DayClock


@dataclass(frozen=True)
class TimeWindow:
    """A closed interval [start, end] of seconds since local midnight."""

    start: int
    end: int

    def contains(self, t: int) -> bool:
        return self.start <= t <= self.end


@dataclass(frozen=True)
class Break:
    """A break (lunch) of `duration` seconds that must *start* inside `window`."""

    window: TimeWindow
    duration: int


@dataclass(frozen=True)
class Nurse:
    id: str
    name: str
    start_index: int  # row of the travel matrix for her start location
    end_index: int
    shift: TimeWindow
    skills: frozenset[str]
    max_visits: int | None = None
    break_: Break | None = None
    capacity: int | None = None  # load limit; used by capacitated benchmarks
    # Overtime: she may be back up to `overtime` seconds after shift.end, each second past it costing
    # `overtime_weight` seconds of travel in the objective (docs/objective.md).
    overtime: int = 0
    overtime_weight: int = 0

    @property
    def latest_return(self) -> int:
        """The hard end of her day: the shift end plus the overtime allowed."""
        return self.shift.end + self.overtime


@dataclass(frozen=True)
class Planned:
    """A visit's place in the published roster: the nurse and the start time the patient was told."""

    nurse_id: str
    start: int


@dataclass(frozen=True)
class Visit:
    id: str
    location_index: int
    windows: tuple[TimeWindow, ...]  # sorted, disjoint; service must start in one
    duration: int
    required_skills: frozenset[str] = frozenset()
    priority: int = 1
    patient_id: str | None = None
    pinned_nurse: str | None = None
    preferred_nurses: frozenset[str] = frozenset()
    excluded_nurses: frozenset[str] = frozenset()  # hard: the patient must not be seen by these
    demand: int = 0
    service: str | None = None  # e.g. "ketamine infusion"; carried through to the roster
    planned: Planned | None = None  # in the roster in force; re-planning tries to keep it (docs/objective.md)

    def earliest_start_at_or_after(self, t: int) -> int | None:
        """The first time >= t at which service may start, or None if every window has closed."""
        for window in self.windows:
            if t <= window.end:
                return max(t, window.start)
        return None


@dataclass(frozen=True)
class SearchOptions:
    time_limit_s: float = 10.0
    seed: int = 0
    workers: int = 1
    metaheuristic: str = "ILS"  # "ILS" (iterated local search) or "GLS" (guided local search)
    # "vroom": VROOM builds the first roster, OR-Tools improves it; "insertion": OR-Tools alone.
    first_roster: str = "vroom"
    # VROOM's first roster gives a visit with preferred nurses to one of them (hard there; the OR-Tools
    # search after it weighs preferences as usual, so it moves such a visit when that serves more).
    preferences_in_first_roster: bool = False
    # Soft costs, in seconds of travel they are worth (see docs/objective.md).
    preference_weight_s: int = 300
    fairness_weight_s: int = 120
    # Disruption of the roster in force (visits with `planned`): serving one with another nurse, and
    # each second its start moves beyond the tolerance, earlier or later.
    reassign_weight_s: int = 1800
    retime_tolerance_s: int = 1800
    retime_weight: int = 1  # seconds of travel per second beyond the tolerance


@dataclass(frozen=True)
class Stop:
    visit_id: str
    arrival: int
    start: int
    end: int


@dataclass(frozen=True)
class NurseNow:
    """Where a nurse's day stands when it is re-planned: what stays as it is, and where and when she goes on.

    `committed` are her stops done, in progress and the one she is driving to, with their actual
    (or, for the one ahead, expected) times; they stay exactly as they are. After them she is
    free to drive on from `location_index` at `free_at` (her last committed stop's place and end,
    or her last reported place and time).
    """

    nurse_id: str
    location_index: int
    free_at: int
    committed: tuple[Stop, ...] = ()
    break_start: int | None = None  # when she started her break, if she has taken it
    off_duty: bool = False  # called in sick or sent home: no visits beyond the committed ones


@dataclass(frozen=True)
class DayState:
    """The day as it stands at `as_of`: nothing new starts earlier; nurses not listed have not left their start."""

    as_of: int
    nurses: tuple[NurseNow, ...] = ()

    def of(self, nurse_id: str) -> NurseNow | None:
        for now in self.nurses:
            if now.nurse_id == nurse_id:
                return now
        return None

    def committed_visit_ids(self) -> set[str]:
        return {stop.visit_id for now in self.nurses for stop in now.committed}


@dataclass(frozen=True, eq=False)
class Problem:
    """One day's nurses and visits, with travel durations between every pair of locations."""

    nurses: tuple[Nurse, ...]
    visits: tuple[Visit, ...]
    durations: np.ndarray  # square int64 matrix of seconds, read-only
    options: SearchOptions = field(default_factory=SearchOptions)
    # Some benchmarks cost distance rather than time; None means cost = durations.
    costs: np.ndarray | None = None
    clock: DayClock = field(default_factory=lambda: DayClock(date(2000, 1, 1)))
    state: DayState | None = None  # a day under way (docs/problem-document.md): re-planned, see solver.replan

    @property
    def is_replanning(self) -> bool:
        """A day under way (state) or a roster in force to keep to (visits `planned`): `replan` plans it, not `solve`."""
        return self.state is not None or any(visit.planned is not None for visit in self.visits)

    def travel(self, origin: int, destination: int) -> int:
        return int(self.durations[origin, destination])

    def arc_costs(self) -> np.ndarray:
        return self.durations if self.costs is None else self.costs

    def nurse(self, nurse_id: str) -> Nurse:
        for nurse in self.nurses:
            if nurse.id == nurse_id:
                return nurse
        raise KeyError(nurse_id)


@dataclass(frozen=True)
class Route:
    nurse_id: str
    departure: int
    stops: tuple[Stop, ...]
    return_time: int
    break_start: int | None = None
    travel: int = 0  # seconds driving
    waiting: int = 0  # seconds idle between departure and return, break excluded


@dataclass(frozen=True)
class Unassigned:
    visit_id: str
    reason: str


@dataclass(frozen=True)
class SolveStats:
    solve_seconds: float
    objective: int
    solutions_found: int
    engine: str = "or-tools"


@dataclass(frozen=True)
class Solution:
    routes: tuple[Route, ...]  # one per nurse, in problem order; empty routes included
    unassigned: tuple[Unassigned, ...]
    stats: SolveStats

    def assigned_visit_ids(self) -> list[str]:
        return [stop.visit_id for route in self.routes for stop in route.stops]

"""Reading the problem document (JSON) into a validated `Problem`.

Every check happens here, once; an error names the field by its path, e.g.
`visits[12].window: end 09:00 is before start 10:00`. The search never sees bad data.
See docs/problem-document.md for the contract.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, replace
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from solver.clock import DayClock
from solver.model import Break, DayState, Nurse, NurseNow, Planned, Problem, SearchOptions, Stop, TimeWindow, Visit
from solver.travel import as_duration_matrix, speed_durations

DEFAULT_VISIT_MINUTES = 40
PROGRESS_STATUSES = ("done", "in_progress", "en_route")
MAX_PRIORITY = 1000
DEFAULT_OVERTIME_COST_PER_MIN_S = 120  # a minute past the shift end costs like two minutes of driving
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


# A nurse's and a visit's fields in any day, the week document's days included; a day document adds the nurse's
# `shift`, and a re-plan her `now` and the visits' `planned` and `progress` (solver/week/document.py adds its own).
NURSE_FIELDS = frozenset({"id", "name", "start", "end", "skills", "max_visits", "break", "overtime"})
VISIT_FIELDS = frozenset(
    {
        "id",
        "patient_id",
        "service",
        "location",
        "window",
        "windows",
        "duration_min",
        "required_skills",
        "priority",
        "pinned_nurse",
        "preferred_nurses",
        "excluded_nurses",
    }
)


class ProblemError(ValueError):
    """Bad input, with the path of the field at fault."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


# ---------------------------------------------------------------- small readers


def _object(value: Any, path: str, allowed: AbstractSet[str], required: AbstractSet[str] = frozenset()) -> Mapping:
    if not isinstance(value, Mapping):
        raise ProblemError(path, f"must be an object, got {_kind(value)}")
    for key in value:
        if key not in allowed:
            raise ProblemError(_join(path, key), f"unknown field (expected one of {', '.join(sorted(allowed))})")
    for key in sorted(required):
        if key not in value:
            raise ProblemError(_join(path, key), "is required")
    return value


def _list(value: Any, path: str) -> list:
    if not isinstance(value, list):
        raise ProblemError(path, f"must be a list, got {_kind(value)}")
    return value


def _text(value: Any, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ProblemError(path, "must be a non-empty string")
    return value


def _number(value: Any, path: str, *, minimum: float | None = None, above: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ProblemError(path, f"must be a number, got {_kind(value)}")
    if minimum is not None and value < minimum:
        raise ProblemError(path, f"must be at least {minimum:g}, got {value:g}")
    if above is not None and value <= above:
        raise ProblemError(path, f"must be greater than {above:g}, got {value:g}")
    return float(value)


def _integer(value: Any, path: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ProblemError(path, f"must be a whole number, got {_kind(value)}")
    if minimum is not None and value < minimum:
        raise ProblemError(path, f"must be at least {minimum}, got {value}")
    if maximum is not None and value > maximum:
        raise ProblemError(path, f"must be at most {maximum}, got {value}")
    return value


def _skills(value: Any, path: str) -> frozenset[str]:
    return frozenset(_text(skill, f"{path}[{i}]").strip().lower() for i, skill in enumerate(_list(value, path)))


def _local_time(value: Any, path: str) -> time | None:
    """'HH:MM' → time; '24:00' → None meaning end of day."""
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ProblemError(path, f'must be a time "HH:MM", got {value!r}')
    hours, minutes = int(value[:2]), int(value[3:])
    if hours == 24:
        if minutes:
            raise ProblemError(path, f"{value} is not a time of day")
        return None
    return time(hours, minutes)


def _kind(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# ---------------------------------------------------------------- the document


class _Locations:
    """Collects every location of the day and builds the travel matrix for them."""

    def __init__(self, travel: Mapping, path: str):
        self.by_matrix = "durations_s" in travel
        self.points: list[tuple[float, float]] = []
        self.index_of_point: dict[tuple[float, float], int] = {}
        if self.by_matrix:
            self.matrix = self._read_matrix(travel["durations_s"], _join(path, "durations_s"))
        else:
            self.speed_kmh = _number(travel.get("speed_kmh", 40), _join(path, "speed_kmh"), above=0)
            self.circuity = _number(travel.get("circuity", 1.3), _join(path, "circuity"), minimum=1)

    @staticmethod
    def _read_matrix(value: Any, path: str) -> np.ndarray:
        rows = _list(value, path)
        size = len(rows)
        if size == 0:
            raise ProblemError(path, "must not be empty")
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != size:
                raise ProblemError(f"{path}[{i}]", f"must be a list of {size} numbers (the matrix must be square)")
        try:
            matrix = np.asarray(rows, dtype=np.float64)
        except (TypeError, ValueError):
            raise ProblemError(path, "must contain only numbers") from None
        if not np.all(np.isfinite(matrix)):
            raise ProblemError(path, "must contain only finite numbers")
        if (matrix < 0).any():
            i, j = map(int, np.argwhere(matrix < 0)[0])
            raise ProblemError(f"{path}[{i}][{j}]", f"must not be negative, got {matrix[i, j]:g}")
        return as_duration_matrix(matrix)

    def read(self, value: Any, path: str) -> int:
        if self.by_matrix:
            loc = _object(value, path, {"lat", "lon", "index"}, {"index"})
            index = _integer(loc["index"], _join(path, "index"), minimum=0)
            if index >= len(self.matrix):
                raise ProblemError(_join(path, "index"), f"{index} is outside the {len(self.matrix)}×{len(self.matrix)} matrix")
            return index
        loc = _object(value, path, {"lat", "lon", "index"}, {"lat", "lon"})
        lat = _number(loc["lat"], _join(path, "lat"))
        lon = _number(loc["lon"], _join(path, "lon"))
        if not -90 <= lat <= 90:
            raise ProblemError(_join(path, "lat"), f"must be between -90 and 90, got {lat:g}")
        if not -180 <= lon <= 180:
            raise ProblemError(_join(path, "lon"), f"must be between -180 and 180, got {lon:g}")
        key = (lat, lon)
        if key not in self.index_of_point:
            self.index_of_point[key] = len(self.points)
            self.points.append(key)
        return self.index_of_point[key]

    def durations(self) -> np.ndarray:
        if self.by_matrix:
            return self.matrix
        if not self.points:
            return np.zeros((0, 0), dtype=np.int64)
        lats, lons = np.array(self.points).T
        return speed_durations(lats, lons, self.speed_kmh, self.circuity)


def parse_problem(doc: Any) -> Problem:
    """Validate a problem document (already decoded from JSON) and build the solver's Problem."""
    top = _object(doc, "", {"date", "timezone", "nurses", "visits", "travel", "options", "as_of"}, {"date", "nurses", "visits"})
    clock = _read_clock(top)
    travel = _object(top.get("travel", {}), "travel", {"speed_kmh", "circuity", "durations_s"})
    if "durations_s" in travel and ({"speed_kmh", "circuity"} & set(travel)):
        raise ProblemError("travel", "give either durations_s or speed_kmh/circuity, not both")
    locations = _Locations(travel, "travel")

    nurses, reports = _read_nurses(_list(top["nurses"], "nurses"), clock, locations)
    nurse_ids = {nurse.id for nurse in nurses}
    visits, progress = _read_visits(_list(top["visits"], "visits"), clock, locations, nurse_ids)
    options = _read_options(top.get("options", {}))
    problem = Problem(nurses=tuple(nurses), visits=tuple(visits), durations=locations.durations(), options=options, clock=clock)
    if "as_of" not in top:
        if reports or progress:
            raise ProblemError("as_of", "is required when nurses report `now` or visits have `progress`")
        return problem
    return replace(problem, state=_read_state(problem, _clock_time(top["as_of"], "as_of", clock), reports, progress))


def _read_clock(top: Mapping) -> DayClock:
    raw_date = top["date"]
    try:
        day = date.fromisoformat(raw_date) if isinstance(raw_date, str) and len(raw_date) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ProblemError("date", f"must be a date YYYY-MM-DD, got {raw_date!r}")
    tz_name = top.get("timezone", "UTC")
    try:
        ZoneInfo(_text(tz_name, "timezone"))
    except (ZoneInfoNotFoundError, ValueError):
        raise ProblemError("timezone", f"unknown IANA time zone {tz_name!r}") from None
    return DayClock(day, tz_name)


def _read_window(value: Any, path: str, clock: DayClock) -> TimeWindow:
    raw = _object(value, path, {"start", "end"}, {"start", "end"})
    start_time = _local_time(raw["start"], _join(path, "start"))
    end_time = _local_time(raw["end"], _join(path, "end"))
    if start_time is None:
        raise ProblemError(_join(path, "start"), "24:00 can only end a window")
    start = clock.seconds(start_time)
    end = clock.seconds(time(0), next_day=True) if end_time is None else clock.seconds(end_time)
    if end < start:
        raise ProblemError(path, f"end {raw['end']} is before start {raw['start']}")
    return TimeWindow(start, end)


def _unique_id(value: Any, path: str, seen: set[str], what: str) -> str:
    ident = _text(value, path)
    if ident in seen:
        raise ProblemError(path, f"duplicate {what} id {ident!r}")
    seen.add(ident)
    return ident


def _clock_time(value: Any, path: str, clock: DayClock) -> int:
    """'HH:MM' on the problem's day → seconds since local midnight."""
    local = _local_time(value, path)
    if local is None:
        raise ProblemError(path, "24:00 is not a moment of the day")
    return clock.seconds(local)


def _read_nurses(raw_nurses: list, clock: DayClock, locations: _Locations) -> tuple[list[Nurse], dict[str, _Report]]:
    nurses, seen = [], set[str]()
    reports: dict[str, _Report] = {}
    fields = NURSE_FIELDS | {"shift", "now"}
    for i, value in enumerate(raw_nurses):
        path = f"nurses[{i}]"
        raw = _object(value, path, fields, {"id", "start", "shift"})
        nurse_id = _unique_id(raw["id"], _join(path, "id"), seen, "nurse")
        start_index = locations.read(raw["start"], _join(path, "start"))
        end_index = locations.read(raw["end"], _join(path, "end")) if "end" in raw else start_index
        shift = _read_window(raw["shift"], _join(path, "shift"), clock)
        if shift.end == shift.start:
            raise ProblemError(_join(path, "shift"), "end must be after start")
        max_visits = raw.get("max_visits")
        if max_visits is not None:
            max_visits = _integer(max_visits, _join(path, "max_visits"), minimum=0)
        nurse_break = _read_break(raw["break"], _join(path, "break"), clock, shift) if raw.get("break") else None
        overtime, overtime_weight = _read_overtime(raw["overtime"], _join(path, "overtime")) if "overtime" in raw else (0, 0)
        nurses.append(
            Nurse(
                id=nurse_id,
                name=_text(raw.get("name", nurse_id), _join(path, "name")),
                start_index=start_index,
                end_index=end_index,
                shift=shift,
                skills=_skills(raw.get("skills", []), _join(path, "skills")),
                max_visits=max_visits,
                break_=nurse_break,
                overtime=overtime,
                overtime_weight=overtime_weight,
            )
        )
        if "now" in raw:
            reports[nurse_id] = _read_report(raw["now"], _join(path, "now"), clock, locations)
    return nurses, reports


def _read_overtime(value: Any, path: str) -> tuple[int, int]:
    """(seconds allowed past the shift end, seconds of travel each second past it costs)."""
    raw = _object(value, path, {"max_min", "cost_per_min_s"}, {"max_min"})
    allowed = _minutes(raw["max_min"], _join(path, "max_min"))
    per_minute = _integer(raw.get("cost_per_min_s", DEFAULT_OVERTIME_COST_PER_MIN_S), _join(path, "cost_per_min_s"), minimum=0)
    return allowed, overtime_weight_per_second(per_minute)


def overtime_weight_per_second(cost_per_min_s: int) -> int:
    """The routing model prices whole seconds: a minute's cost ÷ 60, rounded, and never 0 unless the cost is."""
    return 0 if cost_per_min_s == 0 else max(1, round(cost_per_min_s / 60))


def _read_break(value: Any, path: str, clock: DayClock, shift: TimeWindow) -> Break:
    raw = _object(value, path, {"window", "duration_min"}, {"window", "duration_min"})
    window = _read_window(raw["window"], _join(path, "window"), clock)
    duration = round(_number(raw["duration_min"], _join(path, "duration_min"), above=0) * 60)
    if window.start < shift.start or window.start + duration > shift.end:
        raise ProblemError(
            _join(path, "window"),
            f"a {duration // 60}-minute break starting at {clock.hhmm(window.start)} does not fit the shift "
            f"{clock.hhmm(shift.start)}–{clock.hhmm(shift.end)}",
        )
    # A break may not start so late that it would run past the shift end.
    latest = min(window.end, shift.end - duration)
    return Break(TimeWindow(window.start, latest), duration)


def _read_visits(
    raw_visits: list, clock: DayClock, locations: _Locations, nurse_ids: set[str]
) -> tuple[list[Visit], list[_Progress]]:
    visits, seen = [], set[str]()
    progress: list[_Progress] = []
    fields = VISIT_FIELDS | {"planned", "progress"}
    for i, value in enumerate(raw_visits):
        path = f"visits[{i}]"
        raw = _object(value, path, fields, {"id", "location"})
        visit_id = _unique_id(raw["id"], _join(path, "id"), seen, "visit")
        planned = _read_planned(raw["planned"], _join(path, "planned"), clock, nurse_ids) if "planned" in raw else None
        visits.append(
            Visit(
                id=visit_id,
                patient_id=_optional_text(raw, "patient_id", path),
                service=_optional_text(raw, "service", path),
                location_index=locations.read(raw["location"], _join(path, "location")),
                windows=_read_visit_windows(raw, path, clock),
                duration=_minutes(raw.get("duration_min", DEFAULT_VISIT_MINUTES), _join(path, "duration_min")),
                required_skills=_skills(raw.get("required_skills", []), _join(path, "required_skills")),
                priority=_integer(raw.get("priority", 1), _join(path, "priority"), minimum=1, maximum=MAX_PRIORITY),
                pinned_nurse=_known_nurse(raw.get("pinned_nurse"), _join(path, "pinned_nurse"), nurse_ids),
                preferred_nurses=frozenset(
                    _listed_nurse(nurse, f"{path}.preferred_nurses[{k}]", nurse_ids)
                    for k, nurse in enumerate(_list(raw.get("preferred_nurses", []), _join(path, "preferred_nurses")))
                ),
                excluded_nurses=frozenset(
                    _listed_nurse(nurse, f"{path}.excluded_nurses[{k}]", nurse_ids)
                    for k, nurse in enumerate(_list(raw.get("excluded_nurses", []), _join(path, "excluded_nurses")))
                ),
                planned=planned,
            )
        )
        if "progress" in raw:
            progress.append(_read_progress(raw["progress"], _join(path, "progress"), clock, visits[-1], i, nurse_ids))
    return visits, progress


# ---------------------------------------------------------------- a day under way


@dataclass(frozen=True)
class _Report:
    """A nurse's `now` as written; gaps are filled in by `_read_state`."""

    location_index: int | None
    time: int | None
    break_start: int | None
    off_duty: bool


@dataclass(frozen=True)
class _Progress:
    """A visit's `progress` as written."""

    path: str
    visit_position: int
    status: str
    nurse_id: str
    arrival: int | None
    start: int | None
    end: int | None


def _read_planned(value: Any, path: str, clock: DayClock, nurse_ids: set[str]) -> Planned:
    raw = _object(value, path, {"nurse", "start"}, {"nurse", "start"})
    nurse_id = _known_nurse(raw["nurse"], _join(path, "nurse"), nurse_ids)
    assert nurse_id is not None
    return Planned(nurse_id, _clock_time(raw["start"], _join(path, "start"), clock))


def _read_report(value: Any, path: str, clock: DayClock, locations: _Locations) -> _Report:
    raw = _object(value, path, {"location", "time", "break_start", "off_duty"})
    off_duty = raw.get("off_duty", False)
    if not isinstance(off_duty, bool):
        raise ProblemError(_join(path, "off_duty"), f"must be true or false, got {_kind(off_duty)}")
    return _Report(
        location_index=locations.read(raw["location"], _join(path, "location")) if "location" in raw else None,
        time=_clock_time(raw["time"], _join(path, "time"), clock) if "time" in raw else None,
        break_start=_clock_time(raw["break_start"], _join(path, "break_start"), clock) if "break_start" in raw else None,
        off_duty=off_duty,
    )


def _read_progress(value: Any, path: str, clock: DayClock, visit: Visit, position: int, nurse_ids: set[str]) -> _Progress:
    raw = _object(value, path, {"status", "nurse", "arrival", "start", "end"}, {"status"})
    status = raw["status"]
    if status not in PROGRESS_STATUSES:
        raise ProblemError(_join(path, "status"), f"must be one of {', '.join(PROGRESS_STATUSES)}, got {status!r}")
    nurse_id = _known_nurse(raw.get("nurse"), _join(path, "nurse"), nurse_ids)
    if nurse_id is None:
        if visit.planned is None:
            raise ProblemError(_join(path, "nurse"), "is required (the visit has no planned nurse)")
        nurse_id = visit.planned.nurse_id
    times = {key: _clock_time(raw[key], _join(path, key), clock) if key in raw else None for key in ("arrival", "start", "end")}
    if status == "en_route":
        if times["start"] is not None or times["end"] is not None:
            raise ProblemError(path, "a visit en route is timed from the nurse's now; give arrival at most")
        return _Progress(path, position, status, nurse_id, times["arrival"], None, None)
    start = times["start"]
    if start is None:
        if visit.planned is None:
            raise ProblemError(_join(path, "start"), "is required (the visit has no planned start)")
        start = visit.planned.start
    arrival = start if times["arrival"] is None else times["arrival"]
    end = start + visit.duration if times["end"] is None else times["end"]
    if arrival > start:
        raise ProblemError(_join(path, "arrival"), f"{clock.hhmm(arrival)} is after the start {clock.hhmm(start)}")
    if end < start:
        raise ProblemError(_join(path, "end"), f"{clock.hhmm(end)} is before the start {clock.hhmm(start)}")
    return _Progress(path, position, status, nurse_id, arrival, start, end)


def _read_state(problem: Problem, as_of: int, reports: dict[str, _Report], progress: list[_Progress]) -> DayState:
    """Each reporting nurse's committed stops (in order) and where and from when she is free."""
    by_nurse: dict[str, list[_Progress]] = {}
    for entry in progress:
        by_nurse.setdefault(entry.nurse_id, []).append(entry)
    nows = []
    for nurse in problem.nurses:
        report, entries = reports.get(nurse.id), by_nurse.get(nurse.id, [])
        if report is None and not entries:
            continue
        report = report or _Report(None, None, None, False)
        stops: list[Stop] = []
        place = nurse.start_index
        for entry in sorted((e for e in entries if e.status != "en_route"), key=lambda e: (e.start, e.end)):
            assert entry.start is not None and entry.end is not None and entry.arrival is not None
            if stops and entry.start < stops[-1].end:
                raise ProblemError(
                    entry.path,
                    f"starts at {problem.clock.hhmm(entry.start)}, before {stops[-1].visit_id} "
                    f"ends at {problem.clock.hhmm(stops[-1].end)} for nurse {nurse.id}",
                )
            visit = problem.visits[entry.visit_position]
            stops.append(Stop(visit.id, entry.arrival, entry.start, entry.end))
            place = visit.location_index
        # Without a report she is where her last committed stop left her, when it ended (or at home at as_of).
        if report.location_index is not None:
            place = report.location_index
        reported = report.time if report.time is not None else (stops[-1].end if stops else as_of)
        free = max(reported, stops[-1].end) if stops else reported
        en_route = [e for e in entries if e.status == "en_route"]
        if len(en_route) > 1:
            raise ProblemError(
                en_route[1].path, f"nurse {nurse.id} is already en route to {problem.visits[en_route[0].visit_position].id}"
            )
        if en_route:
            visit = problem.visits[en_route[0].visit_position]
            arrival = en_route[0].arrival
            if arrival is None:
                arrival = free + problem.travel(place, visit.location_index)
            elif arrival < free:
                raise ProblemError(
                    _join(en_route[0].path, "arrival"),
                    f"{problem.clock.hhmm(arrival)} is before nurse {nurse.id} is free at {problem.clock.hhmm(free)}",
                )
            start = visit.earliest_start_at_or_after(arrival)
            start = arrival if start is None else start  # late: she is on her way regardless
            stops.append(Stop(visit.id, arrival, start, start + visit.duration))
            place, free = visit.location_index, start + visit.duration
        nows.append(NurseNow(nurse.id, place, free, tuple(stops), report.break_start, report.off_duty))
    return DayState(as_of, tuple(nows))


def _read_visit_windows(raw: Mapping, path: str, clock: DayClock) -> tuple[TimeWindow, ...]:
    if "window" in raw and "windows" in raw:
        raise ProblemError(path, "give either window or windows, not both")
    if "window" in raw:
        return (_read_window(raw["window"], _join(path, "window"), clock),)
    if "windows" not in raw:
        raise ProblemError(_join(path, "window"), "is required (or windows)")
    listed = _list(raw["windows"], _join(path, "windows"))
    if not listed:
        raise ProblemError(_join(path, "windows"), "must hold at least one window")
    windows = sorted((_read_window(w, f"{path}.windows[{k}]", clock) for k, w in enumerate(listed)), key=lambda w: w.start)
    merged: list[TimeWindow] = []
    for window in windows:  # overlapping windows are one window
        if merged and window.start <= merged[-1].end:
            merged[-1] = TimeWindow(merged[-1].start, max(merged[-1].end, window.end))
        else:
            merged.append(window)
    return tuple(merged)


def _minutes(value: Any, path: str) -> int:
    return round(_number(value, path, minimum=0) * 60)


def _optional_text(raw: Mapping, key: str, path: str) -> str | None:
    return None if raw.get(key) is None else _text(raw[key], _join(path, key))


def _known_nurse(value: Any, path: str, nurse_ids: set[str]) -> str | None:
    return None if value is None else _listed_nurse(value, path, nurse_ids)


def _listed_nurse(value: Any, path: str, nurse_ids: set[str]) -> str:
    nurse_id = _text(value, path)
    if nurse_id not in nurse_ids:
        raise ProblemError(path, f"unknown nurse {nurse_id!r}")
    return nurse_id


def _boolean(value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ProblemError(path, f"must be true or false, not {value!r}")
    return value


def _first_roster(value: Any, path: str) -> str:
    if value not in ("vroom", "insertion"):
        raise ProblemError(path, f'must be "vroom" or "insertion", not {value!r}')
    return value


def _metaheuristic(value: Any, path: str) -> str:
    if value not in ("ILS", "GLS"):
        raise ProblemError(path, f'must be "ILS" or "GLS", got {value!r}')
    return value


def _read_options(value: Any) -> SearchOptions:
    raw = _object(
        value,
        "options",
        {
            "time_limit_s",
            "seed",
            "workers",
            "preference_weight_s",
            "fairness_weight_s",
            "metaheuristic",
            "first_roster",
            "preferences_in_first_roster",
            "reassign_weight_s",
            "retime_tolerance_s",
            "retime_weight",
        },
    )
    defaults = SearchOptions()
    read: dict[str, Callable[[Any, str], Any]] = {
        "time_limit_s": lambda v, p: _number(v, p, above=0),
        "seed": lambda v, p: _integer(v, p, minimum=0),
        "workers": lambda v, p: _integer(v, p, minimum=1, maximum=64),
        "preference_weight_s": lambda v, p: _integer(v, p, minimum=0),
        "fairness_weight_s": lambda v, p: _integer(v, p, minimum=0),
        "metaheuristic": _metaheuristic,
        "first_roster": _first_roster,
        "preferences_in_first_roster": _boolean,
        "reassign_weight_s": lambda v, p: _integer(v, p, minimum=0),
        "retime_tolerance_s": lambda v, p: _integer(v, p, minimum=0),
        "retime_weight": lambda v, p: _integer(v, p, minimum=0),
    }
    values = {key: read[key](raw[key], f"options.{key}") for key in raw}
    return SearchOptions(**{**defaults.__dict__, **values})

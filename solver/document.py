"""Reading the problem document (JSON) into a validated `Problem`.

Every check happens here, once; an error names the field by its path, e.g.
`visits[12].window: end 09:00 is before start 10:00`. The search never sees bad data.
See docs/problem-document.md for the contract.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from solver.clock import DayClock
from solver.model import Break, Nurse, Problem, SearchOptions, TimeWindow, Visit
from solver.travel import as_duration_matrix, speed_durations

DEFAULT_VISIT_MINUTES = 40
MAX_PRIORITY = 1000
_HHMM = re.compile(r"^([01]\d|2[0-4]):([0-5]\d)$")


class ProblemError(ValueError):
    """Bad input, with the path of the field at fault."""

    def __init__(self, path: str, problem: str):
        super().__init__(f"{path}: {problem}" if path else problem)
        self.path = path
        self.problem = problem


# ---------------------------------------------------------------- small readers


def _object(value: Any, path: str, allowed: set[str], required: set[str] = frozenset()) -> Mapping:
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
    top = _object(doc, "", {"date", "timezone", "nurses", "visits", "travel", "options"}, {"date", "nurses", "visits"})
    clock = _read_clock(top)
    travel = _object(top.get("travel", {}), "travel", {"speed_kmh", "circuity", "durations_s"})
    if "durations_s" in travel and ({"speed_kmh", "circuity"} & set(travel)):
        raise ProblemError("travel", "give either durations_s or speed_kmh/circuity, not both")
    locations = _Locations(travel, "travel")

    nurses = _read_nurses(_list(top["nurses"], "nurses"), clock, locations)
    nurse_ids = {nurse.id for nurse in nurses}
    visits = _read_visits(_list(top["visits"], "visits"), clock, locations, nurse_ids)
    options = _read_options(top.get("options", {}))
    return Problem(nurses=tuple(nurses), visits=tuple(visits), durations=locations.durations(), options=options, clock=clock)


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


def _read_nurses(raw_nurses: list, clock: DayClock, locations: _Locations) -> list[Nurse]:
    nurses, seen = [], set()
    fields = {"id", "name", "start", "end", "shift", "skills", "max_visits", "break"}
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
            )
        )
    return nurses


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


def _read_visits(raw_visits: list, clock: DayClock, locations: _Locations, nurse_ids: set[str]) -> list[Visit]:
    visits, seen = [], set()
    fields = {"id", "patient_id", "location", "window", "windows", "duration_min", "required_skills",
              "priority", "pinned_nurse", "preferred_nurses", "excluded_nurses", "service"}
    for i, value in enumerate(raw_visits):
        path = f"visits[{i}]"
        raw = _object(value, path, fields, {"id", "location"})
        visit_id = _unique_id(raw["id"], _join(path, "id"), seen, "visit")
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
                    _known_nurse(nurse, f"{path}.preferred_nurses[{k}]", nurse_ids)
                    for k, nurse in enumerate(_list(raw.get("preferred_nurses", []), _join(path, "preferred_nurses")))
                ),
                excluded_nurses=frozenset(
                    _known_nurse(nurse, f"{path}.excluded_nurses[{k}]", nurse_ids)
                    for k, nurse in enumerate(_list(raw.get("excluded_nurses", []), _join(path, "excluded_nurses")))
                ),
            )
        )
    return visits


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
    if value is None:
        return None
    nurse_id = _text(value, path)
    if nurse_id not in nurse_ids:
        raise ProblemError(path, f"unknown nurse {nurse_id!r}")
    return nurse_id


def _first_roster(value: Any, path: str) -> str:
    if value not in ("vroom", "insertion"):
        raise ProblemError(path, f"must be \"vroom\" or \"insertion\", not {value!r}")
    return value


def _metaheuristic(value: Any, path: str) -> str:
    if value not in ("ILS", "GLS"):
        raise ProblemError(path, f'must be "ILS" or "GLS", got {value!r}')
    return value


def _read_options(value: Any) -> SearchOptions:
    raw = _object(value, "options", {"time_limit_s", "seed", "workers", "preference_weight_s", "fairness_weight_s",
                                     "metaheuristic", "first_roster"})
    defaults = SearchOptions()
    read: dict[str, Callable[[Any, str], Any]] = {
        "time_limit_s": lambda v, p: _number(v, p, above=0),
        "seed": lambda v, p: _integer(v, p, minimum=0),
        "workers": lambda v, p: _integer(v, p, minimum=1, maximum=64),
        "preference_weight_s": lambda v, p: _integer(v, p, minimum=0),
        "fairness_weight_s": lambda v, p: _integer(v, p, minimum=0),
        "metaheuristic": _metaheuristic,
        "first_roster": _first_roster,
    }
    values = {key: read[key](raw[key], f"options.{key}") for key in raw}
    return SearchOptions(**{**defaults.__dict__, **values})

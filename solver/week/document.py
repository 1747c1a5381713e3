"""Reading the week document (JSON) into a validated `WeekProblem` (docs/week-document.md).

What a day document also says (a nurse's start, skills, break; a visit's place, windows, skills,
pins) is validated by the day parser itself, on one document holding every nurse and visit in the
week document's order, so its errors name the same paths (`visits[12].window: ...`). What only the
week says (working days, movable dates, courses, weekly caps) is read here, every error naming its
field: `visits[12].dates.to: ...`, `courses[3].sessions[2]: unknown visit V9`.
"""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from datetime import date
from typing import Any

from solver.document import (
    NURSE_FIELDS,
    VISIT_FIELDS,
    ProblemError,
    _integer,
    _join,
    _list,
    _number,
    _object,
    _text,
    parse_problem,
)
from solver.model import Visit
from solver.week.model import WEEKDAYS, Course, Shift, WeekNurse, WeekOptions, WeekProblem, WeekVisit

# Beside a day's nurse and visit fields (solver.document): a nurse's `shifts` (one per working day) in place of the
# day's `shift`, and a visit's days.
WEEK_NURSE_FIELDS = {"shifts", "max_week_min"}
WEEK_VISIT_FIELDS = {"date", "dates", "excluded_dates", "weekdays"}
WEEK_OPTIONS = {"time_limit_s", "workers", "continuity_weight_s", "travel_allowance_min", "seed"}
# Day options passed to every day's solve (validated by the day parser); time_limit_s and workers are the planner's.
DAY_OPTIONS = {"preference_weight_s", "fairness_weight_s", "metaheuristic", "first_roster"}
MAX_HORIZON_DAYS = 28
# Each day's routing gets at least this much (route_days): a plan with less a day overran its limit.
MIN_TIME_PER_DAY_S = 0.5


def too_short_time_limit(time_limit_s: float, days: int) -> str | None:
    """Why a plan of `days` days cannot keep to `time_limit_s`, or None when it can."""
    least = MIN_TIME_PER_DAY_S * days
    if time_limit_s >= least:
        return None
    return f"{time_limit_s:g} s is too short for {days} days: at least {least:g} s (half a second a day)"


def parse_week(doc: Any) -> WeekProblem:
    """Validate a week document (already decoded from JSON) and build the planner's WeekProblem."""
    top = _object(doc, "", {"timezone", "days", "nurses", "visits", "courses", "travel", "options"}, {"days", "nurses", "visits"})
    days = _read_days(top["days"])
    raw_nurses = _list(top["nurses"], "nurses")
    raw_visits = _list(top["visits"], "visits")
    for i, raw in enumerate(raw_nurses):
        _object(raw, f"nurses[{i}]", NURSE_FIELDS | WEEK_NURSE_FIELDS, {"id", "start"})
    for j, raw in enumerate(raw_visits):
        _object(raw, f"visits[{j}]", VISIT_FIELDS | WEEK_VISIT_FIELDS, {"id", "location"})
    raw_options = _object(top.get("options", {}), "options", WEEK_OPTIONS | DAY_OPTIONS)
    day_options = {key: raw_options[key] for key in DAY_OPTIONS if key in raw_options}

    shifts = [_read_shifts(raw, f"nurses[{i}]", days) for i, raw in enumerate(raw_nurses)]
    # One day document holding every nurse and visit, in order: the day parser checks their day fields
    # and gives each place its row of the horizon's travel matrix.
    horizon = parse_problem(
        {
            "date": days[0].isoformat(),
            "timezone": top.get("timezone", "UTC"),
            "travel": top.get("travel", {}),
            "options": day_options,
            "nurses": [
                {**_day_part(raw, NURSE_FIELDS), "shift": _first_shift_document(shift)}
                for raw, shift in zip(raw_nurses, shifts, strict=True)
            ],
            "visits": [_day_part(raw, VISIT_FIELDS) for raw in raw_visits],
        }
    )
    for i, (raw, nurse_shifts) in enumerate(zip(raw_nurses, shifts, strict=True)):
        _check_break_fits_every_shift(raw, f"nurses[{i}]", nurse_shifts, top.get("timezone", "UTC"))

    nurses = []
    for i, (raw, parsed, nurse_shifts) in enumerate(zip(raw_nurses, horizon.nurses, shifts, strict=True)):
        max_week = raw.get("max_week_min")
        nurses.append(
            WeekNurse(
                id=parsed.id,
                skills=parsed.skills,
                shifts=nurse_shifts,
                start_index=parsed.start_index,
                max_visits=parsed.max_visits,
                max_week_min=None if max_week is None else _integer(max_week, f"nurses[{i}].max_week_min", minimum=0),
                overtime_min=parsed.overtime // 60,
                day_fields=_day_part(raw, NURSE_FIELDS),
            )
        )
    nurse_ids = {nurse.id for nurse in nurses}
    courses = _read_courses(_list(top.get("courses", []), "courses"), raw_visits, days, nurse_ids)
    weekdays_of_course = {
        visit_id: course_weekdays
        for i, raw in enumerate(_list(top.get("courses", []), "courses"))
        if (course_weekdays := _read_weekdays(raw.get("weekdays"), f"courses[{i}].weekdays")) is not None
        for visit_id in raw["sessions"]
    }
    visits = [
        _read_visit(raw, f"visits[{j}]", parsed, days, weekdays_of_course.get(parsed.id))
        for j, (raw, parsed) in enumerate(zip(raw_visits, horizon.visits, strict=True))
    ]
    time_limit_s = _number(raw_options.get("time_limit_s", 60), "options.time_limit_s", above=0)
    if (too_short := too_short_time_limit(time_limit_s, len(days))) is not None:
        raise ProblemError("options.time_limit_s", too_short)
    options = WeekOptions(
        time_limit_s=time_limit_s,
        workers=_integer(raw_options.get("workers", 1), "options.workers", minimum=1, maximum=64),
        continuity_weight_s=_integer(raw_options.get("continuity_weight_s", 600), "options.continuity_weight_s", minimum=0),
        travel_allowance_min=_integer(raw_options.get("travel_allowance_min", 20), "options.travel_allowance_min", minimum=0),
        seed=_integer(raw_options.get("seed", 0), "options.seed", minimum=0),
        day_options=day_options,
    )
    return WeekProblem(
        timezone=horizon.clock.tz_name,
        days=days,
        nurses=tuple(nurses),
        visits=tuple(visits),
        courses=courses,
        travel=dict(top.get("travel", {})),
        durations=horizon.durations,
        options=options,
    )


def _day_part(raw: Mapping, fields: AbstractSet[str]) -> dict[str, Any]:
    return {key: value for key, value in raw.items() if key in fields}


def _read_date(value: Any, path: str) -> date:
    try:
        if isinstance(value, str) and len(value) == 10:
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise ProblemError(path, f"must be a date YYYY-MM-DD, got {value!r}")


def _read_days(value: Any) -> tuple[date, ...]:
    listed = _list(value, "days")
    if not listed:
        raise ProblemError("days", "must hold at least one date")
    if len(listed) > MAX_HORIZON_DAYS:
        raise ProblemError("days", f"a horizon holds at most {MAX_HORIZON_DAYS} days, got {len(listed)}")
    days = tuple(_read_date(item, f"days[{k}]") for k, item in enumerate(listed))
    for k in range(1, len(days)):
        if days[k] <= days[k - 1]:
            raise ProblemError(f"days[{k}]", f"{days[k]} must come after {days[k - 1]} (dates in order, each once)")
    return days


def _minutes_of(text: Any, path: str) -> int:
    if not isinstance(text, str) or len(text) != 5 or text[2] != ":" or not (text[:2] + text[3:]).isdigit():
        raise ProblemError(path, f'must be a time "HH:MM", got {text!r}')
    hours, minutes = int(text[:2]), int(text[3:])
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ProblemError(path, f"{text} is not a time of day")
    return hours * 60 + minutes


def _read_shifts(raw: Mapping, path: str, days: tuple[date, ...]) -> dict[date, Shift]:
    shifts_path = _join(path, "shifts")
    listed = raw.get("shifts", {})
    if not isinstance(listed, Mapping):
        raise ProblemError(shifts_path, "must be an object: a date → {start, end} for each working day")
    shifts = {}
    for key, value in listed.items():
        day_path = f"{shifts_path}.{key}"
        day = _read_date(key, day_path)
        if day not in days:
            raise ProblemError(day_path, f"{key} is not a day of the horizon")
        window = _object(value, day_path, {"start", "end"}, {"start", "end"})
        start = _minutes_of(window["start"], _join(day_path, "start"))
        end = _minutes_of(window["end"], _join(day_path, "end"))
        if end <= start:
            raise ProblemError(day_path, f"end {window['end']} must be after start {window['start']}")
        shifts[day] = Shift(window["start"], window["end"], start, end)
    return dict(sorted(shifts.items()))


def _first_shift_document(shifts: Mapping[date, Shift]) -> dict[str, str]:
    """The shift the horizon document gives a nurse: her first (or a whole day if she works none)."""
    for shift in shifts.values():
        return {"start": shift.start, "end": shift.end}
    return {"start": "00:00", "end": "24:00"}


def _check_break_fits_every_shift(raw: Mapping, path: str, shifts: Mapping[date, Shift], timezone: str) -> None:
    """The day parser's rule (a break fits the shift), asked of each working day."""
    if not raw.get("break"):
        return
    for day, shift in shifts.items():
        # Her place does not bear on the rule (and a matrix would be read again for every shift).
        nurse = {
            **_day_part(raw, {"id", "break"}),
            "start": {"lat": 0, "lon": 0},
            "shift": {"start": shift.start, "end": shift.end},
        }
        try:
            parse_problem({"date": day.isoformat(), "timezone": timezone, "nurses": [nurse], "visits": []})
        except ProblemError as error:
            where = error.path.replace("nurses[0]", path, 1)
            raise ProblemError(where, f"{error.problem} (on {day})") from None


def _read_weekdays(value: Any, path: str) -> frozenset[int] | None:
    if value is None:
        return None
    listed = _list(value, path)
    out = set()
    for k, item in enumerate(listed):
        if not isinstance(item, str) or item.lower() not in WEEKDAYS:
            raise ProblemError(f"{path}[{k}]", f"must be one of {', '.join(WEEKDAYS)}, got {item!r}")
        out.add(WEEKDAYS.index(item.lower()))
    if not out:
        raise ProblemError(path, "must hold at least one weekday")
    return frozenset(out)


def _read_visit(
    raw: Mapping, path: str, parsed: Visit, days: tuple[date, ...], course_weekdays: frozenset[int] | None
) -> WeekVisit:
    if ("date" in raw) == ("dates" in raw):
        problem = "give either date (fixed) or dates (movable), not both" if "date" in raw else "date or dates is required"
        raise ProblemError(path, problem)
    if "date" in raw and ("excluded_dates" in raw or "weekdays" in raw):
        raise ProblemError(path, "excluded_dates and weekdays apply to movable visits (dates), not to a fixed date")
    if "date" in raw:
        day = _read_date(raw["date"], _join(path, "date"))
        if day not in days:
            raise ProblemError(_join(path, "date"), f"{day} is not a day of the horizon")
        allowed: tuple[date, ...] = (day,)
    else:
        range_path = _join(path, "dates")
        span = _object(raw["dates"], range_path, {"from", "to"}, {"from", "to"})
        first = _read_date(span["from"], _join(range_path, "from"))
        last = _read_date(span["to"], _join(range_path, "to"))
        if last < first:
            raise ProblemError(_join(range_path, "to"), f"{last} is before from {first}")
        excluded = {
            _read_date(item, f"{path}.excluded_dates[{k}]")
            for k, item in enumerate(_list(raw.get("excluded_dates", []), _join(path, "excluded_dates")))
        }
        weekdays = _read_weekdays(raw.get("weekdays"), _join(path, "weekdays"))
        allowed = tuple(
            day
            for day in days
            if first <= day <= last
            and day not in excluded
            and (weekdays is None or day.weekday() in weekdays)
            and (course_weekdays is None or day.weekday() in course_weekdays)
        )
        if not allowed:
            raise ProblemError(range_path, f"no day of the horizon lies in {first}..{last} (after excluded dates and weekdays)")
    return WeekVisit(
        id=parsed.id,
        dates=allowed,
        fixed="date" in raw,
        duration_min=parsed.duration / 60,
        location_index=parsed.location_index,
        required_skills=parsed.required_skills,
        priority=parsed.priority,
        pinned_nurse=parsed.pinned_nurse,
        excluded_nurses=parsed.excluded_nurses,
        window_min=tuple((w.start // 60, w.end // 60) for w in parsed.windows),
        day_fields=_day_part(raw, VISIT_FIELDS),
    )


def _read_courses(raw_courses: list, raw_visits: list, days: tuple[date, ...], nurse_ids: set[str]) -> tuple[Course, ...]:
    visit_ids = {raw.get("id") for raw in raw_visits}
    seen_courses: set[str] = set()
    session_of: dict[str, str] = {}
    courses = []
    for i, value in enumerate(raw_courses):
        path = f"courses[{i}]"
        raw = _object(
            value,
            path,
            {"id", "sessions", "min_gap_days", "max_gap_days", "last_given", "nurse", "weekdays"},
            {"id", "sessions", "min_gap_days", "max_gap_days"},
        )
        course_id = _text(raw["id"], _join(path, "id"))
        if course_id in seen_courses:
            raise ProblemError(_join(path, "id"), f"duplicate course id {course_id!r}")
        seen_courses.add(course_id)
        sessions = _list(raw["sessions"], _join(path, "sessions"))
        if not sessions:
            raise ProblemError(_join(path, "sessions"), "must hold at least one visit id")
        for k, visit_id in enumerate(sessions):
            session_path = f"{path}.sessions[{k}]"
            _text(visit_id, session_path)
            if visit_id not in visit_ids:
                raise ProblemError(session_path, f"unknown visit {visit_id}")
            if visit_id in session_of:
                raise ProblemError(session_path, f"visit {visit_id} is already a session of course {session_of[visit_id]}")
            session_of[visit_id] = course_id
        min_gap = _integer(raw["min_gap_days"], _join(path, "min_gap_days"), minimum=1)
        max_gap = _integer(raw["max_gap_days"], _join(path, "max_gap_days"), minimum=min_gap)
        last_given = None
        if raw.get("last_given") is not None:
            last_given = _read_date(raw["last_given"], _join(path, "last_given"))
            if last_given >= days[0]:
                raise ProblemError(_join(path, "last_given"), f"{last_given} must be before the horizon's first day {days[0]}")
        nurse = raw.get("nurse")
        if nurse is not None and _text(nurse, _join(path, "nurse")) not in nurse_ids:
            raise ProblemError(_join(path, "nurse"), f"unknown nurse {nurse!r}")
        courses.append(Course(course_id, tuple(sessions), min_gap, max_gap, last_given, nurse))
    return tuple(courses)

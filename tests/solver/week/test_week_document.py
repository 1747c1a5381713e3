"""The week document is refused as a whole with the path of the field at fault (docs/week-document.md)."""

from __future__ import annotations

from datetime import date

import pytest

from solver import ProblemError
from solver.week import parse_week
from tests.solver.week.conftest import FRI, MON, TUE


def _refused(week, path_pattern):
    with pytest.raises(ProblemError, match=path_pattern):
        parse_week(week)


def test_a_well_formed_week_reads_into_days_visits_and_courses(week):
    problem = parse_week(week)
    assert problem.days[0] == date(2026, 12, 7) and len(problem.days) == 5
    assert problem.visit("A1").fixed and problem.visit("A1").dates == (date(2026, 12, 7),)
    assert problem.visit("A2").dates == tuple(date(2026, 12, d) for d in (8, 9, 10, 11))
    assert problem.courses[0].sessions == ("A1", "A2")


def test_a_range_ending_before_it_starts_names_dates_to(week):
    week["visits"][1]["dates"] = {"from": FRI, "to": TUE}
    _refused(week, r"^visits\[1\]\.dates\.to: 2026-12-08 is before from 2026-12-11")


def test_an_unknown_session_names_the_course_and_position(week):
    week["courses"][0]["sessions"] = ["A1", "V9"]
    _refused(week, r"^courses\[0\]\.sessions\[1\]: unknown visit V9")


def test_a_visit_with_both_date_and_dates_is_refused(week):
    week["visits"][0]["dates"] = {"from": MON, "to": TUE}
    _refused(week, r"^visits\[0\]: give either date")


def test_a_shift_on_a_day_outside_the_horizon_is_refused(week):
    week["nurses"][0]["shifts"]["2026-12-20"] = {"start": "08:00", "end": "16:00"}
    _refused(week, r"^nurses\[0\]\.shifts\.2026-12-20: 2026-12-20 is not a day of the horizon")


def test_day_fields_are_checked_by_the_day_parser_under_the_same_path(week):
    week["visits"][2]["window"] = {"start": "15:00", "end": "13:00"}
    _refused(week, r"^visits\[2\]\.window: end 13:00 is before start 15:00")


def test_a_break_that_does_not_fit_one_of_her_shifts_names_the_day(week):
    week["nurses"][0]["break"] = {"window": {"start": "12:00", "end": "13:00"}, "duration_min": 30}
    week["nurses"][0]["shifts"][TUE] = {"start": "08:00", "end": "12:15"}
    _refused(week, r"^nurses\[0\]\.break\.window: .*on 2026-12-08")


def test_max_gap_below_min_gap_is_refused(week):
    week["courses"][0]["max_gap_days"] = 2
    _refused(week, r"^courses\[0\]\.max_gap_days: must be at least 3")


def test_last_given_inside_the_horizon_is_refused(week):
    week["courses"][0]["last_given"] = TUE
    _refused(week, r"^courses\[0\]\.last_given: 2026-12-08 must be before")


def test_a_movable_visit_with_no_day_left_is_refused(week):
    week["visits"][2]["excluded_dates"] = [MON, TUE, "2026-12-09"]
    _refused(week, r"^visits\[2\]\.dates: no day of the horizon")


def test_a_session_in_two_courses_is_refused(week):
    week["courses"].append({"id": "C2", "sessions": ["A2"], "min_gap_days": 1, "max_gap_days": 2})
    _refused(week, r"^courses\[1\]\.sessions\[0\]: visit A2 is already a session of course C1")


def test_a_time_limit_too_short_for_the_horizon_is_refused_with_the_least_it_needs(week):
    week["options"]["time_limit_s"] = 2  # five days need 2.5 s: each day's routing has a floor of half a second
    _refused(week, r"^options\.time_limit_s: 2 s is too short for 5 days: at least 2\.5 s")

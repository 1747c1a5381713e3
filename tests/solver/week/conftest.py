"""A small hand-made horizon: Monday 7 to Friday 11 December 2026, two nurses, travel by matrix (10 minutes everywhere)."""

from __future__ import annotations

import copy

import pytest

MON, TUE, WED, THU, FRI = "2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11"
DAYS = [MON, TUE, WED, THU, FRI]
SHIFT = {"start": "08:00", "end": "16:00"}

BASE_WEEK = {
    "timezone": "America/Denver",
    "days": DAYS,
    "travel": {"durations_s": [[0 if i == j else 600 for j in range(5)] for i in range(5)]},
    "nurses": [
        {"id": "N1", "start": {"index": 0}, "skills": ["rn", "iv"], "shifts": {day: SHIFT for day in DAYS}},
        {"id": "N2", "start": {"index": 1}, "skills": ["rn", "iv"], "shifts": {day: SHIFT for day in DAYS}},
    ],
    "visits": [
        {"id": "A1", "location": {"index": 2}, "window": {"start": "09:00", "end": "12:00"}, "duration_min": 60, "date": MON},
        {
            "id": "A2",
            "location": {"index": 2},
            "window": {"start": "09:00", "end": "12:00"},
            "duration_min": 60,
            "dates": {"from": TUE, "to": FRI},
        },
        {
            "id": "B1",
            "location": {"index": 3},
            "window": {"start": "13:00", "end": "15:00"},
            "duration_min": 45,
            "dates": {"from": MON, "to": WED},
        },
    ],
    "courses": [{"id": "C1", "sessions": ["A1", "A2"], "min_gap_days": 3, "max_gap_days": 4}],
    "options": {"time_limit_s": 4},
}


@pytest.fixture
def week() -> dict:
    return copy.deepcopy(BASE_WEEK)

"""Booking's search on hand-made days: the routes settled, then where one more visit fits, worked out by hand."""

from __future__ import annotations

from solver import parse_problem
from solver.booking import openings, settle
from solver.model import TimeWindow

H = 3600

DAY = {
    "date": "2026-12-01",
    "timezone": "America/Denver",
    "travel": {
        "durations_s": [
            # 0: Ana's home, 1: Bea's home, 2: V1, 3: V2 (booked since the roster), 4: NEW
            [0, 3600, 600, 1800, 900],
            [3600, 0, 3000, 1000, 2700],
            [600, 3000, 0, 1200, 300],
            [1800, 1000, 1200, 0, 1500],
            [900, 2700, 300, 1500, 0],
        ]
    },
    "nurses": [
        {"id": "A", "name": "Ana", "start": {"index": 0}, "shift": {"start": "08:00", "end": "12:00"}, "skills": ["iv"]},
        {"id": "B", "name": "Bea", "start": {"index": 1}, "shift": {"start": "08:00", "end": "12:00"}, "skills": []},
    ],
    "visits": [
        {"id": "V1", "location": {"index": 2}, "window": {"start": "09:00", "end": "09:00"}, "duration_min": 60},
        {"id": "V2", "location": {"index": 3}, "window": {"start": "08:00", "end": "12:00"}, "duration_min": 60},
        {
            "id": "NEW",
            "location": {"index": 4},
            "window": {"start": "00:00", "end": "23:59"},
            "duration_min": 60,
            "required_skills": ["iv"],
        },
    ],
}


def test_a_visit_booked_since_the_roster_goes_to_its_cheapest_nurse_and_the_new_one_fits_around_it():
    problem = parse_problem(DAY)
    settled = settle(problem, {"A": ["V1"]}, skip=frozenset({"NEW"}))
    # V2 after V1 adds 1200 + 1800 - 600 = 2400 s to Ana's day; Bea's empty day becomes 1000 + 1000 = 2000 s.
    assert [[v.id for v in order] for order in settled.days.orders] == [["V1"], ["V2"]] and settled.left_out == ()
    (found,) = openings(settled, next(v for v in problem.visits if v.id == "NEW"), limit=5)  # Bea lacks iv
    # Ana: home → V1 (09:00–10:00) → NEW (300 s later) → home (900 s): 600 + 300 + 900 - 1200 = 600 s added.
    assert (found.nurse_id, found.start, found.added_travel) == ("A", 10 * H + 300, 600)


def test_a_route_that_no_longer_fits_keeps_what_fits_and_a_visit_that_fits_nowhere_is_left_out():
    # V3: a second 09:00 at V1's door that needs iv, which only Ana has.
    document = DAY | {"visits": [*DAY["visits"][:2], DAY["visits"][0] | {"id": "V3", "required_skills": ["iv"]}]}
    problem = parse_problem(document)
    settled = settle(problem, {"A": ["V1", "V3"]})
    assert [[v.id for v in order] for order in settled.days.orders] == [["V1"], ["V2"]]
    assert settled.left_out == ("V3",)


def test_only_a_window_asked_for_is_searched():
    problem = parse_problem(DAY)
    settled = settle(problem, {"A": ["V1"]}, skip=frozenset({"NEW"}))
    new = next(v for v in problem.visits if v.id == "NEW")
    early = openings(settled, type(new)(**{**new.__dict__, "windows": (TimeWindow(8 * H, 8 * H),)}), limit=5)
    assert early == []  # 08:00 + 60 min + 300 s would miss V1 at 09:00

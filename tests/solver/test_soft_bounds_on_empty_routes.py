"""A missed preference or a planned visit moved away costs even when the nurse it was for ends with an empty route.

OR-Tools does not cost the soft bounds of a vehicle it treats as unused; before the fix the only visit of a
day went to the nurse listed first even though it preferred the other, at equal travel (1,200 s each way round).
"""

from __future__ import annotations

from solver import parse_problem, replan, solve

EQUAL = {"durations_s": [[0 if i == j else 600 for j in range(3)] for i in range(3)]}


def _day(extra):
    return {
        "date": "2026-12-01",
        "travel": EQUAL,
        "nurses": [
            {"id": "N1", "start": {"index": 0}, "shift": {"start": "08:00", "end": "16:00"}},
            {"id": "N2", "start": {"index": 1}, "shift": {"start": "08:00", "end": "16:00"}},
        ],
        "visits": [{"id": "A", "location": {"index": 2}, "window": {"start": "09:00", "end": "12:00"}, **extra}],
        "options": {"time_limit_s": 1},
    }


def test_the_only_visit_goes_to_the_nurse_it_prefers_at_equal_travel():
    solution = solve(parse_problem(_day({"preferred_nurses": ["N2"]})))
    assert [s.visit_id for s in solution.routes[1].stops] == ["A"]


def test_a_planned_visit_stays_with_its_nurse_at_equal_travel():
    solution = replan(parse_problem(_day({"planned": {"nurse": "N2", "start": "09:00"}})))
    assert [s.visit_id for s in solution.routes[1].stops] == ["A"]

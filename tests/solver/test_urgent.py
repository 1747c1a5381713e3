"""Urgent insertion on a small day worked out by hand.

At 09:30 Ana (N1, ketamine) is at V1 (09:00-10:00) and Bea (N2) at V2 (09:00-09:40); Bea then has V3
at 13:00. The urgent visit U (10:30-13:30, 90 minutes) is 10 minutes from V1 and 15 from Ana's home:
- Ana after V1: leaves V1 at 10:00, starts U at 10:30 (window), home by 12:15; she would have
  driven V1→home (600 s), now V1→U→home (600 + 900 s): 900 s added.
- Bea between V2 and V3: V2→U 1,200 s, U→V3 900 s instead of V2→V3 600 s: 1,500 s added; U 10:30-12:00,
  V3 still at 13:00. After V3 (13:40 + 15 minutes) the window has closed.
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import check_solution, parse_problem, solve
from solver.as_planned import published, state_as_planned
from solver.model import Planned, Solution, SolveStats, TimeWindow, Unassigned, Visit
from solver.replan import current_roster
from solver.residual import route_in_order
from solver.schedule import InfeasibleSequence
from solver.urgent import Bumped, accept_slot, cheapest_position, urgent_slots
from tests.solver.test_properties import days

H = 3600

URGENT_DAY = {
    "date": "2026-12-01",
    "timezone": "America/Denver",
    "as_of": "09:30",
    "travel": {
        "durations_s": [
            # 0: N1 home, 1: N2 home, 2: V1, 3: V2, 4: V3, 5: U
            [0, 900, 600, 1200, 1800, 900],
            [900, 0, 1500, 600, 900, 1500],
            [600, 1500, 0, 900, 1200, 600],
            [1200, 600, 900, 0, 600, 1200],
            [1800, 900, 1200, 600, 0, 900],
            [900, 1500, 600, 1200, 900, 0],
        ]
    },
    "nurses": [
        {
            "id": "N1",
            "name": "Ana",
            "start": {"index": 0},
            "shift": {"start": "08:00", "end": "16:00"},
            "skills": ["rn", "iv", "ketamine"],
        },
        {"id": "N2", "name": "Bea", "start": {"index": 1}, "shift": {"start": "08:00", "end": "16:00"}, "skills": ["rn", "iv"]},
    ],
    "visits": [
        {
            "id": "V1",
            "location": {"index": 2},
            "window": {"start": "09:00", "end": "10:00"},
            "duration_min": 60,
            "planned": {"nurse": "N1", "start": "09:00"},
            "progress": {"status": "in_progress"},
        },
        {
            "id": "V2",
            "location": {"index": 3},
            "window": {"start": "09:00", "end": "12:00"},
            "duration_min": 40,
            "planned": {"nurse": "N2", "start": "09:00"},
            "progress": {"status": "in_progress"},
        },
        {
            "id": "V3",
            "location": {"index": 4},
            "window": {"start": "13:00", "end": "15:00"},
            "duration_min": 40,
            "planned": {"nurse": "N2", "start": "13:00"},
        },
        {
            "id": "U",
            "location": {"index": 5},
            "window": {"start": "10:30", "end": "13:30"},
            "duration_min": 90,
            "required_skills": ["ketamine"],
            "priority": 10,
        },
    ],
    "options": {"time_limit_s": 1},
}


@pytest.fixture
def day():
    return copy.deepcopy(URGENT_DAY)


def _slots(document):
    problem = parse_problem(document)
    current = current_roster(problem)
    return problem, current, urgent_slots(problem, current, "U")


def test_the_best_slot_is_the_one_worked_out_by_hand(day):
    problem, current, slots = _slots(day)
    assert len(slots) == 1  # Bea lacks ketamine
    slot = slots[0]
    assert (slot.nurse_id, slot.position, slot.start, slot.added_travel, slot.retimed, slot.bumped) == (
        "N1",
        1,
        10 * H + 1800,
        900,
        (),
        (),
    )
    assert slot.arrival == slot.start  # she leaves V1 as late as still arrives in time
    roster = accept_slot(problem, current, "U", slot)
    assert check_solution(problem, roster) == []
    assert [s.visit_id for s in roster.routes[0].stops] == ["V1", "U"]
    assert roster.routes[0].stops[1].start == slot.start


def test_slots_are_ranked_by_cost_and_every_nurse_may_be_offered(day):
    day["visits"][3]["required_skills"] = []
    _, _, slots = _slots(day)
    assert [(s.nurse_id, s.position, s.added_travel, s.start) for s in slots] == [
        ("N1", 1, 900, 10 * H + 1800),
        ("N2", 1, 1500, 10 * H + 1800),
    ]
    assert slots[1].retimed == ()  # V3 keeps 13:00


def test_a_visit_that_fits_nowhere_gets_no_slot(day):
    day["visits"][3]["window"] = {"start": "09:30", "end": "09:45"}  # both nurses are busy until after 09:45
    day["visits"][3]["required_skills"] = []
    _, _, slots = _slots(day)
    assert slots == ()


def test_a_full_nurse_can_make_room_by_giving_a_lower_priority_visit_to_another(day):
    # Ana may do two visits today and also has V3 (planned 13:00): no room for U unless V3 goes to Bea.
    day["nurses"][0]["max_visits"] = 2
    day["visits"][2]["planned"] = {"nurse": "N1", "start": "13:00"}
    problem, current, slots = _slots(day)
    assert [s.visit_id for s in current.routes[0].stops] == ["V1", "V3"]
    assert len(slots) == 1
    slot = slots[0]
    assert (slot.nurse_id, slot.position, slot.start) == ("N1", 1, 10 * H + 1800)
    assert slot.bumped == (Bumped("V3", "N2", 1, 13 * H),)  # after Bea's V2, still at 13:00
    roster = accept_slot(problem, current, "U", slot)
    assert [[s.visit_id for s in r.stops] for r in roster.routes] == [["V1", "U"], ["V2", "V3"]]
    assert roster.unassigned == ()


def test_a_bumped_visit_nobody_can_take_is_reported_left_out(day):
    day["nurses"][0]["max_visits"] = 2
    day["nurses"][1]["max_visits"] = 1
    day["visits"][2]["planned"] = {"nurse": "N1", "start": "13:00"}
    problem, current, slots = _slots(day)
    assert slots[0].bumped == (Bumped("V3", None, None, None),)
    roster = accept_slot(problem, current, "U", slots[0])
    assert [(u.visit_id, u.reason) for u in roster.unassigned] == [("V3", "taken out to make room for urgent visit U")]


def test_a_visit_already_in_the_roster_is_refused(day):
    problem = parse_problem(day)
    with pytest.raises(ValueError, match="already in the roster"):
        urgent_slots(problem, current_roster(problem), "V3")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(days(), st.integers(6 * 3600, 16 * 3600), st.integers(0, 10**6))
def test_every_slot_offered_can_be_taken_and_passes_the_checker(document, moment, pick):
    day = parse_problem(document)
    if not day.visits:
        return
    roster = solve(day)
    base = published(day, roster)
    visit = day.visits[pick % len(day.visits)]
    skills = sorted(frozenset().union(*(n.skills for n in day.nurses)))
    urgent = Visit(
        "URGENT", visit.location_index, (TimeWindow(moment, moment + 3 * H),), 3600, frozenset(skills[:1]), priority=10
    )
    problem = type(base)(
        base.nurses,
        (*base.visits, urgent),
        base.durations,
        base.options,
        base.costs,
        base.clock,
        state_as_planned(base, roster, moment),
    )
    current = current_roster(problem)
    for slot in urgent_slots(problem, current, "URGENT"):
        assert urgent.required_skills <= problem.nurse(slot.nurse_id).skills
        taken = accept_slot(problem, current, "URGENT", slot)  # checks the roster itself
        stop = next(s for r in taken.routes for s in r.stops if s.visit_id == "URGENT")
        assert (stop.arrival, stop.start) == (slot.arrival, slot.start)


def test_the_plan_of_a_visit_is_read_back_from_a_roster(day):
    problem = parse_problem(day)
    assert published(problem, current_roster(problem)).visits[2].planned == Planned("N2", 13 * H)


# One nurse, a fresh day's draft: A 09:00-10:00, B 10:10-11:10; X (2 hours) goes in. Between A and B
# adds no travel (A→X→B 300 + 300 s against A→B 600 s) but pushes B from 10:10 to 12:10, 90 minutes
# beyond the 30 tolerated (5,400 s); after B adds 600 s (B→X→home 300 + 900 against B→home 600) and moves nobody.
MOVE_DAY = {
    "date": "2026-12-01",
    "timezone": "America/Denver",
    "travel": {
        "durations_s": [
            # 0: N1 home, 1: A, 2: B, 3: X
            [0, 600, 600, 900],
            [600, 0, 600, 300],
            [600, 600, 0, 300],
            [900, 300, 300, 0],
        ]
    },
    "nurses": [{"id": "N1", "name": "Ana", "start": {"index": 0}, "shift": {"start": "08:00", "end": "16:00"}}],
    "visits": [
        {"id": "A", "location": {"index": 1}, "window": {"start": "09:00", "end": "09:30"}, "duration_min": 60},
        {"id": "B", "location": {"index": 2}, "window": {"start": "10:00", "end": "15:00"}, "duration_min": 60},
        {"id": "X", "location": {"index": 3}, "window": {"start": "08:00", "end": "15:00"}, "duration_min": 120},
    ],
    "options": {"time_limit_s": 1},
}


def test_a_dispatchers_move_goes_where_an_urgent_slot_would_not_where_travel_is_least():
    problem = parse_problem(MOVE_DAY)
    shown = {"A": 9 * H, "B": 10 * H + 600}
    position = cheapest_position(problem, {"N1": ["A", "B"]}, shown, "X", "N1")
    assert position == 2  # after B; between A and B would add no travel but re-time B by two hours
    current = Solution((route_in_order(problem, "N1", ["A", "B"]),), (Unassigned("X", "not placed"),), SolveStats(0, 0, 0))
    assert [(slot.nurse_id, slot.position) for slot in urgent_slots(problem, current, "X")] == [("N1", position)]


def test_a_move_that_fits_nowhere_says_why_in_clock_times():
    document = copy.deepcopy(MOVE_DAY)
    document["nurses"][0]["shift"]["end"] = "12:00"
    problem = parse_problem(document)
    with pytest.raises(InfeasibleSequence, match=r"^back at 13:30, after the shift ends at 12:00$"):
        cheapest_position(problem, {"N1": ["A", "B"]}, {"A": 9 * H, "B": 10 * H + 600}, "X", "N1")

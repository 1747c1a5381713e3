"""Property: on random days re-planned at a random moment, with a nurse off duty, a visit running long and a visit
cancelled, every roster passes the independent checker, keeps every committed stop as it was, and explains every
visit left out."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from solver import check_solution, parse_problem, solve
from solver.as_planned import published, state_as_planned
from solver.model import DayState, NurseNow
from solver.replan import current_roster, replan
from tests.solver.test_properties import days


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(days(), st.integers(6 * 3600, 18 * 3600), st.integers(0, 10**6), st.booleans(), st.booleans(), st.integers(0, 7200))
def test_every_replanned_roster_passes_the_checker_and_keeps_committed_stops(document, moment, pick, sick, cancel, overrun):
    day = parse_problem(document)
    roster = solve(day)
    problem = replace(published(day, roster), state=state_as_planned(day, roster, moment))
    state = problem.state
    if sick:
        nurse = day.nurses[pick % len(day.nurses)]
        now = state.of(nurse.id) or NurseNow(nurse.id, nurse.start_index, moment)
        others = tuple(n for n in state.nurses if n.nurse_id != nurse.id)
        problem = replace(problem, state=DayState(moment, (*others, replace(now, off_duty=True))))
    late = [n for n in problem.state.nurses if n.committed and not n.off_duty]
    if overrun and late:  # a nurse's last committed stop runs long
        now = late[pick % len(late)]
        last = now.committed[-1]
        longer = replace(
            now,
            committed=(*now.committed[:-1], replace(last, end=last.end + overrun)),
            free_at=max(now.free_at, last.end + overrun),
        )
        others = tuple(n for n in problem.state.nurses if n.nurse_id != now.nurse_id)
        problem = replace(problem, state=DayState(moment, (*others, longer)))
    committed = problem.state.committed_visit_ids()
    if cancel:
        open_visits = [v for v in problem.visits if v.id not in committed]
        if open_visits:
            gone = open_visits[pick % len(open_visits)].id
            problem = replace(problem, visits=tuple(v for v in problem.visits if v.id != gone))

    for solution in (current_roster(problem), replan(problem)):
        assert check_solution(problem, solution) == []
        for now in problem.state.nurses:
            route = next(r for r in solution.routes if r.nurse_id == now.nurse_id)
            assert route.stops[: len(now.committed)] == now.committed
            if now.off_duty:
                assert len(route.stops) == len(now.committed)
        assert all(u.reason for u in solution.unassigned)

"""A roster as the plan in force, and the day as it stands at a moment if everything went to that plan.

For re-planning without reports from the field (benchmarks, tests, a first guess before the
nurses' apps report): `published` marks every served visit with its nurse and start, and
`state_as_planned` says which stops are done, in progress or being driven to at a moment.
"""

from __future__ import annotations

from dataclasses import replace

from solver.model import DayState, NurseNow, Planned, Problem, Solution


def published(problem: Problem, solution: Solution) -> Problem:
    """The problem with each visit that `solution` serves marked `planned` with its nurse and start."""
    plan = {stop.visit_id: Planned(route.nurse_id, stop.start) for route in solution.routes for stop in route.stops}
    return replace(problem, visits=tuple(replace(visit, planned=plan.get(visit.id)) for visit in problem.visits))


def state_as_planned(problem: Problem, solution: Solution, moment: int) -> DayState:
    """The day at `moment` had every nurse kept to `solution`.

    Stops that started before `moment` are committed (done or in progress), and so is the next stop
    once she has left for it; a break that started before `moment` is taken. Nurses who have not
    left their start yet are not listed.
    """
    location = {visit.id: visit.location_index for visit in problem.visits}
    nows = []
    for route in solution.routes:
        if not route.stops or route.departure > moment:
            continue
        started = [stop for stop in route.stops if stop.start < moment]
        ahead = route.stops[len(started) :]
        left_at = started[-1].end if started else route.departure
        if ahead and left_at <= moment:  # on her way to the next stop, or waiting at the door
            started.append(ahead[0])
        if not started:
            continue
        taken = route.break_start if route.break_start is not None and route.break_start < moment else None
        nows.append(NurseNow(route.nurse_id, location[started[-1].visit_id], started[-1].end, tuple(started), taken))
    return DayState(moment, tuple(nows))

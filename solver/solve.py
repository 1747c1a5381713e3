"""`solve(problem) -> Solution`: search, time each route, explain what is left, check it all."""

from __future__ import annotations

import time

from solver.check import assert_feasible
from solver.explain import dropped_reason, eligibility
from solver.model import Problem, SolveStats, Solution, Unassigned
from solver.routing import Progress, search
from solver.schedule import schedule_route


def solve(problem: Problem, on_progress: Progress | None = None) -> Solution:
    """The best roster found within problem.options.time_limit_s, verified by the independent checker."""
    started = time.monotonic()
    eligible = eligibility(problem)
    sequences = search(problem, eligible, on_progress)
    routes = tuple(
        schedule_route(problem, nurse, [problem.visits[v] for v in order])
        for nurse, order in zip(problem.nurses, sequences.per_nurse)
    )
    served = {v for order in sequences.per_nurse for v in order}
    unassigned = tuple(
        Unassigned(visit.id, eligible[v].reason or dropped_reason(problem, visit, eligible[v].nurse_positions))
        for v, visit in enumerate(problem.visits)
        if v not in served
    )
    stats = SolveStats(round(time.monotonic() - started, 3), sequences.objective, sequences.solutions_found)
    solution = Solution(routes, unassigned, stats)
    assert_feasible(problem, solution)
    return solution

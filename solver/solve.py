"""`solve(problem) -> Solution`: a new day's roster: search, time each route, explain what is left, check it all."""

from __future__ import annotations

import time

from solver.check import assert_feasible
from solver.document import ProblemError
from solver.explain import eligibility
from solver.model import Problem, Solution, SolveStats
from solver.routing import Progress
from solver.schedule import schedule_route
from solver.search import search_day, solve_deadline, unassigned_visits


def solve(problem: Problem, on_progress: Progress | None = None) -> Solution:
    """The best roster found within problem.options.time_limit_s, verified by the independent checker.

    A new day only: a day under way or with a roster in force (`problem.is_replanning`) is refused
    with a ProblemError; `solver.replan` plans those, keeping close to the roster in force.
    """
    if problem.is_replanning:
        raise ProblemError(
            _replanning_field(problem),
            "the problem re-plans a day (a roster in force or a day under way): call solver.replan, not solver.solve",
        )
    started = time.monotonic()
    deadline = solve_deadline(problem, started)
    eligible = eligibility(problem)
    sequences = search_day(problem, eligible, on_progress, deadline)
    routes = tuple(
        schedule_route(problem, nurse, [problem.visits[v] for v in order])
        for nurse, order in zip(problem.nurses, sequences.per_nurse, strict=True)
    )
    stats = SolveStats(round(time.monotonic() - started, 3), sequences.objective, sequences.solutions_found)
    solution = Solution(routes, unassigned_visits(problem, eligible, sequences), stats)
    assert_feasible(problem, solution)
    return solution


def _replanning_field(problem: Problem) -> str:
    """The field that makes the problem a re-plan: as_of, else the first planned visit."""
    if problem.state is not None:
        return "as_of"
    return next(f"visits[{v}].planned" for v, visit in enumerate(problem.visits) if visit.planned is not None)

"""`solve(problem) -> Solution`: search, time each route, explain what is left, check it all."""

from __future__ import annotations

import multiprocessing
import time
from concurrent.futures import ProcessPoolExecutor

from solver.check import assert_feasible
from solver.explain import dropped_reason, eligibility
from solver.model import Problem, SolveStats, Solution, Unassigned
from solver.routing import PORTFOLIO, Progress, Sequences, search
from solver.schedule import schedule_route


def solve(problem: Problem, on_progress: Progress | None = None) -> Solution:
    """The best roster found within problem.options.time_limit_s, verified by the independent checker."""
    started = time.monotonic()
    eligible = eligibility(problem)
    sequences = _portfolio_search(problem, eligible, on_progress)
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


def _portfolio_search(problem: Problem, eligible: list, on_progress: Progress | None) -> Sequences:
    """Independent searches with different plans, one per worker; the best objective wins.

    Each plan is best on different instances (docs/BENCHMARKS.md), so extra cores buy robustness.
    The first search runs here (it reports progress), the others in worker processes.
    """
    plans = PORTFOLIO[: max(1, min(problem.options.workers, len(PORTFOLIO)))]
    if len(plans) == 1:
        return search(problem, eligible, on_progress, plans[0])
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=len(plans) - 1, mp_context=context) as pool:
        others = [pool.submit(search, problem, eligible, None, plan) for plan in plans[1:]]
        results = [search(problem, eligible, on_progress, plans[0])] + [f.result() for f in others]
    best = min(results, key=lambda r: r.objective)
    return Sequences(best.per_nurse, best.objective, sum(r.solutions_found for r in results))

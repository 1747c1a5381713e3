"""How much a roster changes the plan in force: visits moved to another nurse, re-timed, or lost."""

from __future__ import annotations

from dataclasses import dataclass

from solver.model import Problem, Solution


@dataclass(frozen=True)
class Disruption:
    """Counts over the problem's planned visits (visits with `planned`)."""

    planned: int
    moved: tuple[str, ...]  # served by another nurse than planned
    retimed: tuple[str, ...]  # served more than options.retime_tolerance_s from the planned start
    lost: tuple[str, ...]  # planned but not served


def disruption(problem: Problem, solution: Solution) -> Disruption:
    """What `solution` changes for the nurses and patients of the plan in force."""
    served = {stop.visit_id: (route.nurse_id, stop.start) for route in solution.routes for stop in route.stops}
    tolerance = problem.options.retime_tolerance_s
    planned = [visit for visit in problem.visits if visit.planned is not None]
    moved, retimed, lost = [], [], []
    for visit in planned:
        assert visit.planned is not None
        if visit.id not in served:
            lost.append(visit.id)
            continue
        nurse_id, start = served[visit.id]
        if nurse_id != visit.planned.nurse_id:
            moved.append(visit.id)
        if abs(start - visit.planned.start) > tolerance:
            retimed.append(visit.id)
    return Disruption(len(planned), tuple(moved), tuple(retimed), tuple(lost))

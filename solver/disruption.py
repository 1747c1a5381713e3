"""How much a roster changes the plan in force: visits moved to another nurse, re-timed, or lost."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from solver.model import Problem, Solution


@dataclass(frozen=True)
class AssignmentChanges:
    """What changed between two assignments of visits to (nurse, start): the one rule for every roster diff."""

    moved: frozenset  # served in both, by another nurse
    retimed: frozenset  # served in both, starting more than the tolerance apart (whoever serves it)
    lost: frozenset  # served before, not after
    gained: frozenset  # served after, not before


def assignment_changes[Key: (str, int), Start](
    before: Mapping[Key, tuple[Key, Start]],
    after: Mapping[Key, tuple[Key, Start]],
    tolerance_s: float,
    seconds_apart: Callable[[Start, Start], float],
) -> AssignmentChanges:
    """Compare {visit: (nurse, start)} maps; `seconds_apart` measures two starts (seconds, or wall-clock texts).

    Keys are the solver's text ids or the service's record ints.
    """
    both = before.keys() & after.keys()
    return AssignmentChanges(
        moved=frozenset(v for v in both if before[v][0] != after[v][0]),
        retimed=frozenset(v for v in both if seconds_apart(before[v][1], after[v][1]) > tolerance_s),
        lost=frozenset(before.keys() - after.keys()),
        gained=frozenset(after.keys() - before.keys()),
    )


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
    planned = [visit for visit in problem.visits if visit.planned is not None]
    before = {visit.id: (visit.planned.nurse_id, visit.planned.start) for visit in planned if visit.planned is not None}
    changes = assignment_changes(before, served, problem.options.retime_tolerance_s, lambda a, b: abs(a - b))
    return Disruption(
        len(planned),
        tuple(v.id for v in planned if v.id in changes.moved),
        tuple(v.id for v in planned if v.id in changes.retimed),
        tuple(v.id for v in planned if v.id in changes.lost),
    )

"""Splitting a large day into geographic parts that can be searched separately, then stitched.

Nurses are split by recursive bisection along the axis between two far-apart start locations,
measured in travel time (so it works with road matrices as well as coordinates); visits are
ordered along the same axis and shared in proportion to the nurses on each side. A visit a part
leaves out is offered to a part that holds one of its nearest qualified nurses (`offered_to`): one
searched after it, or in a second pass one searched before (solver.search), so a border does not
decide alone who may serve it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from solver.explain import Eligibility
from solver.model import Problem

# A visit one part leaves out is offered to a later part holding one of this many of its nearest
# qualified nurses (by travel from where each starts): its neighbours across the part's border,
# not the far side of the region (docs/BENCHMARKS.md, "Parts that pass on what they leave out").
OFFERED_TO_NEAREST_NURSES = 10


@dataclass(frozen=True)
class Part:
    """Positions (into the whole problem) of the nurses and visits searched together."""

    nurse_positions: tuple[int, ...]
    visit_positions: tuple[int, ...]


def partition(problem: Problem, eligible: list[Eligibility], max_visits: int) -> list[Part]:
    """Parts of at most about `max_visits` routable visits each, balanced by nurse count."""
    homes = np.array([n.start_index for n in problem.nurses], dtype=np.int64)
    routable = [v for v, e in enumerate(eligible) if e.nurse_positions]
    parts: list[Part] = []
    _bisect(problem, eligible, homes, list(range(len(problem.nurses))), routable, max_visits, parts)
    return parts


def _bisect(
    problem: Problem,
    eligible: list[Eligibility],
    homes: np.ndarray,
    nurses: list[int],
    visits: list[int],
    max_visits: int,
    parts: list[Part],
) -> None:
    if len(visits) <= max_visits or len(nurses) < 2:
        parts.append(Part(tuple(nurses), tuple(visits)))
        return
    d = problem.durations
    far_a = max(nurses, key=lambda n: int(d[homes[nurses[0]], homes[n]]))
    far_b = max(nurses, key=lambda n: int(d[homes[far_a], homes[n]]))
    score = {n: int(d[homes[far_a], homes[n]]) - int(d[homes[far_b], homes[n]]) for n in nurses}
    ordered = sorted(nurses, key=lambda n: (score[n], n))
    left = set(ordered[: len(ordered) // 2])
    # Visits are ordered along the same axis and shared in proportion to nurses, so that every
    # part has the same visits per nurse (demand is clustered; nearest-nurse shares are not).
    places = {v: problem.visits[v].location_index for v in visits}
    axis = {v: int(d[homes[far_a], places[v]]) - int(d[homes[far_b], places[v]]) for v in visits}
    by_axis = sorted(visits, key=lambda v: (axis[v], v))
    cut = round(len(visits) * len(left) / len(nurses))
    left_visits: list[int] = []
    right_visits: list[int] = []
    for rank, v in enumerate(by_axis):
        side_is_left = rank < cut
        eligible_left = any(n in left for n in eligible[v].nurse_positions)
        eligible_right = any(n in score and n not in left for n in eligible[v].nurse_positions)
        if side_is_left and not eligible_left and eligible_right:
            side_is_left = False  # e.g. pinned to, or certified only in, the other side's nurses
        elif not side_is_left and not eligible_right and eligible_left:
            side_is_left = True
        (left_visits if side_is_left else right_visits).append(v)
    _bisect(problem, eligible, homes, sorted(left), left_visits, max_visits, parts)
    _bisect(problem, eligible, homes, sorted(set(nurses) - left), right_visits, max_visits, parts)


def subproblem(problem: Problem, part: Part) -> Problem:
    """The part as a Problem of its own (same travel matrix and options, one worker)."""
    return replace(
        problem,
        nurses=tuple(problem.nurses[n] for n in part.nurse_positions),
        visits=tuple(problem.visits[v] for v in part.visit_positions),
        options=replace(problem.options, workers=1),
    )


def parts_keeping_plans(parts: Sequence[Part], initial: Sequence[Sequence[int]]) -> list[Part]:
    """The parts with every kept visit moved to the part of the nurse it is planned for."""
    part_of_nurse = {n: k for k, part in enumerate(parts) for n in part.nurse_positions}
    part_of_visit = {v: k for k, part in enumerate(parts) for v in part.visit_positions}
    for n, order in enumerate(initial):
        for v in order:
            part_of_visit[v] = part_of_nurse[n]
    visits: list[list[int]] = [[] for _ in parts]
    for v, k in sorted(part_of_visit.items()):
        visits[k].append(v)
    return [Part(part.nurse_positions, tuple(visits[k])) for k, part in enumerate(parts)]


def nearest_qualified_nurses(problem: Problem, eligible: list[Eligibility], visits: Sequence[int]) -> dict[int, frozenset[int]]:
    """Each visit's OFFERED_TO_NEAREST_NURSES nearest qualified nurses (positions), by travel from where each starts."""
    d = problem.durations
    nearest: dict[int, frozenset[int]] = {}
    for v in visits:
        place = problem.visits[v].location_index
        by_travel = sorted(eligible[v].nurse_positions, key=lambda n: (int(d[problem.nurses[n].start_index, place]), n))
        nearest[v] = frozenset(by_travel[:OFFERED_TO_NEAREST_NURSES])
    return nearest


def offered_to(part: Part, nearest: Mapping[int, frozenset[int]], left_out: Sequence[int]) -> tuple[tuple[int, ...], list[int]]:
    """The visits left out so far that `part` is offered, and those still left out.

    A visit is offered to the part when one of its nearest qualified nurses (`nearest`, from
    nearest_qualified_nurses) is the part's; each visit to one part at a time.
    """
    offered: list[int] = []
    still_left_out: list[int] = []
    for v in left_out:
        (offered if nearest[v].intersection(part.nurse_positions) else still_left_out).append(v)
    return tuple(offered), still_left_out

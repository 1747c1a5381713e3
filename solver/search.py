"""The day's search, shared by `solve` and `replan`: the time budget, the whole day or its parts, what is left out.

A day is searched whole, or in geographic parts when it is large (solver.decompose), by a portfolio
of OR-Tools plans (solver.routing), an overbooked day from VROOM's first roster (solver.vroom_start).
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import replace

from solver.decompose import Part, nearest_qualified_nurses, offered_to, partition, subproblem
from solver.explain import Eligibility, dropped_reason, eligibility
from solver.model import Problem, Unassigned
from solver.pyvrp_start import pyvrp_can_express, pyvrp_positions
from solver.routing import PORTFOLIO, Progress, SearchPlan, Sequences, search

# Above this many routable visits the day is searched in geographic parts of about PART_VISITS
# (measured in docs/BENCHMARKS.md: a whole-day search of 900 visits does not even finish its
# first solution in 30 s, while parts of 300 converge).
DECOMPOSE_ABOVE_VISITS = 400
PART_VISITS = 300
# With options.first_roster "vroom", VROOM (in process, its own threads) gets this share of the time
# to build the first roster and OR-Tools the rest to improve it. On overbooked days the weight served
# is VROOM's: OR-Tools' phase shortens travel but seldom serves more (docs/BENCHMARKS.md, day shapes:
# 0.5 of the time left 350 and 378 weight out on seven shapes, seeds 1 and 2; 0.85 left 341 and 373).
VROOM_SHARE = 0.8
VROOM_PROBE_SHARE = 0.1  # at most; a 300-visit probe takes about 0.2-0.9 s
VROOM_MIN_THREADS = 2
# On a day PyVRP can express (solver.pyvrp_start: no breaks, no skills, ...), its genetic search gets
# this share of the time to build the first roster and OR-Tools the rest to improve it.
PYVRP_SHARE = 0.8
# The share of a large day's time kept for its second pass over the parts (`_second_pass`; docs/BENCHMARKS.md,
# "A second pass over the parts": odd 120/900 days left out 1,222 weight with none, 1,215 with 0.08,
# 1,205 with 0.15, 1,207 with 0.25).
SECOND_PASS_SHARE = 0.15
OUT_OF_TIME = "not placed: the time limit ran out before a first roster was built (allow more time_limit_s)"


def solve_deadline(problem: Problem, started: float) -> float:
    """When the search must stop (time.monotonic()) for the whole solve to end within time_limit_s."""
    # Leave time to time the routes, explain what is left and check it all afterwards, and for a
    # search that overruns its limit by an iteration (docs/BENCHMARKS.md: with 0.05 s, 40/300 days
    # ended 9.90-10.09 s after they started).
    return started + max(0.1, problem.options.time_limit_s - 0.15 - 0.0002 * len(problem.visits))


def search_day(problem: Problem, eligible: list[Eligibility], on_progress: Progress | None, deadline: float) -> Sequences:
    """Visit orders per nurse: the whole day at once, or in geographic parts when it is large."""
    if sum(1 for e in eligible if e.nurse_positions) > DECOMPOSE_ABOVE_VISITS:
        return _search_in_parts(problem, eligible, on_progress, deadline)
    return _portfolio_search(problem, eligible, on_progress, deadline)


def unassigned_visits(problem: Problem, eligible: list[Eligibility], sequences: Sequences) -> tuple[Unassigned, ...]:
    """Every visit the search left out, with the reason in a dispatcher's words."""
    served = {v for order in sequences.per_nurse for v in order}
    return tuple(
        Unassigned(
            visit.id,
            eligible[v].reason
            or (dropped_reason(problem, visit, eligible[v].nurse_positions) if sequences.complete else OUT_OF_TIME),
        )
        for v, visit in enumerate(problem.visits)
        if v not in served
    )


def _portfolio_search(problem: Problem, eligible: list[Eligibility], on_progress: Progress | None, deadline: float) -> Sequences:
    """Independent searches with different plans, one per worker; the best objective wins.

    Each plan is best on different instances (docs/BENCHMARKS.md), so extra cores buy robustness.
    The first search runs here (it reports progress), the others in worker processes.
    """
    plans = [
        replace(plan, metaheuristic=problem.options.metaheuristic)
        for plan in PORTFOLIO[: max(1, min(problem.options.workers, len(PORTFOLIO)))]
    ]
    if len(plans) == 1:
        return _search_from_first_roster(problem, eligible, on_progress, plans[0], deadline)
    # time.monotonic() is the same clock in every process of this machine, so one deadline serves all.
    with ProcessPoolExecutor(max_workers=len(plans) - 1, mp_context=multiprocessing.get_context("spawn")) as pool:
        others = [pool.submit(search, problem, eligible, None, plan, None, deadline) for plan in plans[1:]]
        results = [_search_from_first_roster(problem, eligible, on_progress, plans[0], deadline)] + [f.result() for f in others]
    best = min(results, key=lambda r: (not r.complete, r.objective))
    return Sequences(best.per_nurse, best.objective, sum(r.solutions_found for r in results), best.complete)


def _search_in_parts(problem: Problem, eligible: list[Eligibility], on_progress: Progress | None, deadline: float) -> Sequences:
    """Search geographic parts, each building its own roster, and put their rosters together."""
    return search_parts(problem, eligible, partition(problem, eligible, PART_VISITS), None, on_progress, deadline)


def search_parts(
    problem: Problem,
    eligible: list[Eligibility],
    parts: list[Part],
    initial: Sequence[Sequence[int]] | None,
    on_progress: Progress | None,
    deadline: float,
) -> Sequences:
    """Search each part (`workers` at a time) and put their rosters together.

    With `initial` (visit positions per nurse; every part must hold its nurses' visits), each part
    is improved from its nurses' orders; without, each part builds
    its own roster (`_search_from_first_roster`). Parts run in rounds of `workers`; each round ends
    at its share of the time left, and the visits it leaves out are offered to the later parts that
    hold their nearest qualified nurses (solver.decompose.offered_to). What is still left out then is
    offered back to the earlier parts (`_second_pass`, the last SECOND_PASS_SHARE of the time).
    Progress reports the sum of the first pass's objectives: finished parts' best plus the running one's.
    """
    started = time.monotonic()
    starts: list[list[tuple[int, ...]] | None] = [None] * len(parts)
    if initial is not None:
        local = [{v: k for k, v in enumerate(part.visit_positions)} for part in parts]
        starts = [[tuple(local[p][v] for v in initial[n]) for n in part.nurse_positions] for p, part in enumerate(parts)]
    workers = max(1, min(problem.options.workers, len(parts)))
    searched = list(parts)  # each part with the visits it was offered (after its own, so starts keep their indices)
    results: list[Sequences] = []
    left_out: list[int] = []
    nearest: dict[int, frozenset[int]] = {}  # of each visit left out so far
    first_pass_ends = deadline - SECOND_PASS_SHARE * (deadline - started) if len(parts) > 1 else deadline
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) if workers > 1 else None
    with pool if pool is not None else nullcontext():
        for first in range(0, len(parts), workers):
            in_round = range(first, min(first + workers, len(parts)))
            for p in in_round:
                offered, left_out = offered_to(parts[p], nearest, left_out)
                searched[p] = Part(parts[p].nurse_positions, parts[p].visit_positions + offered)
            round_deadline = _round_deadline(len(parts) - first, workers, first_pass_ends)
            subproblems = [subproblem(problem, searched[p]) for p in in_round]
            round_starts = [starts[p] for p in in_round]
            report = _parts_progress(on_progress, results, started)
            round_results = _search_round(pool, subproblems, round_starts, report, round_deadline)
            for p, result in zip(in_round, round_results, strict=True):
                served = {v for order in result.per_nurse for v in order}
                left_out += [whole for v, whole in enumerate(searched[p].visit_positions) if v not in served]
            nearest.update(nearest_qualified_nurses(problem, eligible, [v for v in left_out if v not in nearest]))
            results += round_results
        if len(parts) > 1:
            _second_pass(problem, searched, results, left_out, nearest, pool, workers, deadline)
    per_nurse: list[tuple[int, ...]] = [() for _ in problem.nurses]
    for part, result in zip(searched, results, strict=True):
        for nurse_position, order in zip(part.nurse_positions, result.per_nurse, strict=True):
            per_nurse[nurse_position] = tuple(part.visit_positions[v] for v in order)
    return Sequences(
        tuple(per_nurse),
        sum(r.objective for r in results),
        sum(r.solutions_found for r in results),
        all(r.complete for r in results),
    )


def _second_pass(
    problem: Problem,
    searched: list[Part],
    results: list[Sequences],
    left_out: list[int],
    nearest: dict[int, frozenset[int]],
    pool: ProcessPoolExecutor | None,
    workers: int,
    deadline: float,
) -> None:
    """What the parts still leave out, offered back to the earlier parts of their nearest nurses.

    The first pass offers a visit only to parts searched after the one that left it out; here each
    part that holds one of its nearest nurses and has not searched it yet improves its roster
    (from where it stands) with those visits added. `searched` and `results` are updated in place.
    """
    offers: dict[int, tuple[int, ...]] = {}
    for p, part in enumerate(searched):
        its_own = set(part.visit_positions)
        offered, still = offered_to(part, nearest, [v for v in left_out if v not in its_own])
        if offered:
            offers[p] = offered
        left_out = still + [v for v in left_out if v in its_own]
    # A visit still left out stays with the last part that searched it; what was offered on is the new part's.
    unserved = set(left_out)
    last_searched_by = {v: p for p, part in enumerate(searched) for v in part.visit_positions if v in unserved}
    if not offers:  # nothing to pass on: every part goes on improving its roster
        offers = {p: () for p in range(len(searched))}
    grown: list[tuple[int, Part, list[tuple[int, ...]]]] = []  # (part, it with its offers, its roster as a start)
    for p, offered in offers.items():
        part, result = searched[p], results[p]
        served = {part.visit_positions[v] for order in result.per_nurse for v in order}
        kept = tuple(v for v in part.visit_positions if v in served or last_searched_by.get(v) == p)
        local = {v: i for i, v in enumerate(kept + offered)}
        start = [tuple(local[part.visit_positions[v]] for v in order) for order in result.per_nurse]
        grown.append((p, Part(part.nurse_positions, kept + offered), start))
    for first in range(0, len(grown), workers):
        in_round = grown[first : first + workers]
        round_deadline = _round_deadline(len(grown) - first, workers, deadline)
        subproblems = [subproblem(problem, part) for _, part, _ in in_round]
        starts: list[list[tuple[int, ...]] | None] = [start for _, _, start in in_round]
        improved = _search_round(pool, subproblems, starts, None, round_deadline)
        for (p, part, _), result in zip(in_round, improved, strict=True):
            if result.complete:
                searched[p], results[p] = part, result


def _parts_progress(on_progress: Progress | None, finished: list[Sequences], started: float) -> Progress | None:
    """Progress of a round's search: the finished parts' sums plus the running search's figures."""
    if on_progress is None:
        return None
    done = sum(r.objective for r in finished)
    done_placed = sum(r.placed for r in finished)
    return lambda objective, _elapsed, placed: on_progress(done + objective, time.monotonic() - started, done_placed + placed)


def _round_deadline(parts_left: int, workers: int, ends: float) -> float:
    """When the next round must end: the rounds of `workers` parts still to search share the time to `ends` equally."""
    rounds_left = -(-parts_left // workers)
    return time.monotonic() + (ends - time.monotonic()) / rounds_left


def _search_round(
    pool: ProcessPoolExecutor | None,
    subproblems: list[Problem],
    starts: list[list[tuple[int, ...]] | None],
    report: Progress | None,
    deadline: float,
) -> list[Sequences]:
    """The round's parts at once, one per worker process (here, without a pool); progress as each one finishes."""
    if pool is None:
        return [_search_part(sub, report, deadline, start) for sub, start in zip(subproblems, starts, strict=True)]
    futures = [pool.submit(_search_part, sub, None, deadline, start) for sub, start in zip(subproblems, starts, strict=True)]
    for _ in as_completed(futures):
        if report is not None:
            finished = [f.result() for f in futures if f.done()]
            report(sum(r.objective for r in finished), 0.0, sum(r.placed for r in finished))
    return [f.result() for f in futures]


def _search_part(
    part_problem: Problem, on_progress: Progress | None, deadline: float, initial: list[tuple[int, ...]] | None = None
) -> Sequences:
    eligible = eligibility(part_problem)
    if initial is None:
        plan = replace(PORTFOLIO[0], metaheuristic=part_problem.options.metaheuristic)
        return _search_from_first_roster(part_problem, eligible, on_progress, plan, deadline)
    # A search that cannot start from the given roster keeps it unless it does better (solver.routing).
    return search(part_problem, eligible, on_progress, replace(PORTFOLIO[0], metaheuristic="GLS"), initial, deadline)


def _search_from_first_roster(
    problem: Problem, eligible: list[Eligibility], on_progress: Progress | None, plan: SearchPlan, deadline: float
) -> Sequences:
    """OR-Tools search; on an overbooked day, from VROOM's roster (options.first_roster "vroom", pyvroom installed).

    A quick VROOM probe (exploration level 1) tells whether every routable visit fits. If it does, the
    day is won on travel and OR-Tools' iterated local search from its own start does best (Solomon,
    docs/BENCHMARKS.md); if not, it is won on packing, where VROOM's roster is the better start.

    With options.preferences_in_first_roster, VROOM's roster prices each preference a nurse misses as
    our objective does (solver.vroom_start): it serves as much weight as it can first, like any VROOM
    roster, then weighs travel and preferences together.
    """
    initial = None
    vroom_positions = _vroom_positions() if problem.options.first_roster == "vroom" else None
    if vroom_positions is not None:
        threads = max(VROOM_MIN_THREADS, problem.options.workers)
        routable = sum(1 for e in eligible if e.nurse_positions)
        plain = replace(problem, options=replace(problem.options, preferences_in_first_roster=False))
        probe = vroom_positions(plain, threads, VROOM_PROBE_SHARE * (deadline - time.monotonic()), 1)
        serves_all = sum(len(order) for order in probe) == routable
        if pyvrp_can_express(problem, eligible):
            # None (nothing feasible found): OR-Tools builds its own, as below
            initial = pyvrp_positions(problem, eligible, PYVRP_SHARE * (deadline - time.monotonic()), serves_all)
        elif not serves_all:
            initial = vroom_positions(problem, threads, VROOM_SHARE * (deadline - time.monotonic()))
    return search(problem, eligible, on_progress, plan, initial=initial, deadline=deadline)


def _vroom_positions() -> Callable[..., list[tuple[int, ...]]] | None:
    """VROOM's first roster (solver.vroom_start), or None when pyvroom is missing: OR-Tools builds its own."""
    try:
        from solver.vroom_start import vroom_positions
    except ImportError:
        return None
    return vroom_positions

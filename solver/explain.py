"""Which nurses could take each visit, and why a visit stays unassigned, in a dispatcher's words."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np

from solver.model import Nurse, Problem, Visit
from solver.schedule import InfeasibleSequence, schedule_route


@dataclass(frozen=True)
class Eligibility:
    """For one visit: the nurses (by position in problem.nurses) who could take it alone, or why none can."""

    nurse_positions: tuple[int, ...]
    reason: str | None = None


def eligibility(problem: Problem) -> list[Eligibility]:
    """One Eligibility per visit, in problem order.

    Timing is screened with a fast necessary condition (the visit alone, break ignored); the
    search enforces the exact rules, and `dropped_reason` re-checks exactly what it drops.
    """
    all_skills = frozenset().union(*(nurse.skills for nurse in problem.nurses)) if problem.nurses else frozenset()
    shifts = _ShiftArrays(problem)

    @cache
    def qualified_for(skills: frozenset[str]) -> tuple[int, ...]:
        return tuple(i for i, nurse in enumerate(problem.nurses) if skills <= nurse.skills)

    return [_eligibility_of(problem, visit, all_skills, qualified_for(visit.required_skills), shifts) for visit in problem.visits]


class _ShiftArrays:
    """The nurses' shifts and home locations as arrays, for screening many visits at once."""

    def __init__(self, problem: Problem):
        self.durations = problem.durations
        self.start = np.array([n.shift.start for n in problem.nurses], dtype=np.int64)
        self.end = np.array([n.latest_return for n in problem.nurses], dtype=np.int64)
        self.home = np.array([n.start_index for n in problem.nurses], dtype=np.int64)
        self.finish = np.array([n.end_index for n in problem.nurses], dtype=np.int64)

    def can_fit_alone(self, visit: Visit, positions: list[int]) -> list[int]:
        idx = np.asarray(positions, dtype=np.int64)
        arrive = self.start[idx] + self.durations[self.home[idx], visit.location_index]
        back_after = self.durations[visit.location_index, self.finish[idx]] + visit.duration
        fits = np.zeros(len(idx), dtype=bool)
        for window in visit.windows:
            start = np.maximum(arrive, window.start)
            fits |= (start <= window.end) & (start + back_after <= self.end[idx])
        return [int(i) for i in idx[fits]]


def _eligibility_of(
    problem: Problem, visit: Visit, all_skills: frozenset[str], qualified_positions: tuple[int, ...], shifts: _ShiftArrays
) -> Eligibility:
    if not problem.nurses:
        return Eligibility((), "no nurses are on shift")
    missing = sorted(visit.required_skills - all_skills)
    if missing:
        return Eligibility((), f"no nurse holds skill {', '.join(missing)}")
    qualified = list(qualified_positions)
    if not qualified:
        return Eligibility((), f"no nurse holds all of {', '.join(sorted(visit.required_skills))} together")
    if visit.excluded_nurses:
        qualified = [i for i in qualified if problem.nurses[i].id not in visit.excluded_nurses]
        if not qualified:
            return Eligibility((), "every qualified nurse is excluded for this patient")
    if visit.pinned_nurse is not None:
        pinned = next((i for i, nurse in enumerate(problem.nurses) if nurse.id == visit.pinned_nurse), None)
        if pinned is None:
            return Eligibility((), f"pinned nurse {visit.pinned_nurse} is not on shift")
        if visit.pinned_nurse in visit.excluded_nurses:
            return Eligibility((), f"pinned nurse {visit.pinned_nurse} is excluded for this patient")
        if pinned not in qualified:
            lacking = sorted(visit.required_skills - problem.nurses[pinned].skills)
            return Eligibility((), f"pinned nurse {visit.pinned_nurse} lacks skill {', '.join(lacking)}")
        qualified = [pinned]
    working = [i for i in qualified if problem.nurses[i].max_visits != 0]
    if not working:
        return Eligibility((), "every qualified nurse is limited to 0 visits")
    if all(visit.demand > (problem.nurses[i].capacity or visit.demand) for i in working):
        return Eligibility((), f"its load {visit.demand} exceeds every qualified nurse's capacity")
    reachable = shifts.can_fit_alone(visit, working)
    if reachable:
        return Eligibility(tuple(reachable))
    return Eligibility((), _timing_reason(problem, visit, [problem.nurses[i] for i in working]))


def nurse_refusal(nurse: Nurse, visit: Visit, label: str | None = None, pinned_to: str | None = None) -> str | None:
    """Why this nurse may not take this visit (skills, exclusion, pin; timing aside), in a dispatcher's words; None if she may.

    `label` names the visit (default "visit <id>"), `pinned_to` the nurse it is pinned to (default "nurse <id>"):
    the caller that knows the patient's and nurses' names passes them."""
    what = label or f"visit {visit.id}"
    if missing := sorted(visit.required_skills - nurse.skills):
        return f"{nurse.name} cannot take {what}: she lacks {', '.join(missing)} on this day"
    if nurse.id in visit.excluded_nurses:
        return f"{nurse.name} cannot take {what}: the patient has excluded her"
    if visit.pinned_nurse not in (None, nurse.id):
        return f"{what} is pinned to {pinned_to or f'nurse {visit.pinned_nurse}'}; unpin it first"
    return None


def may_take(nurse: Nurse, visit: Visit) -> bool:
    """Skills, exclusions and pins allow this nurse to take this visit (timing aside)."""
    return nurse_refusal(nurse, visit) is None


def _fits_alone(problem: Problem, nurse: Nurse, visit: Visit) -> bool:
    try:
        schedule_route(problem, nurse, [visit])
    except InfeasibleSequence:
        return False
    return True


def _timing_reason(problem: Problem, visit: Visit, nurses: list[Nurse]) -> str:
    clock = problem.clock
    windows = ", ".join(f"{clock.hhmm(w.start)}–{clock.hhmm(w.end)}" for w in visit.windows)
    noun = "window" if len(visit.windows) == 1 else "windows"
    who = f"pinned nurse {visit.pinned_nurse}'s" if visit.pinned_nurse else "every qualified nurse's"
    overlaps = any(w.start < n.latest_return and n.shift.start <= w.end for w in visit.windows for n in nurses)
    if not overlaps:
        return f"{noun} {windows} is outside {who} shift"
    return f"no qualified nurse can reach it in its {noun} {windows} and be home by the end of her shift"


def dropped_reason(problem: Problem, visit: Visit, candidates: tuple[int, ...]) -> str:
    """Why the search left out a visit that passed the screening."""
    if not any(_fits_alone(problem, problem.nurses[i], visit) for i in candidates):
        return _timing_reason(problem, visit, [problem.nurses[i] for i in candidates])
    candidates_count = len(candidates)
    clock = problem.clock
    windows = ", ".join(f"{clock.hhmm(w.start)}–{clock.hhmm(w.end)}" for w in visit.windows)
    nurses = (
        "the pinned nurse is"
        if visit.pinned_nurse
        else ("the only qualified nurse is" if candidates_count == 1 else f"all {candidates_count} qualified nurses are")
    )
    return f"{nurses} fully booked around {windows} (lowest priority dropped first)"

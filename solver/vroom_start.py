"""VROOM (pyvroom, in process) on a `Problem`: the first roster of our portfolio, and the benchmark anchor.

VROOM packs overbooked days better than OR-Tools' construction and first descent can within a
time limit (docs/BENCHMARKS.md), so `solve` starts from its roster and OR-Tools improves it.

What carries over: the duration matrix (and a cost matrix if the problem has one), shifts, skills,
max visits per nurse, lunch breaks, visit windows and durations, priorities, pinned nurses (as a
skill only that nurse holds), excluded nurses (as a skill every other nurse holds), load limits and,
with options.preferences_in_first_roster, preferred nurses. VROOM has no soft nurse preference, so a
preference becomes an arc cost: each visit that prefers nurses gets a matrix node of its own (a copy
of its place), and every nurse it does not prefer drives on a profile whose cost matrix adds
preference_weight_s to entering that node, which is what a miss costs in our objective. Without that
option the OR-Tools phase alone weighs preferences; it always alone weighs fairness. VROOM first
maximises the sum of priorities of assigned jobs in 0..100; our priorities are clipped to 100, which
loses nothing for generated days (all ≤ 10).
"""

from __future__ import annotations

import time
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

from solver.model import Nurse, Problem, Visit

if TYPE_CHECKING:
    import vroom

PROFILE = "car"
VROOM_MAX_PRIORITY = 100
UNLIMITED_LOAD = 2**31 - 1  # for nurses without a load limit when others have one
NOBODYS_SKILL = 2**31 - 1  # for a visit pinned to a nurse who is not in the problem (off duty in a re-plan)


def to_vroom_input(problem: Problem, exploration_level: int = 5, threads: int = 1) -> vroom.Input:
    """Build the VROOM input for a problem; nurse i is vehicle i, visit j is job j.

    `exploration_level` and `threads` are solve-time settings, accepted so both functions read alike.
    """
    import vroom

    skill_ids = skill_numbering(problem)
    pinned_skill = {nurse.id: len(skill_ids) + i for i, nurse in enumerate(problem.nurses)}
    # A visit that excludes nurses needs a skill of its own, held by every nurse it does not exclude.
    excluding = [j for j, visit in enumerate(problem.visits) if visit.excluded_nurses]
    exclusion_skill = {j: len(skill_ids) + len(problem.nurses) + k for k, j in enumerate(excluding)}
    capacitated = any(nurse.capacity is not None for nurse in problem.nurses)

    vroom_input = vroom.Input()
    matrices = preference_matrices(problem) if problem.options.preferences_in_first_roster else None
    if matrices is None:
        vroom_input.set_durations_matrix(PROFILE, np.asarray(problem.durations, dtype=np.uint32))
        if problem.costs is not None:
            vroom_input.set_costs_matrix(PROFILE, np.asarray(problem.costs, dtype=np.uint32))
        profile_of, node_of = [PROFILE] * len(problem.nurses), [visit.location_index for visit in problem.visits]
    else:
        for profile, costs in matrices.costs.items():
            vroom_input.set_durations_matrix(profile, matrices.durations)
            vroom_input.set_costs_matrix(profile, costs)
        profile_of, node_of = matrices.profile_of, matrices.node_of
    for i, nurse in enumerate(problem.nurses):
        allowed = {exclusion_skill[j] for j in excluding if nurse.id not in problem.visits[j].excluded_nurses}
        vehicle = vroom_vehicle(i, nurse, skill_ids, pinned_skill[nurse.id], capacitated, allowed, profile_of[i])
        vroom_input.add_vehicle(vehicle)
    for j, visit in enumerate(problem.visits):
        job = vroom_job(j, visit, skill_ids, pinned_skill, capacitated, exclusion_skill.get(j), node_of[j])
        vroom_input.add_job(job)
    return vroom_input


@dataclass(frozen=True)
class PreferenceMatrices:
    """Preferred nurses as arc costs: a matrix node per preferring visit, a cost profile per set of nodes nurses miss."""

    durations: np.ndarray  # the day's durations over the nodes (uint32)
    costs: dict[str, np.ndarray]  # profile -> arc costs over the nodes, a miss priced on entering the visit's node
    profile_of: list[str]  # nurse position -> profile
    node_of: list[int]  # visit position -> node


def preference_matrices(problem: Problem) -> PreferenceMatrices | None:
    """The matrices that price each preference a nurse misses (options.preference_weight_s), or None without preferences."""
    preferring = [j for j, visit in enumerate(problem.visits) if visit.preferred_nurses and visit.pinned_nurse is None]
    weight = problem.options.preference_weight_s
    if not preferring or weight <= 0:
        return None
    places = len(problem.durations)
    nodes = np.concatenate([np.arange(places), [problem.visits[j].location_index for j in preferring]])
    durations = np.asarray(problem.durations, dtype=np.uint32)[np.ix_(nodes, nodes)]
    base = np.asarray(problem.arc_costs(), dtype=np.uint32)[np.ix_(nodes, nodes)]
    node_of = [visit.location_index for visit in problem.visits]
    for k, j in enumerate(preferring):
        node_of[j] = places + k
    profiles: dict[tuple[int, ...], str] = {}  # the nodes a nurse is not preferred at -> her profile
    costs: dict[str, np.ndarray] = {}
    profile_of = []
    for nurse in problem.nurses:
        missed = tuple(node_of[j] for j in preferring if nurse.id not in problem.visits[j].preferred_nurses)
        if missed not in profiles:
            profiles[missed] = f"{PROFILE} {len(profiles)}"
            costs[profiles[missed]] = base.copy()
            costs[profiles[missed]][:, list(missed)] += np.uint32(weight)
        profile_of.append(profiles[missed])
    return PreferenceMatrices(durations, costs, profile_of, node_of)


def skill_numbering(problem: Problem) -> dict[str, int]:
    """VROOM skills are integers: number every skill any nurse holds or any visit needs."""
    names = {skill for nurse in problem.nurses for skill in nurse.skills}
    names |= {skill for visit in problem.visits for skill in visit.required_skills}
    return {name: k for k, name in enumerate(sorted(names))}


def vroom_vehicle(
    index: int,
    nurse: Nurse,
    skill_ids: dict[str, int],
    own_skill: int,
    capacitated: bool,
    extra_skills: AbstractSet[int] = frozenset(),
    profile: str = PROFILE,
) -> Any:
    """One nurse as a VROOM vehicle: shift, skills plus her own pin skill, max visits, lunch."""
    import vroom

    options: dict[str, Any] = {}
    if nurse.max_visits is not None:
        options["max_tasks"] = nurse.max_visits
    if nurse.break_ is not None:
        lunch_window = vroom.TimeWindow(nurse.break_.window.start, nurse.break_.window.end)
        options["breaks"] = [vroom.Break(index, time_windows=[lunch_window], service=nurse.break_.duration)]
    if capacitated:
        options["capacity"] = [UNLIMITED_LOAD if nurse.capacity is None else nurse.capacity]
    return vroom.Vehicle(
        index,
        start=nurse.start_index,
        end=nurse.end_index,
        profile=profile,
        skills={skill_ids[skill] for skill in nurse.skills} | {own_skill} | set(extra_skills),
        time_window=vroom.TimeWindow(nurse.shift.start, nurse.shift.end),
        description=nurse.id,
        **options,
    )


def vroom_job(
    index: int,
    visit: Visit,
    skill_ids: dict[str, int],
    pinned_skill: dict[str, int],
    capacitated: bool,
    exclusion_skill: int | None = None,
    node: int | None = None,
) -> Any:
    """One visit as a VROOM job: place (its matrix node, by default its location), duration, windows, needed skills, priority."""
    import vroom

    skills = {skill_ids[skill] for skill in visit.required_skills}
    if visit.pinned_nurse is not None:
        skills.add(pinned_skill.get(visit.pinned_nurse, NOBODYS_SKILL))
    if exclusion_skill is not None:
        skills.add(exclusion_skill)
    options: dict[str, Any] = {"delivery": [visit.demand]} if capacitated else {}
    return vroom.Job(
        index,
        location=visit.location_index if node is None else node,
        default_service=visit.duration,
        skills=skills,
        priority=min(VROOM_MAX_PRIORITY, visit.priority),
        time_windows=[vroom.TimeWindow(window.start, window.end) for window in visit.windows],
        description=visit.id,
        **options,
    )


def vroom_positions(problem: Problem, threads: int, seconds: float, exploration_level: int = 5) -> list[tuple[int, ...]]:
    """VROOM's roster within `seconds`: visit positions per nurse (empty for every nurse if it found none)."""
    from vroom._vroom import VroomInputException, VroomInternalException, VroomRoutingException

    if not problem.nurses or not problem.visits:
        return [() for _ in problem.nurses]
    try:
        answer = (
            to_vroom_input(problem)
            .solve(exploration_level=exploration_level, nb_threads=threads, timeout=timedelta(seconds=max(0.05, seconds)))
            .to_dict()
        )
    except (VroomInputException, VroomInternalException, VroomRoutingException):  # e.g. nothing can be planned
        return [() for _ in problem.nurses]
    positions: list[tuple[int, ...]] = [() for _ in problem.nurses]
    for route in answer.get("routes", []):
        positions[route["vehicle"]] = tuple(step["id"] for step in route["steps"] if step["type"] == "job")
    return positions


def solve_with_vroom(problem: Problem, exploration_level: int = 5, threads: int = 1) -> tuple[list[list[str]], list[str], float]:
    """Solve with VROOM: visit ids per nurse (problem order), unassigned visit ids, wall seconds.

    The wall time covers building the input and solving, as our own solve time does.
    """
    started = time.perf_counter()
    vroom_input = to_vroom_input(problem, exploration_level, threads)
    answer = vroom_input.solve(exploration_level=exploration_level, nb_threads=threads).to_dict()
    seconds = time.perf_counter() - started
    sequences: list[list[str]] = [[] for _ in problem.nurses]
    for route in answer.get("routes", []):
        jobs = [step["id"] for step in route["steps"] if step["type"] == "job"]
        sequences[route["vehicle"]] = [problem.visits[job].id for job in jobs]
    unassigned = [problem.visits[job["id"]].id for job in answer.get("unassigned", [])]
    return sequences, unassigned, seconds

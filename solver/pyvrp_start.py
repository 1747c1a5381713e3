"""PyVRP (hybrid genetic search, in process) on a `Problem` it can express: the first roster of plain VRPTW days.

PyVRP's open version has no breaks and no skills, so it serves only days (or geographic parts)
without them: no lunch breaks, no overtime, every routable visit open to every nurse (no skills,
pins or exclusions that set nurses apart), no preferred nurses, no roster in force, one window per
visit. On those it finds far shorter rosters than OR-Tools' search in the same time (Solomon,
docs/BENCHMARKS.md); `search_day` then lets OR-Tools improve its roster for the rest of the time,
which can only lower our objective (fairness, which PyVRP does not weigh, included).

Unless every visit is known to fit, every visit is optional with a prize of priority × (a bound on
all travel), so PyVRP, like our model, serves priority weight first and travel second. max_visits is a second load dimension.
"""

from __future__ import annotations

import numpy as np

from solver.explain import Eligibility
from solver.model import Problem


def pyvrp_can_express(problem: Problem, eligible: list[Eligibility]) -> bool:
    """True when PyVRP's model holds every rule of this problem (see the module docstring)."""
    everyone = len(problem.nurses)
    return (
        bool(problem.nurses)
        and problem.state is None
        and all(nurse.break_ is None and nurse.overtime == 0 for nurse in problem.nurses)
        and all(len(visit.windows) == 1 and visit.planned is None and not visit.preferred_nurses for visit in problem.visits)
        and all(len(e.nurse_positions) in (0, everyone) for e in eligible)
    )


def pyvrp_positions(
    problem: Problem, eligible: list[Eligibility], seconds: float, serve_all: bool
) -> list[tuple[int, ...]] | None:
    """PyVRP's roster as visit positions per nurse, or None if it found no feasible one in `seconds`.

    With `serve_all` (another roster already served every routable visit) every visit is required,
    which PyVRP searches better than the same visits with prizes. Call only when
    `pyvrp_can_express(problem, eligible)`.
    """
    import pyvrp
    from pyvrp.stop import MaxRuntime

    routable = [v for v, e in enumerate(eligible) if e.nurse_positions]
    if not routable or seconds <= 0:
        return None
    depot_places = sorted({n.start_index for n in problem.nurses} | {n.end_index for n in problem.nurses})
    places = depot_places + [problem.visits[v].location_index for v in routable]  # depots first, as PyVRP wants
    index = np.asarray(places, dtype=np.int64)
    durations = np.array(problem.durations[np.ix_(index, index)], dtype=np.int64)
    costs = durations if problem.costs is None else np.array(problem.costs[np.ix_(index, index)], dtype=np.int64)
    prize_unit = int(costs.max(axis=1).sum()) + 1  # more than any roster's travel: weight before travel
    counted = any(n.max_visits is not None for n in problem.nurses)
    loaded = any(n.capacity is not None for n in problem.nurses)
    depot_of = {place: d for d, place in enumerate(depot_places)}

    def loads(demand: int) -> list[int]:
        return ([demand] if loaded else []) + ([1] if counted else [])

    clients = [
        pyvrp.Client(
            location=len(depot_places) + k,
            delivery=loads(problem.visits[v].demand),
            service_duration=problem.visits[v].duration,
            tw_early=problem.visits[v].windows[0].start,
            tw_late=problem.visits[v].windows[0].end,
            prize=problem.visits[v].priority * prize_unit,
            required=serve_all,
        )
        for k, v in enumerate(routable)
    ]
    kinds: dict[tuple, list[int]] = {}  # nurses PyVRP cannot tell apart form one vehicle type
    for position, nurse in enumerate(problem.nurses):
        key = (nurse.start_index, nurse.end_index, nurse.shift.start, nurse.shift.end, nurse.capacity, nurse.max_visits)
        kinds.setdefault(key, []).append(position)
    unlimited = len(routable) + sum(problem.visits[v].demand for v in routable)
    vehicle_types = [
        pyvrp.VehicleType(
            num_available=len(positions),
            capacity=([unlimited if capacity is None else capacity] if loaded else [])
            + ([unlimited if max_visits is None else max_visits] if counted else []),
            start_depot=depot_of[start],
            end_depot=depot_of[end],
            tw_early=shift_start,
            tw_late=shift_end,
        )
        for (start, end, shift_start, shift_end, capacity, max_visits), positions in kinds.items()
    ]
    data = pyvrp.ProblemData(
        locations=[pyvrp.Location(x=0, y=0) for _ in places],  # coordinates unused: the matrices say it all
        clients=clients,
        depots=[pyvrp.Depot(location=d) for d in range(len(depot_places))],
        vehicle_types=vehicle_types,
        distance_matrices=[costs],  # type: ignore[list-item]  # PyVRP's stubs want a 1-d array type
        duration_matrices=[durations],  # type: ignore[list-item]
    )
    result = pyvrp.solve(data, stop=MaxRuntime(seconds), seed=problem.options.seed, collect_stats=False, display=False)
    if not result.best.is_feasible():
        return None
    per_nurse: list[tuple[int, ...]] = [() for _ in problem.nurses]
    unused = {kind: list(positions) for kind, positions in enumerate(kinds.values())}
    for route in result.best.routes():
        places_visited = (data.client(activity.idx).location for activity in route if activity.is_client())
        per_nurse[unused[route.vehicle_type()].pop(0)] = tuple(routable[place - len(depot_places)] for place in places_visited)
    return per_nurse

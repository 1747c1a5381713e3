"""The OR-Tools routing model: a Problem in, visit orders per nurse out.

Objective (see docs/objective.md): every dropped visit costs priority × PRIORITY_UNIT, where
PRIORITY_UNIT exceeds the largest possible sum of all other costs, so serving priority-weight
always wins; then travel seconds; then soft costs (a preference missed, visits above a fair
share) expressed in seconds of travel.

Disruption of the roster in force (visits with `planned`) is priced the same way: a "kept" dimension
counts each nurse's visits that were planned for her, and a soft lower bound costs reassign_weight_s
for each one served elsewhere (or not at all); a planned start moved beyond the tolerance costs
retime_weight per second, through soft bounds on the visit's time.

Preferences are counted as hits: a per-nurse dimension adds 1 at each visit that prefers her,
and a soft lower bound at the end of her route costs preference_weight_s for each visit that
prefers her but went elsewhere. (Counting misses instead puts a non-zero transit on almost
every nurse at such a visit, which made models infeasible whenever that visit was left out.)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2, routing_ils_pb2

from solver.explain import Eligibility
from solver.model import Problem, Visit

Progress = Callable[[int, float, int], None]  # (objective so far, elapsed seconds, visits placed in that roster)


@dataclass(frozen=True)
class SearchPlan:
    """How one search runs: its first solution and the size of its ruin-and-recreate steps."""

    first_solution: str = "PARALLEL_CHEAPEST_INSERTION"  # an OR-Tools FirstSolutionStrategy name
    metaheuristic: str = "ILS"  # or "GLS": guided local search
    ruin_string_length: int = 20  # SISR: longest string of consecutive visits removed from a route
    ruin_visits: int = 20  # SISR: average number of visits removed per step


# Extra workers take the next plans. They differ in their first solution as well as in their ruin
# size: on busy days the first local descent can use the whole time limit, and plans that share a
# start would then return the same roster.
PORTFOLIO = (
    SearchPlan(),
    SearchPlan(first_solution="LOCAL_CHEAPEST_INSERTION", ruin_string_length=20, ruin_visits=30),
    SearchPlan(first_solution="SAVINGS", ruin_string_length=10, ruin_visits=10),
    SearchPlan(ruin_string_length=20, ruin_visits=30),
)


@dataclass(frozen=True)
class Sequences:
    """What the search decided: visit positions (into problem.visits) per nurse, and the objective."""

    per_nurse: tuple[tuple[int, ...], ...]
    objective: int
    solutions_found: int
    complete: bool = True  # False: no roster was found in time, every visit is left out

    @property
    def placed(self) -> int:
        """How many visits the roster gives a nurse."""
        return sum(len(order) for order in self.per_nurse)


class _Nodes:
    """Routing nodes: one per routable visit, then one per distinct nurse start/end location."""

    def __init__(self, problem: Problem, eligible: list[Eligibility]):
        self.visit_of_node = [v for v, e in enumerate(eligible) if e.nurse_positions]
        self.visit_nodes = len(self.visit_of_node)
        self.location = [problem.visits[v].location_index for v in self.visit_of_node]
        self.service = [problem.visits[v].duration for v in self.visit_of_node]
        depot_node: dict[int, int] = {}
        for nurse in problem.nurses:
            for loc in (nurse.start_index, nurse.end_index):
                if loc not in depot_node:
                    depot_node[loc] = len(self.location)
                    self.location.append(loc)
                    self.service.append(0)
        self.starts = [depot_node[n.start_index] for n in problem.nurses]
        self.ends = [depot_node[n.end_index] for n in problem.nurses]

    def __len__(self) -> int:
        return len(self.location)


def priority_unit(problem: Problem, costs: np.ndarray, visits_in_model: int, planned_in_model: Sequence[int] = ()) -> int:
    """A bound on every non-priority cost of any roster, plus one."""
    # Each node leaves by exactly one arc, so total travel <= sum of each row's largest entry.
    travel_bound = int(costs.max(axis=1).sum()) if costs.size else 0
    soft_bound = visits_in_model * (problem.options.preference_weight_s + problem.options.fairness_weight_s)
    disruption_bound = sum(
        problem.options.reassign_weight_s + problem.options.retime_weight * _retime_bound(problem, problem.visits[v])
        for v in planned_in_model
    )
    overtime_bound = sum(nurse.overtime * nurse.overtime_weight for nurse in problem.nurses)
    return travel_bound + soft_bound + disruption_bound + overtime_bound + 1


def _retime_bound(problem: Problem, visit: Visit) -> int:
    """The most seconds beyond the tolerance a start inside the visit's windows can be from its planned start."""
    assert visit.planned is not None
    planned, tolerance = visit.planned.start, problem.options.retime_tolerance_s
    return max(0, visit.windows[-1].end - (planned + tolerance), (planned - tolerance) - visit.windows[0].start)


def search(
    problem: Problem,
    eligible: list[Eligibility],
    on_progress: Progress | None = None,
    plan: SearchPlan = PORTFOLIO[0],
    initial: Sequence[Sequence[int]] | None = None,
    deadline: float | None = None,
) -> Sequences:
    """Run the OR-Tools search for the visits that some nurse could take.

    The search stops at `deadline` (time.monotonic(); default: time_limit_s from now), building
    the model included. With `initial` (visit positions per nurse), the search improves that roster
    with guided local search instead of building one (iterated local search cannot start from one).
    """
    if deadline is None:
        deadline = time.monotonic() + problem.options.time_limit_s
    if not problem.nurses:
        return Sequences((), 0, 0)
    nodes = _Nodes(problem, eligible)
    manager = pywrapcp.RoutingIndexManager(len(nodes), len(problem.nurses), nodes.starts, nodes.ends)
    routing = pywrapcp.RoutingModel(manager)

    loc = np.asarray(nodes.location, dtype=np.int64)
    durations = problem.durations[np.ix_(loc, loc)]
    travel_costs = durations if problem.costs is None else problem.costs[np.ix_(loc, loc)]
    routing.SetArcCostEvaluatorOfAllVehicles(routing.RegisterTransitMatrix(travel_costs.tolist()))

    time_transit = durations + np.asarray(nodes.service, dtype=np.int64)[:, None]
    horizon = max(n.latest_return for n in problem.nurses)
    routing.AddDimension(routing.RegisterTransitMatrix(time_transit.tolist()), horizon, horizon, False, "time")
    time_dim = routing.GetDimensionOrDie("time")

    _constrain_shifts(problem, routing, time_dim)
    _constrain_visits(problem, routing, manager, time_dim, nodes, eligible)
    _add_breaks(problem, routing, manager, time_dim, nodes)
    _add_counts(problem, routing, nodes)
    _add_loads(problem, routing, nodes)
    _add_preferences(problem, routing, nodes)
    _add_disruption(problem, routing, manager, time_dim, nodes)

    planned = [v for v in nodes.visit_of_node if problem.visits[v].planned is not None]
    unit = priority_unit(problem, travel_costs, nodes.visit_nodes, planned)
    for node, v in enumerate(nodes.visit_of_node):
        routing.AddDisjunction([manager.NodeToIndex(node)], problem.visits[v].priority * unit)

    # Leave home as late as possible and get home as early as possible.
    for vehicle in range(len(problem.nurses)):
        routing.AddVariableMaximizedByFinalizer(time_dim.CumulVar(routing.Start(vehicle)))
        routing.AddVariableMinimizedByFinalizer(time_dim.CumulVar(routing.End(vehicle)))

    found = [0]
    best: list[int | None] = [None]
    started = time.monotonic()

    def report() -> None:
        found[0] += 1
        if on_progress is not None:
            # With soft bounds on a route's end (overtime), the cost is not always fixed when a solution is
            # reported, and Value() then aborts the process: report its lower bound, which it is once fixed.
            cost = routing.CostVar()
            objective = cost.Value() if cost.Bound() else cost.Min()
            if best[0] is not None and objective >= best[0]:
                return  # only a better roster is news; counting its visits for every one would slow the search
            best[0] = objective
            visit_indices = (manager.NodeToIndex(node) for node in range(nodes.visit_nodes))
            placed = sum(1 for index in visit_indices if routing.NextVar(index).Value() != index)
            on_progress(objective, time.monotonic() - started, placed)

    routing.AddAtSolutionCallback(report)
    params = _parameters(plan if initial is None else replace(plan, metaheuristic="GLS"))
    params.time_limit.FromMilliseconds(max(1, int((deadline - time.monotonic()) * 1000)))
    start = None
    if initial is not None:
        # Only the routes are set here: times and breaks are found by the search itself, under its time
        # limit (ReadAssignmentFromRoutes solves them in a nested search that can run for minutes).
        routing.CloseModelWithParameters(params)
        start = routing.solver().Assignment()
        if not routing.RoutesToAssignment(_initial_routes(nodes, manager, initial), True, True, start):
            start = None
        if start is None:  # not restorable: build a roster as if none had been given
            params = _parameters(plan)
            params.time_limit.FromMilliseconds(max(1, int((deadline - time.monotonic()) * 1000)))
    if start is not None:
        assignment = routing.SolveFromAssignmentWithParameters(start, params)
        if assignment is None and time.monotonic() < deadline - 0.1:
            # The search could not start from the given routes (OR-Tools often fails to time routes with
            # breaks it is handed, though they hold: the "lunch" day shape, docs/BENCHMARKS.md): start afresh.
            fresh = search(problem, eligible, on_progress, plan, None, deadline)
            return _given_unless_beaten(problem, eligible, initial, unit, travel_costs, nodes, fresh)
    elif plan.metaheuristic == "ILS":
        # Iterated local search only runs through this entry point (SolveWithParameters ignores it).
        assignment = routing.SolveWithIteratedLocalSearch(params)
    else:
        assignment = routing.SolveWithParameters(params)
    if assignment is None:  # the time ran out before a first roster was built
        result = Sequences(tuple(() for _ in problem.nurses), 0, 0, complete=False)
    else:
        per_nurse = []
        for vehicle in range(len(problem.nurses)):
            order, index = [], assignment.Value(routing.NextVar(routing.Start(vehicle)))
            while not routing.IsEnd(index):
                order.append(nodes.visit_of_node[manager.IndexToNode(index)])
                index = assignment.Value(routing.NextVar(index))
            per_nurse.append(tuple(order))
        result = Sequences(tuple(per_nurse), assignment.ObjectiveValue(), found[0])
    if initial is not None and (start is None or assignment is None):  # the search did not start from it
        return _given_unless_beaten(problem, eligible, initial, unit, travel_costs, nodes, result)
    return result


def _given_unless_beaten(
    problem: Problem,
    eligible: list[Eligibility],
    initial: Sequence[Sequence[int]] | None,
    unit: int,
    travel_costs: np.ndarray,
    nodes: _Nodes,
    fresh: Sequences,
) -> Sequences:
    """The given roster when it holds and a search that could not start from it did no better, else that search's."""
    given = None if initial is None else _given_roster(problem, eligible, initial, unit, travel_costs, nodes)
    return fresh if given is None or (fresh.complete and fresh.objective <= given.objective) else given


def _given_roster(
    problem: Problem,
    eligible: list[Eligibility],
    initial: Sequence[Sequence[int]],
    unit: int,
    travel_costs: np.ndarray,
    nodes: _Nodes,
) -> Sequences | None:
    """The given roster as the search's answer, if every route holds (solver.schedule times it), else None.

    Its objective counts what the model counts first, priority weight left out and travel; the soft
    costs are left out, so it is a lower bound of the model's objective for this roster.
    """
    from solver.schedule import InfeasibleSequence, schedule_route

    node_of_visit = {v: node for node, v in enumerate(nodes.visit_of_node)}
    orders = tuple(tuple(v for v in order if v in node_of_visit) for order in initial)
    travel = 0
    for position, (nurse, order) in enumerate(zip(problem.nurses, orders, strict=True)):
        if not order:
            continue
        if any(position not in eligible[v].nurse_positions for v in order):
            return None
        if nurse.capacity is not None and sum(problem.visits[v].demand for v in order) > nurse.capacity:
            return None
        try:
            schedule_route(problem, nurse, [problem.visits[v] for v in order])
        except InfeasibleSequence:
            return None
        path = [nodes.starts[position], *(node_of_visit[v] for v in order), nodes.ends[position]]
        travel += sum(int(travel_costs[a, b]) for a, b in zip(path, path[1:], strict=False))
    served = {v for order in orders for v in order}
    left_out = sum(problem.visits[v].priority for v in nodes.visit_of_node if v not in served)
    return Sequences(orders, left_out * unit + travel, 0)


def _initial_routes(nodes: _Nodes, manager, initial: Sequence[Sequence[int]]) -> list[list[int]]:
    """Routing indices for a roster given as visit positions per nurse."""
    node_of_visit = {v: node for node, v in enumerate(nodes.visit_of_node)}
    return [[manager.NodeToIndex(node_of_visit[v]) for v in order if v in node_of_visit] for order in initial]


def _constrain_shifts(problem: Problem, routing, time_dim) -> None:
    for vehicle, nurse in enumerate(problem.nurses):
        time_dim.CumulVar(routing.Start(vehicle)).SetRange(nurse.shift.start, nurse.shift.end)
        time_dim.CumulVar(routing.End(vehicle)).SetRange(nurse.shift.start, nurse.latest_return)
        if nurse.overtime and nurse.overtime_weight:
            # Overtime: back after the shift end costs overtime_weight per second, up to the allowance (hard).
            time_dim.SetCumulVarSoftUpperBound(routing.End(vehicle), nurse.shift.end, nurse.overtime_weight)


def _constrain_visits(problem: Problem, routing, manager, time_dim, nodes: _Nodes, eligible: list[Eligibility]) -> None:
    all_vehicles = len(problem.nurses)
    for node, v in enumerate(nodes.visit_of_node):
        visit = problem.visits[v]
        index = manager.NodeToIndex(node)
        cumul = time_dim.CumulVar(index)
        cumul.SetRange(visit.windows[0].start, visit.windows[-1].end)
        for before, after in zip(visit.windows, visit.windows[1:], strict=False):
            cumul.RemoveInterval(before.end + 1, after.start - 1)
        allowed = eligible[v].nurse_positions
        if len(allowed) < all_vehicles:
            # SetAllowedVehiclesForIndex rejects Python lists in OR-Tools 9.15; restrict the variable.
            routing.VehicleVar(index).SetValues([-1, *allowed])


def _add_breaks(problem: Problem, routing, manager, time_dim, nodes: _Nodes) -> None:
    if not any(nurse.break_ for nurse in problem.nurses):
        return
    solver = routing.solver()
    visit_transits = [nodes.service[manager.IndexToNode(i)] for i in range(routing.Size())]
    for vehicle, nurse in enumerate(problem.nurses):
        if nurse.break_ is None:
            continue
        window = nurse.break_.window
        interval = solver.FixedDurationIntervalVar(window.start, window.end, nurse.break_.duration, False, f"break {nurse.id}")
        time_dim.SetBreakIntervalsOfVehicle([interval], vehicle, visit_transits)


def _add_counts(problem: Problem, routing, nodes: _Nodes) -> None:
    """max_visits (hard) and a fair share of visits (soft)."""
    limits = [n.max_visits for n in problem.nurses]
    fairness = problem.options.fairness_weight_s
    if all(limit is None for limit in limits) and fairness == 0:
        return
    visits_in_model = nodes.visit_nodes
    ones = [1] * visits_in_model + [0] * (len(nodes) - visits_in_model)
    counter = routing.RegisterUnaryTransitVector(ones)
    capacities = [visits_in_model if limit is None else limit for limit in limits]
    routing.AddDimensionWithVehicleCapacity(counter, 0, capacities, True, "visits")
    if fairness:
        count_dim = routing.GetDimensionOrDie("visits")
        fair_share = math.ceil(visits_in_model / max(1, len(problem.nurses)))
        for vehicle in range(len(problem.nurses)):
            count_dim.SetCumulVarSoftUpperBound(routing.End(vehicle), fair_share, fairness)


def _add_loads(problem: Problem, routing, nodes: _Nodes) -> None:
    if all(n.capacity is None for n in problem.nurses):
        return
    demand = [problem.visits[v].demand for v in nodes.visit_of_node] + [0] * (len(nodes) - nodes.visit_nodes)
    callback = routing.RegisterUnaryTransitVector(demand)
    capacities = [sum(demand) if n.capacity is None else n.capacity for n in problem.nurses]
    routing.AddDimensionWithVehicleCapacity(callback, 0, capacities, True, "load")


def _add_preferences(problem: Problem, routing, nodes: _Nodes) -> None:
    """Each visit that prefers a nurse but is not served by her costs preference_weight_s."""
    weight = problem.options.preference_weight_s
    if weight == 0 or not any(problem.visits[v].preferred_nurses for v in nodes.visit_of_node):
        return
    no_hits = [0] * len(nodes)
    shared_no_hits = None
    callbacks, targets = [], []
    for nurse in problem.nurses:
        hits = [0] * len(nodes)
        for node, v in enumerate(nodes.visit_of_node):
            if nurse.id in problem.visits[v].preferred_nurses:
                hits[node] = 1
        targets.append(sum(hits))
        if hits == no_hits:  # nurses nobody prefers share one callback, so vehicle classes stay few
            shared_no_hits = shared_no_hits or routing.RegisterUnaryTransitVector(no_hits)
            callbacks.append(shared_no_hits)
        else:
            callbacks.append(routing.RegisterUnaryTransitVector(hits))
    routing.AddDimensionWithVehicleTransits(callbacks, 0, max(targets), True, "preferred visits")
    dimension = routing.GetDimensionOrDie("preferred visits")
    for vehicle, target in enumerate(targets):
        if target:
            dimension.SetCumulVarSoftLowerBound(routing.End(vehicle), target, weight)
            routing.SetVehicleUsedWhenEmpty(True, vehicle)  # else an empty route is not costed: a missed preference goes free


def _add_disruption(problem: Problem, routing, manager, time_dim, nodes: _Nodes) -> None:
    """Costs for changing the roster in force: another nurse, or a start moved beyond the tolerance."""
    options = problem.options
    planned = [(node, plan) for node, v in enumerate(nodes.visit_of_node) if (plan := problem.visits[v].planned) is not None]
    if not planned:
        return
    if options.retime_weight:
        tolerance = options.retime_tolerance_s
        for node, plan in planned:
            index = manager.NodeToIndex(node)
            time_dim.SetCumulVarSoftUpperBound(index, plan.start + tolerance, options.retime_weight)
            time_dim.SetCumulVarSoftLowerBound(index, max(0, plan.start - tolerance), options.retime_weight)
    if not options.reassign_weight_s:
        return
    vehicle_of = {nurse.id: vehicle for vehicle, nurse in enumerate(problem.nurses)}
    kept = [[0] * len(nodes) for _ in problem.nurses]
    for node, plan in planned:
        if plan.nurse_id in vehicle_of:
            kept[vehicle_of[plan.nurse_id]][node] = 1
    targets = [sum(row) for row in kept]
    if not any(targets):  # every planned nurse is gone: moving is a constant cost
        return
    none_kept = None
    callbacks = []
    for row, target in zip(kept, targets, strict=True):
        if target:
            callbacks.append(routing.RegisterUnaryTransitVector(row))
        else:  # nurses with no planned visits share one callback, so vehicle classes stay few
            none_kept = none_kept or routing.RegisterUnaryTransitVector([0] * len(nodes))
            callbacks.append(none_kept)
    routing.AddDimensionWithVehicleTransits(callbacks, 0, max(targets), True, "kept visits")
    dimension = routing.GetDimensionOrDie("kept visits")
    for vehicle, target in enumerate(targets):
        if target:
            dimension.SetCumulVarSoftLowerBound(routing.End(vehicle), target, options.reassign_weight_s)
            routing.SetVehicleUsedWhenEmpty(True, vehicle)  # as for preferences: an empty route must pay too


def _parameters(plan: SearchPlan):
    """Search parameters for a plan: guided local search, or (the default) iterated local search with
    SISR ruin-and-recreate, a local descent after each step, and simulated-annealing acceptance."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(routing_enums_pb2.FirstSolutionStrategy, plan.first_solution)
    if plan.metaheuristic == "GLS":
        params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH
        return params
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.use_iterated_local_search = True
    ils = params.iterated_local_search_parameters
    ils.perturbation_strategy = routing_ils_pb2.PerturbationStrategy.RUIN_AND_RECREATE
    ils.improve_perturbed_solution = True
    ruin_recreate = ils.ruin_recreate_parameters
    del ruin_recreate.ruin_strategies[:]
    sisr = ruin_recreate.ruin_strategies.add().sisr
    sisr.max_removed_sequence_size = plan.ruin_string_length
    sisr.avg_num_removed_visits = plan.ruin_visits
    sisr.bypass_factor = 0.01
    ruin_recreate.ruin_composition_strategy = routing_ils_pb2.RuinCompositionStrategy.RUN_ALL_SEQUENTIALLY
    ruin_recreate.recreate_strategy.heuristic = routing_enums_pb2.FirstSolutionStrategy.LOCAL_CHEAPEST_INSERTION
    annealing = ils.reference_solution_acceptance_strategy.simulated_annealing
    annealing.cooling_schedule_strategy = routing_ils_pb2.CoolingScheduleStrategy.EXPONENTIAL
    annealing.automatic_temperatures = True
    ils.best_solution_acceptance_strategy.greedy_descent.SetInParent()
    return params

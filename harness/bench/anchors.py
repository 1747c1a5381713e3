"""Reference solvers (PyVRP, VROOM) on Solomon instances, to anchor our benchmark numbers.

Bench-only: both libraries are optional extras, so they are imported inside the functions.
Each runner is given exactly our data (the DIMACS-truncated matrix in integer tenths, as
`to_problem` builds it) and returns plain routes of customer numbers; judge them with
`solomon.check_routes` and `solomon.distance_of`, never with the library's own report.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from harness.bench.solomon import TENTHS, SolomonInstance
from solver.travel import euclidean_truncated


def truncated_matrix(instance: SolomonInstance) -> np.ndarray:
    """Distance = travel time between every pair of rows, in truncated integer tenths."""
    return euclidean_truncated(np.array(instance.xs), np.array(instance.ys), TENTHS)


def solve_solomon_pyvrp(instance: SolomonInstance, time_limit_s: float, seed: int = 0) -> list[list[int]]:
    """PyVRP's best routes within `time_limit_s`; may be infeasible if it found nothing better."""
    import pyvrp
    from pyvrp.stop import MaxRuntime

    matrix = np.array(truncated_matrix(instance))  # writable copy; PyVRP keeps its own
    data = pyvrp.ProblemData(
        locations=[pyvrp.Location(x=x, y=y) for x, y in zip(instance.xs, instance.ys, strict=True)],
        clients=[
            pyvrp.Client(
                location=customer,  # locations are the file's rows, so customer n is at row n
                delivery=[instance.demands[customer]],
                service_duration=TENTHS * instance.service[customer],
                tw_early=TENTHS * instance.ready[customer],
                tw_late=TENTHS * instance.due[customer],
            )
            for customer in instance.customers
        ],
        depots=[
            pyvrp.Depot(
                location=0,
                tw_early=TENTHS * instance.ready[0],
                tw_late=TENTHS * instance.due[0],
            )
        ],
        vehicle_types=[
            pyvrp.VehicleType(
                num_available=instance.vehicles,
                capacity=[instance.capacity],
                tw_early=TENTHS * instance.ready[0],
                tw_late=TENTHS * instance.due[0],
            )
        ],
        distance_matrices=[matrix],
        duration_matrices=[matrix],
    )
    result = pyvrp.solve(data, stop=MaxRuntime(time_limit_s), seed=seed, collect_stats=False, display=False)
    return [
        [data.client(activity.idx).location for activity in route if activity.is_client()]
        for route in result.best.routes()
        if route.num_clients() > 0
    ]


def solve_solomon_vroom(instance: SolomonInstance, exploration_level: int = 5, threads: int = 1) -> list[list[int]]:
    """VROOM's routes; it minimises travel duration, which here is the truncated distance."""
    import vroom

    problem = vroom.Input()
    problem.set_durations_matrix("car", truncated_matrix(instance))
    shift = vroom.TimeWindow(TENTHS * instance.ready[0], TENTHS * instance.due[0])
    problem.add_vehicle(
        [
            vroom.Vehicle(id=number, start=0, end=0, capacity=[instance.capacity], time_window=shift)
            for number in range(1, instance.vehicles + 1)
        ]
    )
    problem.add_job(
        [
            vroom.Job(
                id=customer,
                location=customer,
                default_service=TENTHS * instance.service[customer],
                delivery=[instance.demands[customer]],
                time_windows=[vroom.TimeWindow(TENTHS * instance.ready[customer], TENTHS * instance.due[customer])],
            )
            for customer in instance.customers
        ]
    )
    solution = problem.solve(exploration_level=exploration_level, nb_threads=threads)
    return _vroom_routes(solution.routes)


def _vroom_routes(steps: Any) -> list[list[int]]:
    """Job ids per vehicle, in visiting order, from VROOM's step table (a pandas DataFrame)."""
    routes: dict[int, list[int]] = {}
    for vehicle_id, step_type, job_id in zip(steps["vehicle_id"], steps["type"], steps["id"], strict=True):
        if step_type == "job":
            routes.setdefault(int(vehicle_id), []).append(int(job_id))
    return list(routes.values())

"""Solomon benchmark plumbing: parsing, conversion to a Problem, and the independent route checker."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from harness.bench.solomon import (
    InstanceFormatError,
    SolomonInstance,
    check_routes,
    distance_of,
    format_sol,
    load_bks,
    parse_sol,
    parse_solomon,
    routes_from_solution,
    to_problem,
)
from solver.model import Route, Solution, SolveStats, Stop, TimeWindow

SOLOMON_DIR = Path(__file__).resolve().parents[2].parent / "shared/benchmarks/solomon"
MISSING_BENCHMARKS = f"Solomon benchmark files not found at {SOLOMON_DIR}"


def benchmark_names() -> list[Any]:
    """Names of the instance files, or one skipped parameter when the folder is absent."""
    if not SOLOMON_DIR.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(reason=MISSING_BENCHMARKS))]
    return sorted(path.stem for path in SOLOMON_DIR.glob("*.txt"))


def benchmark(name: str) -> SolomonInstance:
    return parse_solomon((SOLOMON_DIR / f"{name}.txt").read_text(), name)


def best_known() -> dict[str, tuple[int, float]]:
    return load_bks((SOLOMON_DIR / "bks.csv").read_text())


# A hand-made instance, worked out by hand. Truncated distances (units):
#   depot-1 5.0, depot-2 10.0, depot-3 5.0, 1-2 5.0, 1-3 3.1 (sqrt 10), 2-3 6.7 (sqrt 45).
# Loads 1+2 = 9 and 1+3 = 10 fit the capacity 10; 2+3 = 11 does not. Customer 1 must come
# before 2 (2 is reached at 10.0 at the earliest, after 1 is due). Optimum: [1, 2] + [3] = 30.0.
#        no  x  y demand ready due service
TINY = [
    (0, 0, 0, 0, 0, 100, 0),
    (1, 3, 4, 4, 0, 10, 2),
    (2, 6, 8, 5, 5, 20, 2),
    (3, 0, 5, 6, 0, 50, 1),
]


def solomon_text(rows: list[tuple[int, ...]], vehicles: int = 2, capacity: int = 10) -> str:
    """Rows laid out as a Solomon file."""
    header = (
        "TINY\n\nVEHICLE\nNUMBER     CAPACITY\n"
        f"  {vehicles}         {capacity}\n\n"
        "CUSTOMER\nCUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n \n"
    )
    return header + "".join("    ".join(str(value) for value in row) + "\n" for row in rows)


def tiny(rows: list[tuple[int, ...]] = TINY, vehicles: int = 2) -> SolomonInstance:
    return parse_solomon(solomon_text(rows, vehicles), "TINY")


# --- the shared benchmark files --------------------------------------------------------


@pytest.mark.parametrize("name", benchmark_names())
def test_every_solomon_file_parses_to_a_depot_and_100_customers(name: str) -> None:
    instance = benchmark(name)
    assert instance.name == name
    assert len(instance.customers) == 100
    assert instance.vehicles >= 1 and instance.capacity >= 1
    assert instance.demands[0] == 0 and instance.service[0] == 0


@pytest.mark.parametrize("name", benchmark_names())
def test_best_known_routes_are_feasible_and_reproduce_the_bks_distance(name: str) -> None:
    vehicles, distance = best_known()[name]
    routes = parse_sol((SOLOMON_DIR / "bks_routes" / f"{name}.sol").read_text())
    instance = benchmark(name)
    assert check_routes(instance, routes) == []
    assert distance_of(instance, routes) == distance
    assert len(routes) == vehicles


@pytest.mark.skipif(not SOLOMON_DIR.is_dir(), reason=MISSING_BENCHMARKS)
def test_best_known_table_covers_all_56_instances() -> None:
    assert sorted(best_known()) == benchmark_names()
    assert len(benchmark_names()) == 56


@pytest.mark.parametrize("name", benchmark_names())
def test_problem_durations_are_the_exact_truncated_distances(name: str) -> None:
    instance = benchmark(name)
    exact = np.array(
        [
            [math.isqrt(100 * ((xa - xb) ** 2 + (ya - yb) ** 2)) for xb, yb in zip(instance.xs, instance.ys, strict=True)]
            for xa, ya in zip(instance.xs, instance.ys, strict=True)
        ]
    )
    np.testing.assert_array_equal(to_problem(instance, time_limit_s=1.0).durations, exact)


@pytest.mark.skipif(not SOLOMON_DIR.is_dir(), reason=MISSING_BENCHMARKS)
def test_format_sol_writes_the_vrplib_layout_of_the_bks_files() -> None:
    text = (SOLOMON_DIR / "bks_routes" / "C101.sol").read_text()
    written = format_sol(parse_sol(text), 827.3)
    assert written.splitlines() == [line.rstrip() for line in text.splitlines()]


# --- reading instances ------------------------------------------------------------------


def test_tiny_instance_is_read_column_by_column() -> None:
    instance = tiny()
    assert (instance.vehicles, instance.capacity) == (2, 10)
    assert instance.xs == (0, 3, 6, 0) and instance.ys == (0, 4, 8, 5)
    assert instance.demands == (0, 4, 5, 6)
    assert instance.ready == (0, 0, 5, 0) and instance.due == (100, 10, 20, 50)
    assert instance.service == (0, 2, 2, 1)
    assert list(instance.customers) == [1, 2, 3]


@pytest.mark.parametrize(
    ("text", "complaint"),
    [
        ("C101\n\nCUSTOMER\n", "no line starting with 'NUMBER'"),
        (solomon_text(TINY).replace("  2         10", "  2"), "expected 2 integers"),
        (solomon_text([*TINY[:3], (3, 0, 5, 6, 0, 50)]), "line 13: expected 7 integers"),
        (solomon_text([*TINY[:3], (3, 0, 5.5, 6, 0, 50, 1)]), "line 13: expected 7 integers"),
        (solomon_text([TINY[0], TINY[2]]), "expected customer number 1"),
        (solomon_text([*TINY[:3], (3, 0, 5, 6, 60, 50, 1)]), "ready time 60 is after due date 50"),
        (solomon_text([*TINY[:3], (3, 0, 5, -6, 0, 50, 1)]), "must not be negative"),
        (solomon_text(TINY[:1]), "at least one customer"),
        (solomon_text(TINY, vehicles=0), "must be positive"),
    ],
)
def test_malformed_instance_text_is_refused_with_the_line_at_fault(text: str, complaint: str) -> None:
    with pytest.raises(InstanceFormatError, match=complaint):
        parse_solomon(text, "TINY")


# --- into and out of the solver ----------------------------------------------------------


def test_vehicles_become_nurses_and_customers_become_visits_in_tenths() -> None:
    problem = to_problem(tiny(), time_limit_s=2.5, seed=7)
    assert [nurse.id for nurse in problem.nurses] == ["v1", "v2"]
    for nurse in problem.nurses:
        assert (nurse.start_index, nurse.end_index) == (0, 0)
        assert nurse.shift == TimeWindow(0, 1000)
        assert nurse.capacity == 10 and nurse.skills == frozenset() and nurse.break_ is None
    second = problem.visits[1]
    assert (second.id, second.location_index) == ("2", 2)
    assert second.windows == (TimeWindow(50, 200),)
    assert (second.duration, second.demand) == (20, 5)
    assert problem.durations[1, 3] == 31 and problem.durations[2, 3] == 67
    assert problem.options.time_limit_s == 2.5 and problem.options.seed == 7
    assert problem.options.preference_weight_s == 0 and problem.options.fairness_weight_s == 0


def test_routes_from_solution_lists_customer_numbers_of_non_empty_routes() -> None:
    problem = to_problem(tiny(), time_limit_s=1.0)
    solution = Solution(
        routes=(
            Route("v1", 0, (Stop("1", 50, 50, 70), Stop("2", 120, 120, 140)), 240),
            Route("v2", 0, (), 0),
        ),
        unassigned=(),
        stats=SolveStats(solve_seconds=0.0, objective=240, solutions_found=1),
    )
    assert routes_from_solution(problem, solution) == [[1, 2]]


# --- the independent checker -------------------------------------------------------------


def test_hand_worked_optimum_is_feasible_and_costs_30() -> None:
    assert check_routes(tiny(), [[1, 2], [3]]) == []
    assert distance_of(tiny(), [[1, 2], [3]]) == 30.0
    assert distance_of(tiny(), [[1, 3], [2]]) == 33.1


def test_a_customer_visited_twice_is_reported() -> None:
    assert check_routes(tiny(), [[1, 2], [3, 1]]) == ["customer 1 is visited 2 times"]


def test_a_customer_left_out_is_reported() -> None:
    assert check_routes(tiny(), [[1, 2]]) == ["customer 3 is not visited"]


def test_a_number_that_is_not_a_customer_is_reported() -> None:
    assert check_routes(tiny(), [[1, 2, 7], [3]]) == ["route #1 visits 7, which is not a customer (1..3)"]


def test_service_starting_after_the_due_date_is_reported() -> None:
    # 2 is served from 10.0 to 12.0; 1 is then reached at 17.0, after its due date 10.
    assert check_routes(tiny(), [[2, 1], [3]]) == ["route #1: service at customer 1 starts at 17.0, after its due date 10"]


def test_a_load_over_capacity_is_reported() -> None:
    assert check_routes(tiny(), [[2, 3], [1]]) == ["route #1 carries 11, over the capacity 10"]


def test_more_routes_than_vehicles_is_reported() -> None:
    assert check_routes(tiny(), [[1], [2], [3]]) == ["3 routes exceed the fleet of 2 vehicles"]


def test_empty_routes_do_not_count_against_the_fleet() -> None:
    assert check_routes(tiny(), [[1, 2], [], [3]]) == []


def test_returning_after_the_depot_closes_is_reported() -> None:
    # [1, 2] is back at 12.0 + 2.0 + 10.0 = 24.0.
    closes_at_20 = tiny([(0, 0, 0, 0, 0, 20, 0), *TINY[1:]])
    assert check_routes(closes_at_20, [[1, 2], [3]]) == ["route #1 returns to the depot at 24.0, after its due date 20"]


def test_windows_are_checked_with_truncated_travel_times() -> None:
    # sqrt(101) = 10.05 truncates to 10.0: on time for due date 10, late for due date 9.
    on_time = tiny([(0, 0, 0, 0, 0, 100, 0), (1, 10, 1, 1, 0, 10, 0)], vehicles=1)
    late = tiny([(0, 0, 0, 0, 0, 100, 0), (1, 10, 1, 1, 0, 9, 0)], vehicles=1)
    assert check_routes(on_time, [[1]]) == []
    assert check_routes(late, [[1]]) == ["route #1: service at customer 1 starts at 10.0, after its due date 9"]
    assert distance_of(on_time, [[1]]) == 20.0


# --- solution files and best-known values ------------------------------------------------


def test_format_sol_numbers_non_empty_routes_and_ends_with_the_cost() -> None:
    assert format_sol([[5, 3, 7], [], [1]], 12.34) == "Route #1: 5 3 7\nRoute #2: 1\nCost 12.3\n"


@given(st.lists(st.lists(st.integers(min_value=1, max_value=1000), min_size=1, max_size=20), max_size=30))
def test_format_sol_and_parse_sol_round_trip(routes: list[list[int]]) -> None:
    assert parse_sol(format_sol(routes, 827.3)) == routes


@pytest.mark.parametrize("line", ["Route 1: 5 3", "Route #1: 5 x 3", "Tour #1: 5", "5 3 7"])
def test_parse_sol_refuses_lines_that_are_not_routes(line: str) -> None:
    with pytest.raises(ValueError, match="solution line 2"):
        parse_sol(f"Route #1: 4\n{line}\nCost 1.0\n")


def test_load_bks_reads_vehicles_and_distance_by_instance() -> None:
    text = 'instance,vehicles,distance,source\nC101,10,827.3,"PyVRP, CVRPLIB"\nR101,20,1637.7,x\n'
    assert load_bks(text) == {"C101": (10, 827.3), "R101": (20, 1637.7)}


def test_load_bks_names_a_missing_column() -> None:
    with pytest.raises(ValueError, match="distance"):
        load_bks("instance,vehicles\nC101,10\n")


# --- the reference solvers, on the hand-made instance ------------------------------------


def test_pyvrp_anchor_finds_the_hand_worked_optimum() -> None:
    pytest.importorskip("pyvrp")
    from harness.bench.anchors import solve_solomon_pyvrp

    routes = solve_solomon_pyvrp(tiny(), time_limit_s=0.2)
    assert check_routes(tiny(), routes) == []
    assert distance_of(tiny(), routes) == 30.0


def test_vroom_anchor_finds_the_hand_worked_optimum() -> None:
    pytest.importorskip("vroom")
    from harness.bench.anchors import solve_solomon_vroom

    routes = solve_solomon_vroom(tiny(), exploration_level=1)
    assert check_routes(tiny(), routes) == []
    assert distance_of(tiny(), routes) == 30.0


# --- our solver, end to end on the hand-made instance ----------------------------------------


def test_our_solver_finds_the_hand_worked_optimum_through_to_problem() -> None:
    from solver.solve import solve

    problem = to_problem(tiny(), time_limit_s=0.5)
    solution = solve(problem)
    routes = routes_from_solution(problem, solution)
    assert solution.unassigned == ()
    assert check_routes(tiny(), routes) == []
    assert distance_of(tiny(), routes) == 30.0

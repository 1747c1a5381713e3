"""Solomon VRPTW instances: reading them, turning them into a `Problem`, and checking routes.

Conventions are those of shared/benchmarks/solomon/README.md (DIMACS): every distance, and so
every travel time, is truncated to one decimal. Inside the solver everything is in integer
tenths of a unit, `floor(10 * d)`; the checker here recomputes that with exact integer
arithmetic so it does not share code (or rounding) with `solver.travel`.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from solver.model import Nurse, Problem, SearchOptions, Solution, TimeWindow, Visit
from solver.travel import euclidean_truncated

TENTHS = 10  # integer units per instance unit: one decimal, truncated
_CUSTOMER_COLUMNS = "CUST NO. XCOORD. YCOORD. DEMAND READY TIME DUE DATE SERVICE TIME"
_ROUTE_LINE = re.compile(r"^Route\s*#\s*(\d+)\s*:(.*)$", re.IGNORECASE)


class InstanceFormatError(ValueError):
    """Malformed benchmark text, with the instance name and line number at fault."""


@dataclass(frozen=True)
class SolomonInstance:
    """A Solomon instance exactly as written in its file; index 0 of each column is the depot."""

    name: str
    vehicles: int
    capacity: int
    xs: tuple[int, ...]
    ys: tuple[int, ...]
    demands: tuple[int, ...]
    ready: tuple[int, ...]
    due: tuple[int, ...]
    service: tuple[int, ...]

    @property
    def customers(self) -> range:
        """The customer numbers, 1..n."""
        return range(1, len(self.xs))


# --- reading instances -------------------------------------------------------------------


def parse_solomon(text: str, name: str) -> SolomonInstance:
    """Read an instance in Solomon's text format; raise InstanceFormatError if it is malformed."""
    lines = text.splitlines()
    fleet_line = _next_data_line(lines, _header_line(lines, "NUMBER", name) + 1, name, "NUMBER")
    vehicles, capacity = _integers(lines, fleet_line, 2, name, "NUMBER CAPACITY")
    if vehicles < 1 or capacity < 1:
        raise InstanceFormatError(
            f"{name} line {fleet_line + 1}: fleet size and capacity must be positive, got {vehicles} and {capacity}"
        )
    rows = _customer_rows(lines, _header_line(lines, "CUST NO", name) + 1, name)
    columns = list(zip(*rows, strict=True))
    return SolomonInstance(
        name=name,
        vehicles=vehicles,
        capacity=capacity,
        xs=columns[1],
        ys=columns[2],
        demands=columns[3],
        ready=columns[4],
        due=columns[5],
        service=columns[6],
    )


def _header_line(lines: list[str], word: str, name: str) -> int:
    """Index of the first line that starts with `word` (case-insensitive)."""
    for index, line in enumerate(lines):
        if line.strip().upper().startswith(word):
            return index
    raise InstanceFormatError(f"{name}: no line starting with {word!r} (is this a Solomon file?)")


def _next_data_line(lines: list[str], start: int, name: str, after: str) -> int:
    """Index of the first non-blank line at or after `start`."""
    for index in range(start, len(lines)):
        if lines[index].strip():
            return index
    raise InstanceFormatError(f"{name}: nothing follows the {after!r} header")


def _integers(lines: list[str], index: int, count: int, name: str, columns: str) -> tuple[int, ...]:
    """The `count` integers on line `index`, or an error naming the expected columns."""
    fields = lines[index].split()
    try:
        values = tuple(int(field) for field in fields)
    except ValueError:
        values = ()
    if len(values) != count or len(fields) != count:
        raise InstanceFormatError(f"{name} line {index + 1}: expected {count} integers ({columns}), got {lines[index].strip()!r}")
    return values


def _customer_rows(lines: list[str], start: int, name: str) -> list[tuple[int, ...]]:
    """The depot and customer rows, checked: numbered 0..n in order, sane windows and loads."""
    rows: list[tuple[int, ...]] = []
    for index in range(start, len(lines)):
        if not lines[index].strip():
            continue
        row = _integers(lines, index, 7, name, _CUSTOMER_COLUMNS)
        number, _, _, demand, ready, due, service = row
        where = f"{name} line {index + 1} (customer {number})"
        if number != len(rows):
            raise InstanceFormatError(f"{where}: expected customer number {len(rows)}")
        if demand < 0 or service < 0:
            raise InstanceFormatError(f"{where}: demand and service time must not be negative")
        if ready > due:
            raise InstanceFormatError(f"{where}: ready time {ready} is after due date {due}")
        rows.append(row)
    if len(rows) < 2:
        raise InstanceFormatError(f"{name}: needs a depot row and at least one customer row")
    return rows


# --- into and out of the solver ----------------------------------------------------------


def to_problem(instance: SolomonInstance, time_limit_s: float, seed: int = 0) -> Problem:
    """The instance as a `Problem` in tenths: one nurse per vehicle, one visit per customer."""
    shift = TimeWindow(TENTHS * instance.ready[0], TENTHS * instance.due[0])
    nurses = tuple(
        Nurse(
            id=f"v{number}",
            name=f"vehicle {number}",
            start_index=0,
            end_index=0,
            shift=shift,
            skills=frozenset(),
            capacity=instance.capacity,
        )
        for number in range(1, instance.vehicles + 1)
    )
    visits = tuple(
        Visit(
            id=str(customer),
            location_index=customer,
            windows=(TimeWindow(TENTHS * instance.ready[customer], TENTHS * instance.due[customer]),),
            duration=TENTHS * instance.service[customer],
            demand=instance.demands[customer],
        )
        for customer in instance.customers
    )
    # Travel time equals distance (DIMACS), so one truncated matrix serves as both.
    durations = euclidean_truncated(np.array(instance.xs), np.array(instance.ys), TENTHS)
    options = SearchOptions(time_limit_s=time_limit_s, seed=seed, preference_weight_s=0, fairness_weight_s=0)
    return Problem(nurses=nurses, visits=visits, durations=durations, options=options)


def routes_from_solution(problem: Problem, solution: Solution) -> list[list[int]]:
    """Customer numbers of each non-empty route, in visiting order."""
    customer_of = {visit.id: visit.location_index for visit in problem.visits}
    return [[customer_of[stop.visit_id] for stop in route.stops] for route in solution.routes if route.stops]


# --- independent evaluation --------------------------------------------------------------


def distance_of(instance: SolomonInstance, routes: Sequence[Sequence[int]]) -> float:
    """Total truncated distance of `routes`, depot legs included (DIMACS objective)."""
    return _route_tenths(instance, routes) / TENTHS


def _route_tenths(instance: SolomonInstance, routes: Sequence[Sequence[int]]) -> int:
    """Total distance of `routes` in integer tenths."""
    total = 0
    for route in routes:
        if not route:
            continue
        stops = [0, *route, 0]
        total += sum(_leg(instance, a, b) for a, b in pairwise(stops))
    return total


def _leg(instance: SolomonInstance, origin: int, destination: int) -> int:
    """floor(10 * Euclidean distance), exactly: isqrt of 100 times the squared distance."""
    dx = instance.xs[origin] - instance.xs[destination]
    dy = instance.ys[origin] - instance.ys[destination]
    return math.isqrt(TENTHS * TENTHS * (dx * dx + dy * dy))


def check_routes(instance: SolomonInstance, routes: Sequence[Sequence[int]]) -> list[str]:
    """Every rule of the Solomon VRPTW that `routes` break, as messages; empty means feasible."""
    violations = _coverage_violations(instance, routes)
    used = sum(1 for route in routes if route)
    if used > instance.vehicles:
        violations.append(f"{used} routes exceed the fleet of {instance.vehicles} vehicles")
    for number, route in enumerate(routes, start=1):
        if all(customer in instance.customers for customer in route):
            violations += _load_violations(instance, number, route)
            violations += _schedule_violations(instance, number, route)
    return violations


def _coverage_violations(instance: SolomonInstance, routes: Sequence[Sequence[int]]) -> list[str]:
    """Customers visited zero or several times, and numbers that are not customers."""
    violations = []
    last = len(instance.customers)
    for number, route in enumerate(routes, start=1):
        for customer in route:
            if customer not in instance.customers:
                violations.append(f"route #{number} visits {customer}, which is not a customer (1..{last})")
    visits = Counter(customer for route in routes for customer in route)
    for customer in instance.customers:
        if visits[customer] == 0:
            violations.append(f"customer {customer} is not visited")
        elif visits[customer] > 1:
            violations.append(f"customer {customer} is visited {visits[customer]} times")
    return violations


def _load_violations(instance: SolomonInstance, number: int, route: Sequence[int]) -> list[str]:
    """The route's total demand over the vehicle capacity, if it is."""
    load = sum(instance.demands[customer] for customer in route)
    if load > instance.capacity:
        return [f"route #{number} carries {load}, over the capacity {instance.capacity}"]
    return []


def _schedule_violations(instance: SolomonInstance, number: int, route: Sequence[int]) -> list[str]:
    """Service starts after a due date, or a return after the depot's due date (truncated times)."""
    if not route:
        return []
    violations = []
    time = TENTHS * instance.ready[0]  # leaving as early as allowed is never worse
    here = 0
    for customer in route:
        arrival = time + _leg(instance, here, customer)
        start = max(arrival, TENTHS * instance.ready[customer])
        if start > TENTHS * instance.due[customer]:
            violations.append(
                f"route #{number}: service at customer {customer} starts at {_units(start)}, "
                f"after its due date {instance.due[customer]}"
            )
        time = start + TENTHS * instance.service[customer]
        here = customer
    back = time + _leg(instance, here, 0)
    if back > TENTHS * instance.due[0]:
        violations.append(f"route #{number} returns to the depot at {_units(back)}, after its due date {instance.due[0]}")
    return violations


def _units(tenths: int) -> str:
    """Integer tenths written in instance units with one decimal, without float rounding."""
    return f"{tenths // TENTHS}.{tenths % TENTHS}"


# --- solution files and best-known values ------------------------------------------------


def parse_sol(text: str) -> list[list[int]]:
    """Routes from a VRPLIB solution ('Route #1: 5 3 7' lines; the 'Cost' line is skipped)."""
    routes = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.lower().startswith("cost"):
            continue
        match = _ROUTE_LINE.match(stripped)
        customers = match.group(2).split() if match else []
        if match is None or not all(field.isdigit() for field in customers):
            raise ValueError(
                f"solution line {number}: expected 'Route #k: <customer numbers>' or 'Cost <value>', got {stripped!r}"
            )
        routes.append([int(field) for field in customers])
    return routes


def format_sol(routes: Sequence[Sequence[int]], cost: float) -> str:
    """Routes and cost in VRPLIB solution format; empty routes are left out, cost to 0.1."""
    used = [route for route in routes if route]
    lines = [f"Route #{number}: {' '.join(str(customer) for customer in route)}" for number, route in enumerate(used, start=1)]
    lines.append(f"Cost {cost:.1f}")
    return "\n".join(lines) + "\n"


def load_bks(csv_text: str) -> dict[str, tuple[int, float]]:
    """Best-known (vehicles, distance) per instance name, from bks.csv text."""
    reader = csv.DictReader(io.StringIO(csv_text))
    missing = {"instance", "vehicles", "distance"} - set(reader.fieldnames or ())
    if missing:
        raise ValueError(f"best-known solutions: missing column(s) {', '.join(sorted(missing))}")
    best: dict[str, tuple[int, float]] = {}
    for row in reader:
        try:
            best[row["instance"]] = (int(row["vehicles"]), float(row["distance"]))
        except (TypeError, ValueError) as error:
            raise ValueError(f"best-known solutions line {reader.line_num}: {row['instance']!r}: {error}") from error
    return best

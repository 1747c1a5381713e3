"""VRPTW instances in the manner of Gehring & Homberger's 200-customer set, in Solomon's text format.

The maintainers judge the solver on the Gehring & Homberger (GH) 200-customer instances (C1_2_*, C2_2_*,
R1_2_*, R2_2_*, RC1_2_*, RC2_2_*), which the project does not hold. This module draws instances built
the way Solomon (1987) built his and GH extended them, so `bench solomon` can run all six classes at
that size, with PyVRP beside us as the anchor (there are no best-known values for these).

What it imitates:
* Geography. R: customers uniform on an integer grid; C: customers in small clusters (about ten per
  cluster for C1, fewer and looser clusters for C2); RC: half in clusters, half uniform. The depot sits
  in the middle. The grid is Solomon's 70-unit square scaled by `customers / 100` (never below 1), so
  at 200 customers it is 0..140 with the depot at (70, 70), as in GH's C1_2_1, R1_2_1 and RC1_2_1.
  Type 1 and type 2 of R and RC share the geography for a seed, as Solomon's R101/R201 do.
* Demands as in Solomon's files: C 10..50 in steps of 10 (half as many of each next size), R skewed
  towards small loads in 1..50, RC clustered customers like C (up to 40), the others like R.
  Service time 90 for C, 10 for R and RC. Fleet: 25 vehicles, or one per four customers (GH's 50 at
  200); capacity 200 for type 1, 700 for C2 and 1000 for R2 and RC2.
* Horizons. Travel times double with the grid, so R and RC horizons are Solomon's (R1 230, RC1 240,
  R2 1000, RC2 960) times the scale; C horizons are dominated by the 90-unit services and grow only by
  GH's C1 ratio (1236 for C101, 1351 for C1_2_1) per unit of scale, C2 likewise from 3390.
* Time windows. A share of the customers (100, 75, 50 or 25 %, by seed modulo 4, as Solomon's
  x01..x04) get a window; the others get the horizon. A window is centred on a time at which the
  customer is reachable: for R and RC drawn uniformly between the direct travel from the depot and the
  latest start that still lets the vehicle serve and drive back; for C, as Solomon did, the arrival
  time on a cluster-by-cluster route through all customers, so a good solution visits whole clusters.
  The half-width is drawn per instance from the range Solomon's files of that class span (narrow to
  wide); on about half the instances it also varies per customer (as in R109-R112 or C106).

Every instance is feasible customer by customer: leaving the depot at 0, each customer alone is
reached by its due date and the vehicle is back before the depot closes (in DIMACS truncated tenths),
and the total demand is well inside the fleet's capacity.

How it differs from the real GH set: the draws are ours, so neither coordinates nor windows match any
GH file; GH's type-2 horizons and window widths at 200 customers are not known here (only C1_2_1's
depot row is), so ours are scaled from Solomon's; C clusters are boxes of random points rather than
Solomon's hand-placed patterns; and the share of windowed customers and the half-widths come from
the seed rather than from the instance number. Sizes above 200 customers extrapolate the scaling,
which GH did not (their 1000-customer grid is smaller than ours would be).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from harness.bench.solomon import TENTHS
from solver.travel import euclidean_truncated

KINDS = ("C1", "C2", "R1", "R2", "RC1", "RC2")
GENERATOR_VERSION = "G1"  # first in every instance name, so instances of a later generator are never mixed up
SOLOMON_SPAN = 70  # Solomon's R grid is about 0..70 with the depot at (35, 35)
WINDOWED_SHARES = (1.0, 0.75, 0.5, 0.25)  # by seed modulo 4, like Solomon's x01, x02, x03, x04
C_DEMANDS = (10, 20, 30, 40, 50)
C_DEMAND_WEIGHTS = (52, 26, 13, 7, 2)  # the counts in C101 (and C201) for 100 customers
R_DEMAND_MAX = 50
DEMAND_MARGIN = 0.75  # total demand stays below this share of the fleet's capacity
GH_C1_STRETCH = 1351 / 1236 - 1  # C1_2_1's horizon over C101's, for one more unit of scale


@dataclass(frozen=True)
class Kind:
    """One Solomon class: its geography, fleet and time rules at Solomon's size (scale 1)."""

    geography: str  # "C1", "C2", "R" or "RC": which customers are clustered, and how
    horizon: int  # the depot's due date in Solomon's files
    capacity: int
    service: int
    half_width: tuple[float, float]  # window half-width as a share of the horizon, narrowest to widest
    route_windows: bool  # centres from a cluster-by-cluster route (Solomon's C) rather than drawn


# Half-width ranges are those of Solomon's files: R101 5 .. R112 about 60 on 230, R201 about 60 ..
# R211 about 235 on 1000, C101 about 30 .. C109 180 on 1236, C201 80 .. C208 320 on 3390, RC101 15 ..
# RC108 about 56 on 240, RC201 60 .. RC208 about 236 on 960.
KIND_RULES = {
    "C1": Kind("C1", 1236, 200, 90, (0.025, 0.15), route_windows=True),
    "C2": Kind("C2", 3390, 700, 90, (0.024, 0.095), route_windows=True),
    "R1": Kind("R", 230, 200, 10, (0.022, 0.26), route_windows=False),
    "R2": Kind("R", 1000, 1000, 10, (0.06, 0.24), route_windows=False),
    "RC1": Kind("RC", 240, 200, 10, (0.0625, 0.23), route_windows=False),
    "RC2": Kind("RC", 960, 1000, 10, (0.0625, 0.25), route_windows=False),
}
# Clustered geographies: customers per cluster and a cluster's half-side in grid units (unscaled, as
# in GH, whose clusters are no bigger than Solomon's on a grid twice as wide).
CLUSTERS = {"C1": (10, 5), "C2": (20, 10), "RC": (10, 5)}


@dataclass(frozen=True)
class _Geography:
    xs: np.ndarray  # depot first
    ys: np.ndarray
    demands: np.ndarray
    clusters: list[list[int]]  # customer numbers of each cluster, in placing order


def generate_vrptw(kind: str, customers: int = 200, seed: int = 0) -> str:
    """A feasible VRPTW instance of Solomon class `kind` (C1 C2 R1 R2 RC1 RC2), as Solomon-format text."""
    if kind not in KIND_RULES:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")
    if customers < 1 or seed < 0:
        raise ValueError(f"customers must be at least 1 and the seed not negative; got {customers} and {seed}")
    rules = KIND_RULES[kind]
    scale = max(1.0, customers / 100)
    horizon = _horizon(rules, scale)
    geography = _geography(rules, customers, seed, scale, horizon)
    travel = euclidean_truncated(geography.xs, geography.ys, TENTHS)
    rng = np.random.default_rng([seed, KINDS.index(kind), customers, 1])
    ready, due = _windows(rules, geography, travel, horizon, WINDOWED_SHARES[seed % 4], rng)
    vehicles = max(25, customers // 4)
    if geography.demands.sum() > DEMAND_MARGIN * vehicles * rules.capacity:
        raise ValueError(f"{customers} customers' demand does not fit {vehicles} vehicles of {rules.capacity}")
    name = f"{GENERATOR_VERSION}_{kind}_{_size_label(customers)}_s{seed}"
    return _solomon_text(name, vehicles, rules.capacity, geography, ready, due, rules.service)


def _horizon(rules: Kind, scale: float) -> int:
    """The depot's due date at this scale: travel-bound classes stretch with the grid, C ones barely."""
    if rules.geography.startswith("C"):
        return round(rules.horizon * (1 + GH_C1_STRETCH * (scale - 1)))
    return round(rules.horizon * scale)


def _size_label(customers: int) -> str:
    """GH's size digit (2 for 200 customers), or the plain count when it is not a multiple of 100."""
    return str(customers // 100) if customers % 100 == 0 else f"{customers}c"


# --- where the customers are, and what they order ----------------------------------------------


def _geography(rules: Kind, customers: int, seed: int, scale: float, horizon: int) -> _Geography:
    """Depot and customer coordinates and demands; each customer can be served alone within the horizon."""
    rng = np.random.default_rng([seed, ("C1", "C2", "R", "RC").index(rules.geography), customers, 0])
    span = round(SOLOMON_SPAN * scale)
    depot = (span // 2, span // 2)
    # Farthest a customer may be: there and back, plus its service, inside the horizon, with a unit
    # spare each way for rounding to whole due dates; at these horizons no point of the grid is that far.
    reach = (horizon - rules.service - 2) / 2
    clustered = {"C1": customers, "C2": customers, "R": 0, "RC": customers // 2}[rules.geography]
    points: list[tuple[int, int]] = []
    clusters: list[list[int]] = []
    if clustered:
        size, half_side = CLUSTERS[rules.geography]
        centres = _cluster_centres(rng, max(1, round(clustered / size)), half_side, span, depot, reach)
        counts = np.bincount(np.arange(clustered) % len(centres), minlength=len(centres))
        for centre, count in zip(centres, counts):
            members = _points_near(rng, centre, int(count), half_side, span, depot, reach, taken=set(points))
            clusters.append(list(range(len(points) + 1, len(points) + 1 + len(members))))
            points += members
    while len(points) < customers:
        x, y = (int(v) for v in rng.integers(0, span + 1, size=2))
        if math.dist((x, y), depot) <= reach:
            points.append((x, y))
    xs = np.array([depot[0], *(p[0] for p in points)], dtype=np.int64)
    ys = np.array([depot[1], *(p[1] for p in points)], dtype=np.int64)
    demands = np.zeros(customers + 1, dtype=np.int64)
    demands[1 : clustered + 1] = _c_demands(rng, clustered, top=40 if rules.geography == "RC" else 50)
    demands[clustered + 1 :] = _r_demands(rng, customers - clustered)
    return _Geography(xs, ys, demands, clusters)


def _cluster_centres(
    rng: np.random.Generator, count: int, half_side: int, span: int, depot: tuple[int, int], reach: float
) -> list[tuple[int, int]]:
    """Cluster centres apart from each other and from the depot; the spacing relaxes if the grid is crowded."""
    spacing = 4.0 * half_side
    centres: list[tuple[int, int]] = []
    attempts = 0
    while len(centres) < count:
        x, y = (int(v) for v in rng.integers(half_side, span - half_side + 1, size=2))
        attempts += 1
        if attempts % 1000 == 0:
            spacing *= 0.8
        far_enough = all(math.dist((x, y), c) >= spacing for c in centres) and math.dist((x, y), depot) >= 0.75 * spacing
        if far_enough and math.dist((x, y), depot) + math.sqrt(2) * half_side <= reach:
            centres.append((x, y))
    return centres


def _points_near(
    rng: np.random.Generator,
    centre: tuple[int, int],
    count: int,
    half_side: int,
    span: int,
    depot: tuple[int, int],
    reach: float,
    taken: set[tuple[int, int]],
) -> list[tuple[int, int]]:
    """`count` distinct grid points in the box of `half_side` around `centre` (widened if it fills up)."""
    members: list[tuple[int, int]] = []
    attempts = 0
    while len(members) < count:
        attempts += 1
        if attempts % 200 == 0:
            half_side += 1
        x = int(np.clip(centre[0] + rng.integers(-half_side, half_side + 1), 0, span))
        y = int(np.clip(centre[1] + rng.integers(-half_side, half_side + 1), 0, span))
        if (x, y) not in taken and (x, y) != depot and math.dist((x, y), depot) <= reach:
            taken.add((x, y))
            members.append((x, y))
    return members


def _c_demands(rng: np.random.Generator, count: int, top: int) -> np.ndarray:
    """Solomon's C loads: multiples of 10, each size about half as common as the one below."""
    sizes = [size for size in C_DEMANDS if size <= top]
    weights = np.array(C_DEMAND_WEIGHTS[: len(sizes)], dtype=float)
    return rng.choice(sizes, size=count, p=weights / weights.sum())


def _r_demands(rng: np.random.Generator, count: int) -> np.ndarray:
    """Solomon's R loads: mostly small (R101's mean is 14.6), a few up to the maximum."""
    return np.clip(np.rint(1 + rng.gamma(2.0, 7.0, size=count)), 1, R_DEMAND_MAX).astype(np.int64)


# --- time windows --------------------------------------------------------------------------------


def _windows(
    rules: Kind, geography: _Geography, travel: np.ndarray, horizon: int, share: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Ready and due times; the depot's are 0 and the horizon. Every customer is reachable alone."""
    customers = len(geography.xs) - 1
    # Earliest arrival straight from the depot, and the latest start that still gets back in time,
    # both in whole units (due dates are integers) from the truncated tenths.
    earliest = -(-travel[0, :] // TENTHS)
    latest = (TENTHS * (horizon - rules.service) - travel[:, 0]) // TENTHS
    earliest[0], latest[0] = 0, horizon
    if np.any(earliest > latest):  # _geography places no customer that far
        raise RuntimeError("a customer was placed out of reach of the depot")
    ready = np.zeros(customers + 1, dtype=np.int64)
    due = latest.copy()
    windowed = rng.permutation(np.arange(1, customers + 1))[: round(share * customers)]
    low, high = rules.half_width
    half_width = math.exp(rng.uniform(math.log(low), math.log(high))) * horizon
    spread = rng.uniform(0.5, 1.5, size=customers + 1) if rng.random() < 0.5 else np.ones(customers + 1)
    if rules.route_windows:
        centres = _route_arrivals(geography, travel, horizon, rules.capacity, rules.service)
    else:
        centres = rng.integers(earliest, latest + 1)
    for customer in windowed:
        centre = int(np.clip(centres[customer], earliest[customer], latest[customer]))
        half = max(1, round(half_width * spread[customer]))
        ready[customer] = max(0, centre - half)
        due[customer] = min(int(latest[customer]), centre + half)
    due[0] = horizon
    return ready, due


def _route_arrivals(geography: _Geography, travel: np.ndarray, horizon: int, capacity: int, service: int) -> np.ndarray:
    """Arrival times (whole units) on routes that sweep the clusters around the depot, as Solomon set C windows.

    Clusters are taken in order of angle around the depot, each customer of a cluster nearest-first;
    a route closes when the next customer would overload it or keep it out past the horizon.
    """
    xs, ys = geography.xs, geography.ys

    def angle(cluster: list[int]) -> float:
        return math.atan2(float(ys[cluster].mean() - ys[0]), float(xs[cluster].mean() - xs[0]))

    arrivals = np.zeros(len(xs), dtype=np.int64)
    here, clock, load = 0, 0, 0
    for cluster in sorted(geography.clusters, key=angle):
        left = set(cluster)
        while left:
            customer = min(left, key=lambda c: (travel[here, c], c))
            left.remove(customer)
            arrive = clock + travel[here, customer]
            too_late = arrive + TENTHS * service + travel[customer, 0] > TENTHS * horizon
            if here != 0 and (load + geography.demands[customer] > capacity or too_late):
                here, clock, load = 0, 0, 0  # back to the depot; a new vehicle leaves at 0
                arrive = travel[0, customer]
            arrivals[customer] = round(arrive / TENTHS)
            here, clock, load = customer, arrive + TENTHS * service, load + int(geography.demands[customer])
    return arrivals


# --- the text ---------------------------------------------------------------------------------


def _solomon_text(
    name: str,
    vehicles: int,
    capacity: int,
    geography: _Geography,
    ready: np.ndarray,
    due: np.ndarray,
    service: int,
) -> str:
    """The instance laid out as Solomon's files are (and as `parse_solomon` reads them)."""
    lines = [
        name,
        "",
        "VEHICLE",
        "NUMBER     CAPACITY",
        f"{vehicles:4d}{capacity:13d}",
        "",
        "CUSTOMER",
        "CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME",
        "",
    ]
    for number in range(len(geography.xs)):
        served = 0 if number == 0 else service
        lines.append(
            f"{number:5d}{geography.xs[number]:9d}{geography.ys[number]:11d}{geography.demands[number]:11d}"
            f"{ready[number]:11d}{due[number]:11d}{served:11d}"
        )
    return "\n".join(lines) + "\n"

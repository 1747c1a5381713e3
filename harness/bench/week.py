"""`bench week`: week plans on generated horizons, side by side with the baseline.

The baseline places each movable visit on its earliest allowed day (a course session on the
earliest day at least min_gap_days after the session before it, within max_gap_days) and routes
each day with the day solver, the same time per day, no repair; a session it cannot place or a
day drops leaves the later sessions of its course out (the contract's rule). Figures per run:
week-checker violations, weighted unassigned (ours and the baseline's), course continuity (the
mean over courses of the share of its planned sessions given by its most frequent nurse, and the
share of courses at 85 % or more), wall time, and after a nurse's sick day is re-planned, the share
of untouched sessions that changed day.
"""

from __future__ import annotations

import csv
import os
import sys
import time
from collections import Counter
from dataclasses import asdict, dataclass, replace

from harness.generate_odd_week import generate_odd_week
from harness.generate_week import generate_week
from solver.week import DayAssignment, Placement, check_week, parse_week, plan_week, route_days
from solver.week.assign import capped_shifts, earliest_days
from solver.week.model import WeekProblem


@dataclass(frozen=True)
class Shape:
    nurses: int
    visits_per_day: int
    weeks: int
    seconds: float
    metro: str = "denver"
    long_drips: bool = False

    @property
    def label(self) -> str:
        return f"{self.metro} {self.nurses}x{self.visits_per_day}x{self.weeks}w" + (" drips" if self.long_drips else "")


@dataclass(frozen=True)
class WeekRow:
    shape: str
    seed: int
    visits: int
    sessions: int
    violations: int
    unassigned_weight: int
    baseline_unassigned_weight: int
    continuity_mean: float
    courses_at_85: float
    wall_s: float
    baseline_wall_s: float
    replan_moved_share: float | None
    replan_violations: int | None
    load: str


def parse_shape(text: str) -> Shape:
    """'40x300x2:180[:metro[:drips]]' → Shape; metro "odd" draws harness.generate_odd_week's weeks instead."""
    parts = text.split(":")
    try:
        nurses, visits, weeks = (int(x) for x in parts[0].split("x"))
        seconds = float(parts[1])
    except (ValueError, IndexError):
        raise ValueError(f"a shape is NURSESxVISITSxWEEKS:SECONDS[:metro[:drips]], got {text!r}") from None
    return Shape(nurses, visits, weeks, seconds, parts[2] if len(parts) > 2 else "denver", len(parts) > 3 and parts[3] == "drips")


def continuity(plan: dict, problem: WeekProblem) -> tuple[float, float]:
    nurse_of = {s["visit_id"]: r["nurse_id"] for roster in plan["days"].values() for r in roster["routes"] for s in r["stops"]}
    shares = []
    for course in problem.courses:
        nurses = [nurse_of[v] for v in course.sessions if v in nurse_of]
        if nurses:
            shares.append(max(Counter(nurses).values()) / len(nurses))
    if not shares:
        return 1.0, 1.0
    return sum(shares) / len(shares), sum(1 for s in shares if s >= 0.85) / len(shares)


def baseline(problem: WeekProblem, seconds: float) -> tuple[int, float]:
    """Weighted unassigned and wall time of: each visit on its earliest feasible day, then each day solved (its own
    visits only)."""
    started = time.monotonic()
    shifts = capped_shifts(problem)
    earliest = earliest_days(problem, shifts)
    placements = {visit_id: Placement(day) for visit_id, day in earliest.items() if day is not None}
    left_out = {visit_id: "no day" for visit_id, day in earliest.items() if day is None}
    assignment = DayAssignment(placements, left_out, {}, shifts)
    rosters = route_days(problem, assignment, started + seconds, across_days=False)
    served = {s["visit_id"]: day for day, r in rosters.items() for route in r["routes"] for s in route["stops"]}
    out = {v.id for v in problem.visits if v.id not in served}
    out |= problem.sessions_after(out)  # a session left out leaves the later ones out
    return sum(problem.visit(v).priority for v in out), time.monotonic() - started


def sick_day_replan(problem: WeekProblem, plan: dict, seconds: float) -> tuple[float, int] | None:
    """Share of untouched sessions that change day after the busiest nurse's second day is re-planned."""
    try:
        from solver.week.replan import replan_week
    except ImportError:
        return None
    sick_day = problem.days[1]
    counts = Counter(r["nurse_id"] for r in plan["days"][sick_day.isoformat()]["routes"] for s in r["stops"] if r["stops"])
    if not counts:
        return None
    sick = counts.most_common(1)[0][0]
    touched = {s["visit_id"] for r in plan["days"][sick_day.isoformat()]["routes"] if r["nurse_id"] == sick for s in r["stops"]}
    before = {s["visit_id"]: day for day, r in plan["days"].items() for route in r["routes"] for s in route["stops"]}
    fast = replace(problem, options=replace(problem.options, time_limit_s=seconds))
    new_plan = replan_week(fast, plan, sick_day, sick={sick: [sick_day]}).document()
    after = {s["visit_id"]: day for day, r in new_plan["days"].items() for route in r["routes"] for s in route["stops"]}
    sessions = [v for c in problem.courses for v in c.sessions if v in before and v not in touched]
    moved = sum(1 for v in sessions if after.get(v) != before[v])
    return moved / max(1, len(sessions)), len(check_week(problem, new_plan))


def _week(shape: Shape, seed: int) -> dict:
    """The shape's week: generate_week's, or with metro "odd" generate_odd_week's (7 days a week, weekends too)."""
    if shape.metro == "odd":
        return generate_odd_week(seed, shape.nurses, shape.visits_per_day, 7 * shape.weeks, shape.seconds)
    return generate_week(
        nurses=shape.nurses,
        visits_per_day=shape.visits_per_day,
        weeks=shape.weeks,
        seed=seed,
        metro=shape.metro,
        long_drips=shape.long_drips,
        time_limit_s=shape.seconds,
    )


def run_week_bench(shapes: list[Shape], seeds: list[int], workers: int, replan: bool, out: str | None) -> int:
    rows = []
    for shape in shapes:
        for seed in seeds:
            doc = _week(shape, seed)
            doc["options"]["workers"] = workers
            problem = parse_week(doc)
            load = f"{os.getloadavg()[0]:.1f}"
            started = time.monotonic()
            plan = plan_week(problem).document()
            wall = time.monotonic() - started
            violations = len(check_week(problem, plan))
            ours = sum(problem.visit(u["visit_id"]).priority for u in plan["unassigned"])
            base, base_wall = baseline(problem, shape.seconds)
            mean, at_85 = continuity(plan, problem)
            replanned = sick_day_replan(problem, plan, shape.seconds / 2) if replan else None
            row = WeekRow(
                shape.label,
                seed,
                len(problem.visits),
                sum(len(c.sessions) for c in problem.courses),
                violations,
                ours,
                base,
                round(mean, 3),
                round(at_85, 3),
                round(wall, 1),
                round(base_wall, 1),
                None if replanned is None else round(replanned[0], 4),
                None if replanned is None else replanned[1],
                load,
            )
            print(row, file=sys.stderr, flush=True)
            rows.append(row)
    if out:
        with open(out, "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(asdict(rows[0])))
            writer.writeheader()
            writer.writerows(asdict(row) for row in rows)
    print(markdown(rows))
    return 0 if all(row.violations == 0 for row in rows) else 1


def markdown(rows: list[WeekRow]) -> str:
    lines = [
        "| shape | seed | visits | sessions | violations | unassigned weight (ours / baseline) | continuity mean "
        "| courses ≥ 85 % "
        "| wall s (ours / baseline) | sick day: untouched sessions moved | load |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        moved = "-" if r.replan_moved_share is None else f"{r.replan_moved_share:.1%} ({r.replan_violations} violations)"
        lines.append(
            f"| {r.shape} | {r.seed} | {r.visits} | {r.sessions} | {r.violations} | {r.unassigned_weight} / "
            f"{r.baseline_unassigned_weight} | {r.continuity_mean:.1%} | {r.courses_at_85:.1%} | {r.wall_s} / "
            f"{r.baseline_wall_s} | {moved} | {r.load} |"
        )
    return "\n".join(lines)

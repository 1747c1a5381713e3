"""The `solve` command: a problem document in, a roster document out, with progress and a table for people."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from cli.errors import InputError
from solver import parse_problem, replan, roster_document, solve


def add_arguments(commands: argparse._SubParsersAction) -> None:
    solve_cmd = commands.add_parser("solve", help="solve a problem document and write the roster")
    solve_cmd.add_argument("problem", help="problem document (JSON); - for standard input")
    solve_cmd.add_argument("-o", "--output", help="where to write the roster document (default: standard output)")
    solve_cmd.add_argument("--time-limit", type=float, help="seconds of search (overrides options.time_limit_s)")
    solve_cmd.add_argument("--quiet", action="store_true", help="no progress or table")
    solve_cmd.add_argument(
        "--roads", type=Path, help="a road dataset's folder (`roads build`): travel.durations_s filled from it before solving"
    )
    solve_cmd.set_defaults(run=run_solve)

    week_cmd = commands.add_parser("plan-week", help="plan a horizon (week document) and write the plan: one roster per day")
    week_cmd.add_argument("week", help="week document (JSON, docs/week-document.md); - for standard input")
    week_cmd.add_argument("-o", "--output", help="where to write the plan document (default: standard output)")
    week_cmd.add_argument("--time-limit", type=float, help="seconds for the whole plan (overrides options.time_limit_s)")
    week_cmd.add_argument("--workers", type=int, help="days routed at once, one process each (overrides options.workers)")
    week_cmd.add_argument("--quiet", action="store_true", help="no progress or summary")
    week_cmd.set_defaults(run=run_plan_week)


def read_document(source: str) -> Any:
    try:
        text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read {source}: {error.strerror}") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(f"{source} is not valid JSON: {error.msg} at line {error.lineno} column {error.colno}") from None


def write_json(doc: Any, output: str | None) -> None:
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def solve_and_report(doc: Any, time_limit: float | None, quiet: bool) -> dict[str, Any]:
    if time_limit is not None:
        if time_limit <= 0:
            raise InputError("--time-limit must be greater than 0")
        doc = {**doc, "options": {**(doc.get("options") or {}), "time_limit_s": time_limit}} if isinstance(doc, dict) else doc
    problem = parse_problem(doc)
    progress = None if quiet else _ProgressLine(problem.options.time_limit_s)
    # One command for both documents (docs/problem-document.md): a day under way or a roster in force
    # is re-planned, keeping close to that roster; any other day is solved afresh.
    plan = replan if problem.is_replanning else solve
    solution = plan(problem, progress)
    if progress:
        progress.close()
    roster = roster_document(problem, solution)
    if not quiet:
        print(format_roster_table(roster), file=sys.stderr)
    return roster


def run_solve(args: argparse.Namespace) -> int:
    doc = read_document(args.problem)
    if args.roads is not None:
        doc = with_road_times(doc, args.roads, args.quiet)
    roster = solve_and_report(doc, args.time_limit, args.quiet)
    write_json(roster, args.output)
    if args.output and not args.quiet:
        print(f"roster written to {args.output}", file=sys.stderr)
    return 0


def run_plan_week(args: argparse.Namespace) -> int:
    from solver.week import check_week, parse_week, plan_week

    doc = read_document(args.week)
    overrides: dict[str, Any] = {}
    if args.time_limit is not None:
        if args.time_limit <= 0:
            raise InputError("--time-limit must be greater than 0")
        overrides["time_limit_s"] = args.time_limit
    if args.workers is not None:
        if args.workers < 1:
            raise InputError("--workers must be at least 1")
        overrides["workers"] = args.workers
    if overrides and isinstance(doc, dict):
        doc = {**doc, "options": {**(doc.get("options") or {}), **overrides}}
    problem = parse_week(doc)

    def progress(what: str, share: float) -> None:
        if not args.quiet:
            print(f"{what} ({share:.0%})", file=sys.stderr, flush=True)

    plan = plan_week(problem, progress).document()
    violations = check_week(problem, plan)
    if violations:  # a bug, never bad input: say it and write nothing
        raise RuntimeError("the week plan failed the week checker:\n  " + "\n  ".join(violations))
    write_json(plan, args.output)
    if not args.quiet:
        summary = plan["summary"]
        print(
            f"assigned {summary['assigned']} of {summary['visits']} visits over {len(plan['days'])} days, "
            f"unassigned {summary['unassigned']} (priority weight {summary['unassigned_priority_weight']}), "
            f"course continuity {summary['course_continuity']:.0%}, planned in {summary['solve_time_s']} s",
            file=sys.stderr,
        )
        for item in plan["unassigned"][:10]:
            print(f"  unassigned {item['visit_id']}: {item['reason']}", file=sys.stderr)
    return 0


def with_road_times(doc: Any, folder: Path, quiet: bool) -> dict[str, Any]:
    """The problem document with `travel.durations_s` from a road dataset (places keep lat/lon and gain an index)."""
    from dispatch.platform.roads import ATTRIBUTION, OsrmEngine, RoadsUnavailable, TravelCache, dataset_base
    from dispatch.rosters.travel import with_travel

    if not isinstance(doc, dict) or "durations_s" in (doc.get("travel") or {}):
        raise InputError("--roads fills travel.durations_s from lat/lon places; this document already has a matrix")
    try:
        roads = TravelCache(OsrmEngine(dataset_base(folder)), folder.name)
    except RoadsUnavailable as why:
        raise InputError(str(why)) from None
    try:
        doc, note = with_travel(doc, roads, {"model": "road", "dataset": folder.name})
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(f"--roads needs every place as {{lat, lon}}: {error!r}") from None
    if not quiet:
        print(
            f"road travel times from {folder} ({ATTRIBUTION})" + (f"; {note['reason']}" if "reason" in note else ""),
            file=sys.stderr,
        )
    return doc


class _ProgressLine:
    """One updating line on stderr: visits placed and best objective so far, and elapsed time."""

    def __init__(self, limit: float):
        self.limit, self.shown_at, self.tty = limit, 0.0, sys.stderr.isatty()

    def __call__(self, objective: int, elapsed: float, placed: int) -> None:
        now = time.monotonic()
        if now - self.shown_at < (0.25 if self.tty else 2.0):
            return
        self.shown_at = now
        line = f"searching: {placed} visits placed, objective {objective:,} after {elapsed:5.1f} s of {self.limit:g} s"
        print(("\r" + line) if self.tty else line, end="" if self.tty else "\n", file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.tty and self.shown_at:
            print(file=sys.stderr)


def format_roster_table(roster: dict[str, Any]) -> str:
    """A per-nurse table and the summary, for people."""
    rows = [("nurse", "visits", "depart", "return", "break", "travel", "waiting")]
    for route in roster["routes"]:
        if not route["stops"]:
            continue
        rows.append(
            (
                f"{route['nurse_id']} {route['nurse_name']}"[:24],
                str(len(route["stops"])),
                route["departure"][11:16],
                route["return"][11:16],
                route["break"]["start"][11:16] if "break" in route else "-",
                _hm(route["travel_s"]),
                _hm(route["waiting_s"]),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))) for row in rows
    ]
    summary = roster["summary"]
    lines.append("")
    lines.append(
        f"assigned {summary['assigned']}, unassigned {summary['unassigned']} "
        f"(priority weight {summary['unassigned_priority_weight']} of {summary['total_priority_weight']}), "
        f"nurses working {summary['nurses_working']}, travel {summary['total_travel_h']} h, "
        f"waiting {summary['total_waiting_h']} h, solved in {summary['solve_time_s']} s"
    )
    for item in roster["unassigned"][:15]:
        lines.append(f"  unassigned {item['visit_id']}: {item['reason']}")
    if len(roster["unassigned"]) > 15:
        lines.append(f"  … and {len(roster['unassigned']) - 15} more (see the roster document)")
    return "\n".join(lines)


def _hm(seconds: int) -> str:
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}"

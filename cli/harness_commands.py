"""The harness's commands: generate a day, the demo, and the benchmarks (a development install has the harness).

The harness (demo data, the generator, benchmark runners) is not shipped in the production image; these
commands import it when they run and say so when it is missing.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from cli.documents import solve_and_report, write_json
from cli.errors import InputError
from solver import parse_problem

# The harness is not installed in production, so help names these rather than importing harness.generate;
# tests/cli/test_cli.py checks they are the generator's own.
SHAPE_NAMES = "standard, drips, capped, lunch, triage, sparse, dense, corridor"
METRO_NAMES = "denver, phoenix, atlanta, seattle, houston"


def add_arguments(commands: argparse._SubParsersAction) -> None:
    generate_cmd = commands.add_parser("generate", help="generate a realistic day as a problem document")
    _day_arguments(generate_cmd)
    generate_cmd.add_argument("--shape", default="standard", help=f"the kind of day: {SHAPE_NAMES} (docs/BENCHMARKS.md)")
    generate_cmd.add_argument("-o", "--output", help="file to write (default: standard output)")
    generate_cmd.set_defaults(run=_run_generate)

    week_cmd = commands.add_parser("generate-week", help="generate a realistic horizon (a week or two) as a week document")
    _week_arguments(week_cmd)
    week_cmd.add_argument("-o", "--output", help="file to write (default: standard output)")
    week_cmd.set_defaults(run=_run_generate_week)

    vrptw_cmd = commands.add_parser(
        "generate-vrptw", help="generate Gehring & Homberger-style VRPTW instances, one Solomon-format file each"
    )
    vrptw_cmd.add_argument("--kinds", default="C1,C2,R1,R2,RC1,RC2", help="Solomon classes, comma-separated")
    vrptw_cmd.add_argument("--customers", type=int, default=200)
    vrptw_cmd.add_argument("--seeds", default="1", help="one instance per kind and seed, e.g. 1,2")
    vrptw_cmd.add_argument("--out", required=True, help="directory for the <NAME>.txt files")
    vrptw_cmd.set_defaults(run=_run_generate_vrptw)

    demo_cmd = commands.add_parser(
        "demo", help="the service on the embedded database: a demo region solved, published and served"
    )
    _day_arguments(demo_cmd)
    demo_cmd.add_argument("--time-limit", type=float, default=10.0)
    demo_cmd.add_argument("--host", default="127.0.0.1")
    demo_cmd.add_argument("--port", type=int, default=8000)
    demo_cmd.add_argument(
        "--offline", action="store_true", help="no database or server: generate a day, solve it and print the roster"
    )
    demo_cmd.add_argument("-o", "--output", help="with --offline: also write the roster document here")
    demo_cmd.set_defaults(run=_run_demo)

    bench_cmd = commands.add_parser("bench", help="benchmarks")
    benches = bench_cmd.add_subparsers(dest="bench", required=True)
    solomon = benches.add_parser("solomon", help="Solomon VRPTW instances (DIMACS convention)")
    solomon.add_argument("files", nargs="*", help="instance files (default: every file in ../shared/benchmarks/solomon)")
    solomon.add_argument("--time-limit", type=float, default=10.0)
    solomon.add_argument("--out", help="directory for <instance>.sol files and results.csv")
    solomon.add_argument("--anchors", default="", help="also run these for comparison: pyvrp,vroom")
    solomon.add_argument("--seed", type=int, default=0)
    solomon.add_argument("--workers", type=int, default=1, help="parallel searches in our portfolio (one per core)")
    solomon.add_argument("--metaheuristic", choices=["ILS", "GLS"], default="ILS")
    solomon.set_defaults(run=_run_bench_solomon)
    travel = benches.add_parser("travel", help="time the travel matrix for many locations")
    travel.add_argument("--locations", type=int, default=3000)
    travel.add_argument("--repeats", type=int, default=5)
    travel.set_defaults(run=_run_bench_travel)
    roads = benches.add_parser("roads", help="road travel times (OSRM, Helsinki extract) side by side with the geodesic model")
    roads.add_argument("--sizes", default="1000,3000", help="matrix sizes timed cold, comma-separated")
    roads.add_argument("--day", default="120x900:30", help="a generated day solved with both models: NURSESxVISITS:SECONDS")
    roads.add_argument("--seed", type=int, default=1)
    roads.set_defaults(run=_run_bench_roads)
    report = benches.add_parser("report", help="summarise a Solomon results.csv as a Markdown table")
    report.add_argument("csv")
    report.set_defaults(run=_run_bench_report)
    days = benches.add_parser("days", help="generated nurse days against VROOM")
    days.add_argument("--size", action="append", required=True, help="NURSESxVISITS:SECONDS, e.g. 40x300:10")
    days.add_argument("--seeds", default="1,2,3")
    _shape_arguments(days, odd=True)
    days.add_argument("--vroom-level", type=int, default=5)
    days.add_argument("--vroom-threads", type=int, default=1, help="VROOM's threads (the anchor's, not ours)")
    days.add_argument("--no-vroom", action="store_true")
    days.add_argument("--workers", type=int, default=1, help="our parallel searches (one per core)")
    days.add_argument("--out", help="CSV file for the results")
    days.set_defaults(run=_run_bench_days)
    levels = benches.add_parser("vroom-levels", help="VROOM alone at several exploration levels on generated days")
    levels.add_argument("--size", action="append", required=True, help="NURSESxVISITS:SECONDS (the seconds are ignored)")
    levels.add_argument("--seeds", default="1,2,3")
    _shape_arguments(levels)
    levels.add_argument("--levels", default="0,1,2,3")
    levels.add_argument("--threads", type=int, default=2)
    levels.set_defaults(run=_run_bench_vroom_levels)
    throughput = benches.add_parser("throughput", help="solves per minute with 1, 2, 4… worker processes")
    throughput.add_argument("--regions", type=int, default=20)
    throughput.add_argument("--nurses", type=int, default=30)
    throughput.add_argument("--visits", type=int, default=200)
    throughput.add_argument("--time-limit", type=float, default=10.0)
    throughput.add_argument("--workers", default="1,2,4")
    throughput.add_argument("--port", type=int, default=8732)
    throughput.set_defaults(run=_run_bench_throughput)
    replan = benches.add_parser("replan", help="same-day events re-planned with least disruption, against from scratch")
    replan.add_argument(
        "--size",
        action="append",
        required=True,
        help="NURSESxVISITS:SECONDS, the seconds to solve the published roster, e.g. 40x300:10",
    )
    replan.add_argument("--time-limit", type=float, default=5.0, help="seconds for each re-plan")
    replan.add_argument("--seed", type=int, default=1)
    replan.set_defaults(run=_run_bench_replan)
    durations = benches.add_parser("durations", help="learned durations against the fixed service time, on replayed sessions")
    durations.add_argument("--seeds", type=int, default=5)
    durations.add_argument("--patients", type=int, default=80)
    durations.add_argument("--sessions", type=int, default=8, help="sessions per patient")
    durations.set_defaults(run=_run_bench_durations)
    week_bench = benches.add_parser("week", help="week plans against the baseline (each session on its earliest day)")
    week_bench.add_argument(
        "--shape",
        action="append",
        required=True,
        help="a generated horizon: NURSESxVISITS_PER_DAYxWEEKS:SECONDS[:metro[:drips]] (metro odd: generate_odd_week's weeks)",
    )
    week_bench.add_argument("--seeds", default="1,2,3")
    week_bench.add_argument("--workers", type=int, default=1, help="days routed at once (processes)")
    week_bench.add_argument("--no-replan", action="store_true", help="skip the sick-day re-plan")
    week_bench.add_argument("--out", help="CSV file for the results")
    week_bench.set_defaults(run=_run_bench_week)
    plans_bench = benches.add_parser("plans", help="one region's week plan on 1, 2, 4… worker processes (the days fan out)")
    plans_bench.add_argument("--nurses", type=int, default=40)
    plans_bench.add_argument("--visits", type=int, default=300, help="visits on each day")
    plans_bench.add_argument("--days", type=int, default=10, help="weekdays in the horizon")
    plans_bench.add_argument("--time-limit", type=float, default=180.0, help="the whole plan's")
    plans_bench.add_argument("--workers", default="1,2,4")
    plans_bench.add_argument("--port", type=int, default=8733)
    plans_bench.set_defaults(run=_run_bench_plans)
    service_bench = benches.add_parser("service", help="solve request → draft time, and itinerary requests under load")
    service_bench.add_argument("--nurses", type=int, default=120)
    service_bench.add_argument("--visits", type=int, default=900)
    service_bench.add_argument("--time-limit", type=float, default=30.0)
    service_bench.add_argument("--seconds", type=float, default=20.0, help="how long to load the itinerary endpoint")
    service_bench.add_argument("--connections", type=int, default=16)
    service_bench.add_argument("--port", type=int, default=8731)
    service_bench.set_defaults(run=_run_bench_service)
    booking_bench = benches.add_parser(
        "booking", help="offers through the API on a busy week, a week of bookings then the solves, callers racing"
    )
    booking_bench.add_argument("--nurses", type=int, default=40)
    booking_bench.add_argument("--visits", type=int, default=300, help="visits a day")
    booking_bench.add_argument(
        "--booked", type=int, default=200, help="visits a day of the week region before its bookings (room for them)"
    )
    booking_bench.add_argument("--days", type=int, default=7)
    booking_bench.add_argument("--requests", type=int, default=100, help="offer requests timed")
    booking_bench.add_argument("--bookings", type=int, default=300, help="offers taken one by one, then the days solved")
    booking_bench.add_argument("--callers", type=int, default=50, help="callers racing for one morning")
    booking_bench.add_argument("--time-limit", type=float, default=10.0, help="each day's solve")
    booking_bench.add_argument("--seed", type=int, default=1)
    booking_bench.add_argument("--port", type=int, default=8732)
    booking_bench.set_defaults(run=_run_bench_booking)


def _day_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nurses", type=int, default=30)
    parser.add_argument("--visits", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--date", default=None, help="YYYY-MM-DD (default: a fixed date, so seeds reproduce)")
    parser.add_argument("--metro", default="denver", help=f"one of: {METRO_NAMES}")


def _shape_arguments(parser: argparse.ArgumentParser, odd: bool = False) -> None:
    parser.add_argument("--shapes", default="standard", help=f"kinds of day, comma-separated: {SHAPE_NAMES}")
    odd_days = " or odd (harness.generate_odd_day: city and shape drawn from the seed; --shapes unused)" if odd else ""
    parser.add_argument("--metro", default="denver", help=f"one of: {METRO_NAMES}{odd_days}")


def _week_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--nurses", type=int, default=40)
    parser.add_argument("--visits", type=int, default=300, help="visits a day")
    parser.add_argument("--weeks", type=int, default=2)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--metro", default="denver", help=f"one of: {METRO_NAMES}")
    parser.add_argument("--course-share", type=float, default=0.25, help="share of each day's visits that are course sessions")
    parser.add_argument("--min-gap", default="2,4", help="range of courses' minimum gaps in days")
    parser.add_argument("--extra-gap", default="2,5", help="range of max gap minus min gap in days")
    parser.add_argument("--long-drips", action="store_true", help="more NAD drips (2-3 hours) among course sessions")
    parser.add_argument("--time-limit", type=float, default=180.0)


def _run_generate_week(args: argparse.Namespace) -> int:
    from harness.generate_week import generate_week

    if args.nurses < 1 or args.visits < 1 or args.weeks < 1 or not 0 <= args.course_share <= 1:
        raise InputError("--nurses, --visits and --weeks must be at least 1; --course-share between 0 and 1")
    min_gap, extra_gap = _integers(args.min_gap, "--min-gap"), _integers(args.extra_gap, "--extra-gap")
    if len(min_gap) != 2 or len(extra_gap) != 2 or min_gap[0] < 1 or extra_gap[0] < 0:
        raise InputError("--min-gap and --extra-gap are ranges LOW,HIGH (min gap at least 1 day)")
    _known_metro(args.metro)
    doc = generate_week(
        nurses=args.nurses,
        visits_per_day=args.visits,
        weeks=args.weeks,
        seed=args.seed,
        metro=args.metro,
        course_share=args.course_share,
        min_gap=(min_gap[0], min_gap[1]),
        extra_gap=(extra_gap[0], extra_gap[1]),
        long_drips=args.long_drips,
        time_limit_s=args.time_limit,
    )
    write_json(doc, args.output)
    return 0


def _run_generate_vrptw(args: argparse.Namespace) -> int:
    from harness.vrptw_generate import generate_vrptw

    kinds = [kind.strip().upper() for kind in args.kinds.split(",")]
    seeds = _integers(args.seeds, "--seeds")
    try:  # every instance first, so a bad kind or size writes nothing
        texts = [generate_vrptw(kind, args.customers, seed) for kind in kinds for seed in seeds]
    except ValueError as error:
        raise InputError(f"--kinds, --customers or --seeds: {error}") from None
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for text in texts:  # the name is the first line, as in Solomon's files
        (out / f"{text.splitlines()[0]}.txt").write_text(text)
    print(f"{len(texts)} instances of {args.customers} customers written to {out}", file=sys.stderr)
    return 0


def _run_bench_week(args: argparse.Namespace) -> int:
    from harness.bench.week import parse_shape, run_week_bench

    try:
        shapes = [parse_shape(text) for text in args.shape]
    except ValueError as error:
        raise InputError(str(error)) from None
    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    return run_week_bench(shapes, _integers(args.seeds, "--seeds"), args.workers, not args.no_replan, args.out)


def _generated(args: argparse.Namespace, shape: str = "standard") -> dict[str, Any]:
    from harness.generate import generate_day

    if args.nurses < 1 or args.visits < 1:
        raise InputError("--nurses and --visits must be at least 1")
    _known_metro(args.metro)
    _known_shapes([shape])
    return generate_day(
        nurses=args.nurses,
        visits=args.visits,
        seed=args.seed,
        metro=args.metro,
        shape=shape,
        **({"day": args.date} if args.date else {}),
    )


def _known_metro(name: str) -> None:
    """An InputError naming the metros we know unless `name` is one of them."""
    from harness.generate import metro_named

    try:
        metro_named(name)
    except ValueError as error:
        raise InputError(str(error)) from None


def _known_shapes(names: list[str]) -> list[str]:
    """The shape names, each checked against harness.generate.SHAPES (an InputError listing them otherwise)."""
    from harness.generate import shape_named

    try:
        return [shape_named(name).name for name in names]
    except ValueError as error:
        raise InputError(str(error)) from None


def _run_generate(args: argparse.Namespace) -> int:
    write_json(_generated(args, args.shape), args.output)
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    if not args.offline:
        return _run_demo_online(args)
    doc = _generated(args)
    print(
        f"demo day {doc['date']} ({doc['timezone']}): {len(doc['nurses'])} nurses, {len(doc['visits'])} visits; "
        f"solving for {args.time_limit:g} s",
        file=sys.stderr,
    )
    roster = solve_and_report(doc, args.time_limit, quiet=False)
    if args.output:
        write_json(roster, args.output)
        print(f"roster written to {args.output}", file=sys.stderr)
    return 0


def _run_demo_online(args: argparse.Namespace) -> int:
    from cli.service import database, logging_to_stderr, settings
    from harness.demo import DemoError, serve_demo

    _known_metro(args.metro)
    logging_to_stderr(quiet=True)  # the demo prints its own summary
    try:
        return serve_demo(
            settings(),
            database(),
            metro=args.metro,
            nurses=args.nurses,
            visits=args.visits,
            seed=args.seed,
            time_limit=args.time_limit,
            host=args.host,
            port=args.port,
        )
    except DemoError as error:
        raise InputError(str(error)) from None


# ---------------------------------------------------------------- benchmarks


def _run_bench_durations(args: argparse.Namespace) -> int:
    from harness.bench.durations import SHAPES, markdown, replay

    if min(args.seeds, args.patients, args.sessions) < 1:
        raise InputError("--seeds, --patients and --sessions must be at least 1")
    rows = [replay(shape, seed, args.patients, args.sessions) for shape in SHAPES for seed in range(1, args.seeds + 1)]
    print(markdown(rows))
    return 0


def _run_bench_solomon(args: argparse.Namespace) -> int:
    from harness.bench.runners import run_solomon

    return run_solomon(
        args.files,
        args.time_limit,
        args.out,
        [a for a in args.anchors.split(",") if a],
        args.seed,
        args.workers,
        args.metaheuristic,
    )


def _run_bench_report(args: argparse.Namespace) -> int:
    from harness.bench.runners import solomon_report

    if not Path(args.csv).is_file():
        raise InputError(f"cannot read {args.csv}")
    print(solomon_report(args.csv))
    return 0


def _run_bench_travel(args: argparse.Namespace) -> int:
    from harness.bench.runners import run_travel

    if args.locations < 1 or args.repeats < 1:
        raise InputError("--locations and --repeats must be at least 1")
    return run_travel(args.locations, args.repeats)


def _run_bench_roads(args: argparse.Namespace) -> int:
    from harness.bench.roads import run_roads
    from harness.bench.runners import parse_size

    try:
        sizes = tuple(int(size) for size in args.sizes.split(","))
        day = parse_size(args.day)
    except ValueError as error:
        raise InputError(f"--sizes or --day: {error}") from None
    return run_roads(sizes, day, args.seed)


def _run_bench_days(args: argparse.Namespace) -> int:
    from harness.bench.runners import parse_size, run_days

    try:
        sizes = [parse_size(text) for text in args.size]
    except ValueError as error:
        raise InputError(str(error)) from None
    seeds = _integers(args.seeds, "--seeds")
    if args.vroom_threads < 1:
        raise InputError("--vroom-threads must be at least 1")
    shapes = _known_shapes(args.shapes.split(","))
    if args.metro != "odd":  # odd: harness.generate_odd_day's days, each drawing its own city and shape
        _known_metro(args.metro)
    return run_days(
        sizes,
        seeds,
        None if args.no_vroom else args.vroom_level,
        args.out,
        args.workers,
        shapes=shapes,
        metro=args.metro,
        vroom_threads=args.vroom_threads,
    )


def _run_bench_vroom_levels(args: argparse.Namespace) -> int:
    from harness.bench.runners import parse_size, run_vroom_levels

    try:
        sizes = [parse_size(text) for text in args.size]
    except ValueError as error:
        raise InputError(str(error)) from None
    shapes = _known_shapes(args.shapes.split(","))
    _known_metro(args.metro)
    return run_vroom_levels(
        sizes, _integers(args.seeds, "--seeds"), _integers(args.levels, "--levels"), args.threads, shapes, args.metro
    )


def _run_bench_plans(args: argparse.Namespace) -> int:
    from harness.bench.plans import run_plans_bench

    counts = _integers(args.workers, "--workers")
    return run_plans_bench(args.nurses, args.visits, args.days, args.time_limit, counts, args.port)


def _run_bench_throughput(args: argparse.Namespace) -> int:
    from harness.bench.throughput import run_throughput

    counts = _integers(args.workers, "--workers")
    if args.regions < 1 or args.nurses < 1 or args.visits < 1 or args.time_limit <= 0 or min(counts) < 1:
        raise InputError("--regions, --nurses, --visits and --workers must be at least 1; --time-limit above 0")
    return run_throughput(args.regions, args.nurses, args.visits, args.time_limit, counts, args.port)


def _run_bench_replan(args: argparse.Namespace) -> int:
    from harness.bench.replan import markdown, publish, run_scenario, scenarios, time_urgent
    from harness.bench.runners import parse_size
    from harness.generate import generate_day

    try:
        sizes = [parse_size(text) for text in args.size]
    except ValueError as error:
        raise InputError(str(error)) from None
    if args.time_limit <= 0:
        raise InputError("--time-limit must be greater than 0")
    rows, timings = [], []
    for nurses, visits, seconds in sizes:
        label = f"{nurses}/{visits}"
        day = parse_problem(generate_day(nurses=nurses, visits=visits, seed=args.seed))
        events = scenarios(day, publish(day, seconds), args.seed)
        for scenario in events:
            rows += run_scenario(label, scenario, args.time_limit)
            print(f"{label} {scenario.name}: done", file=sys.stderr, flush=True)
        timings.append(time_urgent(label, events))
    print(markdown(rows, timings))
    return 0 if all(row.feasible for row in rows) else 1


def _integers(text: str, option: str) -> list[int]:
    """'1,2,4' → [1, 2, 4]; anything else is an InputError naming the option."""
    try:
        return [int(part) for part in text.split(",")]
    except ValueError:
        raise InputError(f"{option} must be whole numbers separated by commas, e.g. 1,2,4; got {text!r}") from None


def _run_bench_service(args: argparse.Namespace) -> int:
    from harness.bench.service import run_service_bench

    if args.nurses < 1 or args.visits < 1 or args.time_limit <= 0 or args.seconds <= 0 or args.connections < 1:
        raise InputError("--nurses, --visits, --connections must be at least 1; --time-limit and --seconds above 0")
    return run_service_bench(args.nurses, args.visits, args.time_limit, args.seconds, args.connections, args.port)


def _run_bench_booking(args: argparse.Namespace) -> int:
    from harness.bench.booking import run_booking_bench

    return run_booking_bench(
        args.nurses,
        args.visits,
        args.booked,
        args.days,
        args.requests,
        args.bookings,
        args.callers,
        args.time_limit,
        args.port,
        args.seed,
    )

"""Road datasets: `roads build` (an OpenStreetMap extract → an OSRM dataset) and `region roads` (a region's dataset)."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from cli.errors import InputError


def add_arguments(commands: argparse._SubParsersAction) -> None:
    roads = commands.add_parser("roads", help="road datasets for real travel times (OSRM)")
    roads_commands = roads.add_subparsers(dest="roads_command", required=True)
    build = roads_commands.add_parser("build", help="prepare a road dataset from an OpenStreetMap extract (.osm.pbf)")
    build.add_argument("extract", type=Path, help="a region's .osm.pbf from any extract provider (e.g. Geofabrik)")
    build.add_argument(
        "--out", type=Path, required=True, help="the dataset's folder: NURSE_DISPATCH_ROADS_DIR/<name> for a region to use it"
    )
    build.set_defaults(run=run_roads_build)
    serve = roads_commands.add_parser(
        "serve", help="serve a dataset's table API over HTTP (osrm-routed from the same wheel), for NURSE_DISPATCH_ROADS_URL"
    )
    serve.add_argument("dataset", type=Path, help="the dataset's folder (made by `roads build`)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=5000)
    serve.set_defaults(run=run_roads_serve)

    region = commands.add_parser("region", help="regions' settings (works without a running server)")
    region_commands = region.add_subparsers(dest="region_command", required=True)
    roads_of = region_commands.add_parser("roads", help="name a region's road dataset (a folder under NURSE_DISPATCH_ROADS_DIR)")
    roads_of.add_argument("--region", required=True)
    chosen = roads_of.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--dataset", help="the dataset's folder name")
    chosen.add_argument("--none", action="store_true", help="no dataset: the geodesic model")
    roads_of.set_defaults(run=run_region_roads)


def run_roads_build(args: argparse.Namespace) -> int:
    from dispatch.platform.roads import ATTRIBUTION, build_dataset

    began = time.perf_counter()
    try:
        base = build_dataset(args.extract, args.out)
    except (FileNotFoundError, RuntimeError) as error:
        raise InputError(str(error)) from None
    print(f"road dataset {base} built in {time.perf_counter() - began:.1f} s\n{ATTRIBUTION}")
    return 0


def run_roads_serve(args: argparse.Namespace) -> int:
    """Run osrm-routed on the dataset until stopped: one shared routing server instead of a dataset per worker."""
    import os
    import sys

    from dispatch.platform.roads import HTTP_BLOCK, RoadsUnavailable, dataset_base

    try:
        base = dataset_base(args.dataset)
    except RoadsUnavailable as error:
        raise InputError(str(error)) from None
    command = [sys.executable, "-m", "osrm", "routed", "--algorithm", "ch", "--ip", args.host, "--port", str(args.port)]
    # The provider asks in blocks of HTTP_BLOCK sources and destinations: the table must take both at once.
    command += ["--max-table-size", str(2 * HTTP_BLOCK), str(base)]
    os.execv(sys.executable, command)
    return 0  # not reached: the process is osrm-routed now


def run_region_roads(args: argparse.Namespace) -> int:
    from cli.service import on_database
    from dispatch.platform import audit
    from dispatch.records.regions import set_roads_dataset

    def change(conn, who: str) -> dict:
        row = set_roads_dataset(conn, args.region, None if args.none else args.dataset)
        audit.record(conn, who, "update", f"region/{args.region}", roads_dataset=row["roads_dataset"])
        return row

    row = on_database(change)
    print(f"region {row['id']}: " + (f"road dataset {row['roads_dataset']}" if row["roads_dataset"] else "geodesic model"))
    return 0

"""The benchmark commands as a user runs them: one instance, real files out, a report from them."""

from __future__ import annotations

import csv
import importlib.util

import pytest

from harness.bench.runners import solomon_class
from tests.cli.test_cli import run
from tests.conftest import SHARED

SOLOMON = SHARED / "benchmarks" / "solomon"


@pytest.mark.skipif(not SOLOMON.is_dir(), reason="../shared/benchmarks/solomon is not beside the checkout")
def test_bench_solomon_writes_solutions_and_a_csv_then_a_report(tmp_path):
    out = tmp_path / "out"
    result = run("bench", "solomon", str(SOLOMON / "C101.txt"), "--time-limit", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    solution = (out / "C101.sol").read_text()
    assert solution.startswith("Route #1:") and "Cost " in solution
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert rows[0]["instance"] == "C101" and rows[0]["feasible"] == "True"
    assert float(rows[0]["gap_percent"]) < 5.0  # C101 is easy: the BKS is 827.3
    report = run("bench", "report", str(out / "results.csv"))
    assert report.returncode == 0 and "| nurse-dispatch | 1 | 1 |" in report.stdout


def test_bench_travel_reports_time_and_memory():
    result = run("bench", "travel", "--locations", "500", "--repeats", "2")
    assert result.returncode == 0
    assert "500 locations: matrix 500×500" in result.stderr and "peak RSS" in result.stderr


def test_bench_days_rejects_a_malformed_size():
    result = run("bench", "days", "--size", "40by300")
    assert result.returncode == 2 and "must look like NURSESxVISITS:SECONDS" in result.stderr


def test_bench_days_writes_one_row_per_size_shape_and_seed(tmp_path):
    out = tmp_path / "days.csv"
    result = run(
        "bench", "days", "--size", "3x10:0.5", "--shapes", "standard,drips", "--seeds", "1",
        "--metro", "seattle", "--vroom-level", "0", "--vroom-threads", "1", "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    assert [(row["shape"], row["metro"], row["seed"]) for row in rows] == [
        ("standard", "seattle", "1"),
        ("drips", "seattle", "1"),
    ]
    assert all(row["ours_feasible"] == "True" and row["vroom_threads"] == "1" for row in rows)
    assert "3/10 drips: weight left out over 1 seeds" in result.stderr


def test_bench_days_on_odd_days_draws_each_day_from_its_seed(tmp_path):
    out = tmp_path / "odd.csv"
    result = run(
        "bench", "days", "--size", "4x12:0.5", "--metro", "odd", "--seeds", "3,4", "--vroom-level", "0", "--out", str(out)
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(out.open()))
    assert [(row["shape"], row["metro"], row["seed"]) for row in rows] == [("odd", "odd", "3"), ("odd", "odd", "4")]
    assert all(row["ours_feasible"] == "True" for row in rows)


def test_bench_days_refuses_an_unknown_shape_naming_the_known_ones():
    result = run("bench", "days", "--size", "3x10:0.5", "--shapes", "standard,weekend")
    assert result.returncode == 2 and "unknown shape 'weekend'" in result.stderr and "corridor" in result.stderr


def test_bench_vroom_levels_reports_each_shape():
    result = run(
        "bench", "vroom-levels", "--size", "3x10:0", "--shapes", "lunch,triage", "--seeds", "2", "--levels", "0", "--threads", "1"
    )
    assert result.returncode == 0, result.stderr
    assert "| 3/10 | lunch | denver | 2 | 0 | 1 |" in result.stdout and "| 3/10 | triage | denver | 2 | 0 | 1 |" in result.stdout


def test_bench_solomon_on_a_generated_instance_reports_distance_ratios_and_no_gap(tmp_path):
    instances, out = tmp_path / "instances", tmp_path / "out"
    assert run("generate-vrptw", "--kinds", "R1", "--customers", "25", "--seeds", "1", "--out", str(instances)).returncode == 0
    anchors = ["--anchors", "pyvrp"] if importlib.util.find_spec("pyvrp") else []
    result = run("bench", "solomon", str(instances / "G1_R1_25c_s1.txt"), "--time-limit", "1", "--out", str(out), *anchors)
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader((out / "results.csv").open()))
    assert [(row["instance"], row["gap_percent"], row["feasible"]) for row in rows][0] == ("G1_R1_25C_S1", "", "True")
    assert "gap -" in result.stderr and "no best-known values" in result.stderr
    report = run("bench", "report", str(out / "results.csv"))
    assert report.returncode == 0, report.stderr
    assert "distance ÷ nurse-dispatch" in report.stdout and "nan" not in report.stdout
    assert "| nurse-dispatch | 1 | 1 | – | – | – | – | – | – | – | 1.0000 |" in report.stdout


@pytest.mark.parametrize(
    ("name", "klass"),
    [("C101", "C1"), ("RC208", "RC2"), ("R1_2_1", "R1"), ("RC2_2_10", "RC2"), ("G1_C2_2_S3", "C2"), ("G1_RC1_25C_S1", "RC1")],
)
def test_report_classes_solomon_gh_and_generated_names(name, klass):
    assert solomon_class(name) == klass

"""`generate-week`, `plan-week` and `bench week` as a user runs them: a real process, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from harness.bench.week import parse_shape
from harness.generate_odd_week import generate_odd_week
from harness.generate_week import generate_week
from solver.week import check_week, parse_week

REPO = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "cli.main", *args], capture_output=True, text=True, cwd=REPO, env=env, timeout=300
    )


def test_generate_week_then_plan_week_writes_a_checked_plan(tmp_path):
    week, plan = tmp_path / "week.json", tmp_path / "plan.json"
    generated = run("generate-week", "--nurses", "4", "--visits", "12", "--weeks", "1", "--seed", "3", "-o", str(week))
    assert generated.returncode == 0, generated.stderr
    planned = run("plan-week", str(week), "-o", str(plan), "--time-limit", "4")
    assert planned.returncode == 0, planned.stderr
    assert "course continuity" in planned.stderr
    document = json.loads(plan.read_text())
    assert list(document["days"]) == ["2026-12-07", "2026-12-08", "2026-12-09", "2026-12-10", "2026-12-11"]
    assert check_week(parse_week(json.loads(week.read_text())), document) == []


def test_a_bad_week_document_exits_2_naming_the_field(tmp_path):
    doc = generate_week(nurses=2, visits_per_day=4, weeks=1, seed=1)
    doc["courses"][0]["sessions"].append("V9")
    week = tmp_path / "week.json"
    week.write_text(json.dumps(doc))
    result = run("plan-week", str(week))
    assert result.returncode == 2
    assert f"courses[0].sessions[{len(doc['courses'][0]['sessions']) - 1}]: unknown visit V9" in result.stderr
    assert "Traceback" not in result.stderr


def test_bench_shapes_read_metro_and_drips():
    shape = parse_shape("20x120x1:60:atlanta:drips")
    assert (shape.nurses, shape.visits_per_day, shape.weeks, shape.seconds, shape.metro, shape.long_drips) == (
        20,
        120,
        1,
        60.0,
        "atlanta",
        True,
    )


def test_bench_week_runs_weeks_drawn_unlike_the_generator_beside_the_baseline(tmp_path):
    out = tmp_path / "odd.csv"
    result = run("bench", "week", "--shape", "3x4x1:5:odd", "--seeds", "2", "--no-replan", "--out", str(out))
    assert result.returncode == 0, result.stderr
    row = out.read_text().splitlines()[1].split(",")
    assert row[0] == "odd 3x4x1w" and row[4] == "0"  # shape, violations
    assert int(row[2]) == len(parse_week(generate_odd_week(2, 3, 4, 7, 5.0)).visits)


def test_bench_plans_fans_a_week_plans_days_out_across_workers():
    """A real server, real workers and embedded PostgreSQL: with two workers, both route days of the one plan."""
    result = run("bench", "plans", "--nurses", "4", "--visits", "12", "--days", "3", "--time-limit", "6", "--workers", "1,2")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [(row["workers"], row["state"]) for row in rows] == [(1, "succeeded"), (2, "succeeded")]
    assert sum(rows[0]["days_per_worker"].values()) == 3 and len(rows[0]["days_per_worker"]) == 1
    assert sum(rows[1]["days_per_worker"].values()) == 3 and len(rows[1]["days_per_worker"]) == 2

"""`nurse-dispatch bench replan` as a user runs it, on a tiny day."""

from __future__ import annotations

from tests.cli.test_cli import run


def test_bench_replan_prints_a_table_of_every_scenario_and_engine():
    result = run("bench", "replan", "--size", "6x30:1", "--time-limit", "0.5")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 6/30 |")]
    assert len(rows) == 5 * 3 + 1  # five scenarios × (roster in force, replan, from scratch), then the urgent timing
    assert all(row.endswith("| yes |") for row in rows[:-1])  # every roster passed the checker
    replanned = [row for row in rows if "| replan |" in row]
    assert len(replanned) == 5 and "urgent slots ranked" in result.stdout


def test_bench_replan_rejects_a_malformed_size():
    result = run("bench", "replan", "--size", "6by30")
    assert result.returncode == 2 and "must look like NURSESxVISITS:SECONDS" in result.stderr

"""`nurse-dispatch bench durations` as a user runs it, on a small replay."""

from __future__ import annotations

from harness.bench.durations import replay
from tests.cli.test_cli import run


def test_bench_durations_prints_a_row_per_shape_and_seed():
    result = run("bench", "durations", "--seeds", "2", "--patients", "20", "--sessions", "4")
    assert result.returncode == 0, result.stderr
    rows = [line for line in result.stdout.splitlines() if line.startswith("| ") and "| 80 |" in line]
    assert len(rows) == 3 * 2


def test_learned_durations_cut_late_visits_when_patients_differ():
    row = replay("slow patients", seed=1, patients=40, sessions_each=8)
    assert row.late_learned < row.late_fixed

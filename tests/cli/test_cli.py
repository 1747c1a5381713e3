"""The `nurse-dispatch` command as a user runs it: a real process, real files, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BASE_DOCUMENT

COMMAND = [sys.executable, "-m", "cli.main"]
REPO = Path(__file__).resolve().parents[2]


def run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([*COMMAND, *args], input=stdin, capture_output=True, text=True, cwd=REPO, env=env, timeout=120)


def test_solve_writes_a_roster_and_prints_a_table(tmp_path):
    problem = tmp_path / "day.json"
    problem.write_text(json.dumps(BASE_DOCUMENT))
    roster_path = tmp_path / "roster.json"
    result = run("solve", str(problem), "-o", str(roster_path), "--time-limit", "1")
    assert result.returncode == 0, result.stderr
    roster = json.loads(roster_path.read_text())
    assert roster["summary"]["assigned"] == 3
    assert roster["routes"][0]["stops"][0]["start"] == "2026-12-01T09:00:00-07:00"
    assert "N2 Bea" in result.stderr and "assigned 3, unassigned 0" in result.stderr


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "is not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2"),
        (
            json.dumps(
                {
                    **BASE_DOCUMENT,
                    "visits": [{"id": "V1", "location": {"index": 2}, "window": {"start": "10:00", "end": "09:00"}}],
                }
            ),
            "visits[0].window: end 09:00 is before start 10:00",
        ),
        (json.dumps({**BASE_DOCUMENT, "travel": {"durations_s": [[0, 1], [1, 0]]}}), "nurses[1].start.index: 1 is outside"),
    ],
)
def test_bad_input_exits_2_with_the_field_and_no_traceback(tmp_path, content, message):
    problem = tmp_path / "bad.json"
    problem.write_text(content)
    result = run("solve", str(problem))
    assert result.returncode == 2
    assert message in result.stderr or (message.startswith("nurses") and "is outside" in result.stderr)
    assert "Traceback" not in result.stderr


def test_missing_file_exits_2():
    result = run("solve", "/nonexistent/day.json")
    assert result.returncode == 2 and "cannot read /nonexistent/day.json" in result.stderr


def test_generate_is_seeded_and_solvable(tmp_path):
    first = run("generate", "--nurses", "6", "--visits", "30", "--seed", "4")
    second = run("generate", "--nurses", "6", "--visits", "30", "--seed", "4")
    assert first.returncode == 0 and first.stdout == second.stdout
    day = tmp_path / "day.json"
    day.write_text(first.stdout)
    solved = run("solve", str(day), "--time-limit", "1", "--quiet")
    roster = json.loads(solved.stdout)
    assert roster["summary"]["assigned"] + roster["summary"]["unassigned"] == 30


def test_generate_draws_the_shape_and_metro_asked_for():
    result = run("generate", "--nurses", "4", "--visits", "20", "--shape", "capped", "--metro", "houston")
    assert result.returncode == 0, result.stderr
    day = json.loads(result.stdout)
    assert day["timezone"] == "America/Chicago" and {nurse["max_visits"] for nurse in day["nurses"]} == {8}
    refused = run("generate", "--shape", "weekend")
    assert refused.returncode == 2 and "unknown shape 'weekend' (known: standard, drips" in refused.stderr


def test_help_names_the_generators_own_shapes_and_metros():
    from cli.harness_commands import METRO_NAMES, SHAPE_NAMES
    from harness.generate import METROS, SHAPES

    assert SHAPE_NAMES == ", ".join(SHAPES)
    assert METRO_NAMES == ", ".join(METROS)


def test_demo_solves_a_generated_day():
    result = run("demo", "--offline", "--nurses", "8", "--visits", "50", "--time-limit", "2")
    assert result.returncode == 0, result.stderr
    assert "8 nurses, 50 visits" in result.stderr and "assigned" in result.stderr


def test_a_nurse_with_overtime_is_solved_with_progress_reported(tmp_path):
    """OR-Tools aborted the process when a solution was reported before an overtime cost was fixed (CostVar().Value())."""
    document = {
        "date": "2026-12-07",
        "timezone": "America/Denver",
        "nurses": [
            {
                "id": "N1",
                "start": {"lat": 39.74, "lon": -104.99},
                "shift": {"start": "08:00", "end": "16:00"},
                "skills": ["iv", "rn"],
                "overtime": {"max_min": 30, "cost_per_min_s": 90},
            }
        ],
        "visits": [{"id": "V1", "location": {"lat": 39.75, "lon": -104.98}, "window": {"start": "09:00", "end": "12:00"}}],
        "options": {"time_limit_s": 1},
    }
    path = tmp_path / "overtime.json"
    path.write_text(json.dumps(document))
    result = run("solve", str(path))  # progress is reported unless --quiet
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["summary"]["assigned"] == 1

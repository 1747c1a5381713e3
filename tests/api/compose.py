"""The commands docker-compose.yml runs, so the tests run exactly those (docker itself is not available here)."""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

COMPOSE = yaml.safe_load((Path(__file__).resolve().parents[2] / "docker-compose.yml").read_text())


def service_command(service: str, **replace: str) -> list[str]:
    """The service's command, runnable here: `nurse-dispatch` as this interpreter's module, options replaced."""
    command = list(COMPOSE["services"][service]["command"])
    assert command[0] == "nurse-dispatch"
    for option, value in replace.items():
        flag = "--" + option.replace("_", "-")
        command[command.index(flag) + 1] = value
    return [sys.executable, "-m", "cli.main", *command[1:]]

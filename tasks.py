#!/usr/bin/env python3
"""Set-up and entry commands for a fresh machine: `python3 tasks.py demo`, `test` or `lint`.

Creates (or reuses) the virtual environment in .venv/ at the repository root, installs the
project into it when pyproject.toml has changed, then runs the command.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
EXTRAS = {"demo": "", "test": "[dev,bench]", "lint": "[dev,bench]"}
# The gates `lint` runs (CI runs them before the tests; .pre-commit-config.yaml runs the same).
LINTERS = (["ruff", "format", "--check", "."], ["ruff", "check", "."], ["mypy"])


def ensure_environment(extras: str) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this file runs under whatever python3 the user has
        sys.exit(f"Python 3.11 or newer is needed, this is {sys.version.split()[0]}")
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    fingerprint = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed{extras or '[]'}"
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    print(f"installing nurse-dispatch{extras} into {VENV}", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}{extras}"], check=True)
    stamp.write_text(fingerprint)


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in EXTRAS:
        print("usage: python3 tasks.py demo [demo options] | test [pytest options] | lint", file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_environment(EXTRAS[command])
    os.chdir(ROOT)
    if command == "demo":
        return subprocess.call([str(BIN / "nurse-dispatch"), "demo", *rest])
    if command == "lint":
        failed = [" ".join(linter) for linter in LINTERS if subprocess.call([str(BIN / linter[0]), *linter[1:]]) != 0]
        if failed:
            print(f"lint failed: {', '.join(failed)}", file=sys.stderr)
        return 1 if failed else 0
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *rest])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

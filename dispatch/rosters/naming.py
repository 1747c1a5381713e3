"""The solver names a day's nurses and visits by their place in its lists (`nurses[1].break.window`); a dispatcher
acts on names. Every day problem the service builds is read through `parse_day`, so its errors say who."""

from __future__ import annotations

import re
from typing import Any

from solver import Problem, ProblemError, parse_problem

_INDEXED = re.compile(r"^(nurses|visits)\[(\d+)\]\.?")


def named_path(document: dict[str, Any], path: str) -> str:
    """`nurses[1].break.window` → `Ana (nurse 12): break.window`; `visits[3].window` → `visit 42 (Hydration drip): window`."""
    match = _INDEXED.match(path)
    if match is None:
        return path
    kind, index, rest = match[1], int(match[2]), path[match.end() :]
    entries = document.get(kind)
    if not isinstance(entries, list) or index >= len(entries) or not isinstance(entries[index], dict):
        return path
    entry = entries[index]
    if kind == "nurses":
        who = f"{entry.get('name') or 'nurse'} (nurse {entry.get('id')})"
    else:
        who = f"visit {entry.get('id')}" + (f" ({entry['service']})" if entry.get("service") else "")
    return f"{who}: {rest}" if rest else who


def parse_day(document: dict[str, Any]) -> Problem:
    """The solver's problem of a day the service built; a ProblemError names the nurse or visit at fault."""
    try:
        return parse_problem(document)
    except ProblemError as error:
        raise ProblemError(named_path(document, error.path), error.problem) from None

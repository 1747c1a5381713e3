"""The house's import rules: data flows one way (cli/harness → api → dispatch → solver) and nothing imports in a circle.

Every import counts, at module level or inside a function: a cycle hidden in a function is still a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("solver", "dispatch", "api", "cli", "harness")
# What each package may not import.
FORBIDDEN = {
    "solver": {"dispatch", "api", "cli", "harness"},
    "dispatch": {"api", "cli", "harness"},
    "api": {"cli", "harness"},
    "harness": {"cli"},
    "cli": set(),
}


def _module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _modules() -> dict[str, Path]:
    return {
        _module_name(path): path
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if "migrations" not in path.parts
    }


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """The project modules that `name` imports (for `from a import b`, a.b when it is a module, else a)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            targets = [f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base for alias in node.names]
        else:
            continue
        found |= {target for target in targets if target.split(".")[0] in PACKAGES}
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) & known for name, path in modules.items()}


def test_each_package_imports_only_what_lies_below_it():
    broken = sorted(
        f"{name} imports {target}"
        for name, targets in _graph().items()
        for target in targets
        if target.split(".")[0] in FORBIDDEN[name.split(".")[0]]
    )
    assert broken == []


def test_no_module_imports_itself_through_others():
    graph = _graph()
    cycles, state = [], {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph[node]):
            if target == node:
                continue
            if state.get(target) == "open":
                cycles.append(" → ".join(stack[stack.index(target) :] + [target]))
            elif target not in state:
                visit(target, stack + [target])
        state[node] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


@pytest.mark.parametrize("package", PACKAGES)
def test_the_rule_sees_every_package(package):
    assert any(name.split(".")[0] == package for name in _graph()), f"no modules found in {package}/"

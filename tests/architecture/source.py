"""Reading the app's own source, for rules that are about calls rather than imports."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "requests_app"


@dataclass(frozen=True)
class Call:
    module: str  # e.g. "requests_app/alerts/tasks.py"
    line: int
    name: str  # the called attribute or name: "apply_async", "connect" …
    function: str  # the function the call stands in, "" at module level


def app_modules() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(APP.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        yield str(path.relative_to(APP.parent)), ast.parse(path.read_text(), str(path))


def calls(names: set[str]) -> list[Call]:
    """Every call, in the app's source, of a function or method with one of `names`."""
    found: list[Call] = []
    for module, tree in app_modules():
        found.extend(_calls_in(module, tree, names, function=""))
    return found


def _calls_in(module: str, node: ast.AST, names: set[str], *, function: str) -> Iterator[Call]:
    for child in ast.iter_child_nodes(node):
        inner = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) else None
        if isinstance(child, ast.Call):
            name = _called_name(child.func)
            if name in names:
                yield Call(module, child.lineno, name, function)
        yield from _calls_in(module, child, names, function=inner or function)


def _called_name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return None

"""Layering rules the import graph must keep, checked on the source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "streamkit"


def imports(path: Path) -> list[tuple[str, str]]:
    """(module, name) for every import in a file, type-checking-only ones included."""
    found: list[tuple[str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, "") for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            found += [(module, alias.name) for alias in node.names]
    return found


def test_errors_import_nothing_of_the_package() -> None:
    """streamkit.errors is the bottom layer: no import of streamkit, not even for typing."""
    modules = {module for module, _name in imports(PACKAGE / "errors.py")}
    assert {"__future__", "typing"} >= modules


@pytest.mark.parametrize("name", ["_engine/plan.py", "_engine/convert.py", "models/base.py"])
def test_no_private_names_of_other_modules(name: str) -> None:
    """These modules use other modules' public names only."""
    private = [
        (module, imported)
        for module, imported in imports(PACKAGE / name)
        if imported.startswith("_") and imported != "__future__"
    ]
    assert [] == private

"""Imports flow one way (ARCHITECTURE.md): standards ← package ← preservation, search ← ingest,
transfer ← earchive; preservation and search never import each other."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ALLOWED: dict[str, set[str]] = {
    "standards": set(),
    "package": {"standards"},
    "preservation": {"standards", "package"},
    "search": {"standards", "package"},
    "ingest": {"standards", "package", "preservation", "search"},
    "transfer": {"standards", "package", "preservation", "search", "ingest"},
    "earchive": {"standards", "package", "preservation", "search", "ingest", "transfer"},
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found & set(ALLOWED)


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_imports_flow_one_way(package: str) -> None:
    wrong = []
    for path in sorted((ROOT / package).rglob("*.py")):
        bad = _imports(path) - ALLOWED[package] - {package}
        if bad:
            wrong.append(f"{path.relative_to(ROOT)} imports {sorted(bad)}")
    assert not wrong, "\n".join(wrong)


def test_layering_test_sees_real_imports() -> None:
    # guard against a test that passes because it parses nothing
    assert "standards" in _imports(ROOT / "ingest" / "pipeline.py")

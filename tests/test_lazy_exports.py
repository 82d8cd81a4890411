"""Packages that load some exports on first use (a module ``__getattr__``) must never export a
name that is also one of their submodules' names: once that submodule is imported, by anyone,
Python binds the module to the package attribute and the name gives the module, not the object
(``preservation.checks.report_html`` did). Every submodule is loaded, then every export checked."""

from __future__ import annotations

import importlib
import pkgutil
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAZY_PACKAGES = sorted(
    init.parent.relative_to(ROOT).as_posix().replace("/", ".")
    for top in ("earchive", "ingest", "package", "preservation", "search", "standards", "transfer")
    for init in (ROOT / top).rglob("__init__.py")
    if "\ndef __getattr__(" in init.read_text(encoding="utf-8")
)


def test_the_lazy_packages_are_found() -> None:
    assert "preservation.checks" in LAZY_PACKAGES and "transfer" in LAZY_PACKAGES


@pytest.mark.parametrize("name", LAZY_PACKAGES)
def test_no_export_is_a_module_after_every_submodule_loaded(name: str) -> None:
    package = importlib.import_module(name)
    for info in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{name}.{info.name}")
    exported = getattr(package, "__all__", ())
    assert [n for n in exported if isinstance(getattr(package, n), types.ModuleType)] == []

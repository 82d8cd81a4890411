"""``preservation.checks`` loads its engine and reports on first use (``__getattr__``); a name it
exports must never be a submodule's name too: once that submodule is imported, Python binds the
module to the package attribute and the lazy name would give the module instead."""

from __future__ import annotations

import importlib
import pkgutil
import types

import preservation.checks as checks


def test_every_exported_name_is_its_object_after_every_submodule_loaded() -> None:
    for info in pkgutil.iter_modules(checks.__path__):
        importlib.import_module(f"{checks.__name__}.{info.name}")
    modules = [n for n in checks.__all__ if isinstance(getattr(checks, n), types.ModuleType)]
    assert modules == []
    assert callable(checks.report_html) and callable(checks.run_checks)

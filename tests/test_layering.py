"""The import rules hold on the project (``tests/layering.py``), and the checker reports each kind
of breach on a made-up tree — so a rule that silently stopped applying would fail here."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.layering import DOMAIN, PACKAGES, WINGS, graph, violations

ROOT = Path(__file__).resolve().parent.parent


def test_the_project_breaks_no_rule() -> None:
    assert violations(ROOT) == []


def test_the_checker_sees_real_imports() -> None:
    # guard against a test that passes because it parses nothing
    edges, found = graph(ROOT)
    assert "standards.findings" in edges["ingest.pipeline"]
    assert "earchive.core.archive" in edges["earchive.web.deps"]
    assert len(found) > 1000
    assert any(imp.source.startswith("preservation.checks") and imp.target.startswith(
        "preservation.checks.base") for imp in found)  # fmt: skip


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A minimal project: every package with an ``__init__`` declaring ``__all__``, plus
    ``files`` (path → source)."""
    for package in PACKAGES:
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("__all__: list[str] = []\n")
    for wing in WINGS[1:]:
        (tmp_path / "earchive" / wing).mkdir()
        (tmp_path / "earchive" / wing / "__init__.py").write_text("__all__: list[str] = []\n")
    (tmp_path / "earchive" / "settings.py").write_text("")
    for path, source in files.items():
        target = tmp_path / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(source))
    return tmp_path


def test_a_clean_tree_passes(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "transfer/eep.py": "from standards import x\nfrom package import y\n",
            "earchive/web/app.py": "import fastapi\nfrom earchive.core import archive\n",
            "earchive/cli/app.py": "import typer\nimport samples\nfrom earchive.web import app\n",
        },
    )
    assert violations(root) == []


@pytest.mark.parametrize(
    ("files", "reported"),
    [
        # transfer/ imports only standards and package — also inside a function
        ({"transfer/eep.py": "def f():\n    from search import index\n"}, "transfer may import"),
        ({"transfer/eep.py": "import ingest.pipeline\n"}, "transfer may import"),
        ({"preservation/a.py": "from search import index\n"}, "preservation may import"),
        ({"standards/a.py": "import package\n"}, "standards may import"),
        # a wing imports only the wings below it
        ({"earchive/web/routes.py": "from earchive.cli import app\n"}, "higher wing cli"),
        ({"earchive/core/a.py": "def f():\n    import earchive.services.x\n"}, "higher wing"),
        ({"earchive/services/a.py": "from earchive.access.access import Access\n"}, "higher"),
        # web and CLI frameworks stay in their wings
        ({"earchive/services/a.py": "from fastapi import Request\n"}, "fastapi belongs"),
        ({"preservation/a.py": "import typer\n"}, "typer belongs"),
        ({"earchive/web/a.py": "from rich.console import Console\n"}, "rich belongs"),
        # the sample generator is for the CLI only
        ({"earchive/services/a.py": "from samples.fonts import find\n"}, "sample generator"),
        # modules live in wings, packages declare __all__
        ({"earchive/helpers.py": ""}, "belongs in a wing"),
        ({"search/sub/__init__.py": "x = 1\n"}, "package without __all__"),
    ],
)
def test_each_breach_is_reported(tmp_path: Path, files: dict[str, str], reported: str) -> None:
    found = violations(_tree(tmp_path, files))
    assert any(reported in line for line in found), found


def test_circles_are_reported_with_relative_and_function_level_imports(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "preservation/checks/__init__.py": "__all__ = []\n",
            "preservation/checks/engine.py": "def registry():\n    from . import usability\n",
            "preservation/checks/usability.py": "from .engine import registry\n",
        },
    )
    found = violations(root)
    assert any(
        "circle" in line and "preservation.checks.engine" in line and "usability" in line
        for line in found
    ), found


def test_a_package_re_exporting_its_modules_is_no_circle(tmp_path: Path) -> None:
    root = _tree(
        tmp_path,
        {
            "search/__init__.py": "from .index import X\n__all__ = ['X']\n",
            "search/index.py": "from search.tables import T\nX = 1\n",
            "search/tables.py": "T = 1\n",
        },
    )
    assert violations(root) == []


def test_the_domain_order_is_the_architecture() -> None:
    assert DOMAIN["transfer"] == {"standards", "package"}
    assert "search" not in DOMAIN["preservation"] and "preservation" not in DOMAIN["search"]

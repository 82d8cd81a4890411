"""The code is lint-clean and formatted (ruff, with the settings in pyproject.toml): a style slip
fails the README's test command instead of waiting for someone to run ruff by hand."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> str:
    beside = Path(sys.executable).with_name("ruff")
    found = str(beside) if beside.is_file() else shutil.which("ruff")
    if found is None:
        pytest.skip("ruff is not installed (scripts/setup.sh installs it with the dev extras)")
    return found


@pytest.mark.parametrize(
    "args", [("check", "--no-fix"), ("format", "--check")], ids=["lint", "format"]
)
def test_ruff(args: tuple[str, ...]) -> None:
    proc = subprocess.run(
        [_ruff(), *args, "."], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]

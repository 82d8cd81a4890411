"""Fixtures for end-to-end tests: a generated set of sample cases (made once per session) and a
fresh archive home per test, driven through the real ``earchive`` command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.earchive.units import PASSPHRASE


@dataclass
class Cli:
    home: Path
    env: dict[str, str]

    def run(
        self, *args: str, check: bool | None = True, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        env = dict(self.env, **(extra_env or {}))
        proc = subprocess.run(
            [sys.executable, "-m", "earchive", *args],
            capture_output=True,
            text=True,
            env=env,
            timeout=600,
            check=False,
        )
        if check and proc.returncode != 0:
            raise AssertionError(
                f"earchive {' '.join(args)} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
            )
        return proc

    def json_lines(self, *args: str, **kw: object) -> list[dict[str, object]]:
        proc = self.run(*args, "--json", **kw)  # type: ignore[arg-type]
        return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def sample_cases(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve small generated case packages (ZIPs), made once for the session."""
    from samples import SMALL_PROFILE, generate

    dest = tmp_path_factory.mktemp("samples")
    generate(12, dest, seed=11, size_profile=SMALL_PROFILE)
    return dest


@pytest.fixture
def cli(tmp_path: Path) -> Cli:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
    env["EARCHIVE_HOME"] = str(tmp_path / "home")
    env["EARCHIVE_KEY_PASSPHRASE"] = PASSPHRASE  # keys imported in a test are kept encrypted
    return Cli(home=tmp_path / "home", env=env)


@pytest.fixture
def zips(sample_cases: Path) -> Callable[[], list[Path]]:
    return lambda: sorted(sample_cases.glob("*.zip"))

"""Starting the command line loads no service module only some commands need: every
``earchive ingest`` pays the start-up, so it is part of the CPU each case costs. Command modules
import their back ends inside the command functions; this fails when one moves back to the top."""

from __future__ import annotations

import json
import subprocess
import sys

#: heavy modules that only some commands need (check, transfer, worker, audit, reindex)
LAZY = (
    "preservation.checks",
    "earchive.services.transfer.sender",
    "earchive.jobs.tasks",
    "earchive.services.audit.service",
    "earchive.services.maintenance",
    "transfer.package",  # the exit-code table needs only ``transfer.errors``
)


def test_importing_the_cli_loads_no_command_back_end() -> None:
    code = "import earchive.cli, json, sys; print(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = set(json.loads(proc.stdout))
    assert "earchive.cli.app" in loaded
    assert [m for m in LAZY if m in loaded] == []


def test_what_an_ingest_run_loads_besides_the_cli() -> None:
    """The batch registration form every ingest writes needs no 四性 check engine (its items,
    PIL, the PDF/A reader), and a SQLite catalog no PostgreSQL dialect."""
    code = (
        "import earchive.cli, json, sys\n"
        "from earchive.services.checks.registration import BatchRegistrar\n"
        "print(json.dumps(sorted(sys.modules)))"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True
    )
    loaded = set(json.loads(proc.stdout))
    assert "preservation.checks.runs" in loaded
    unwanted = ("preservation.checks.engine", "PIL.Image", "sqlalchemy.dialects.postgresql")
    assert [m for m in unwanted if m in loaded] == []

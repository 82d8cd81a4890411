"""``earchive migrate --from PDF --to PDF/A-2b``: the plan, then a run killed for real
(SIGKILL) part-way and run again: every plain unsigned PDF gets exactly one copy, every archive
exactly one new version, ocfl-py finds the storage root valid and search still finds every
archive."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from ocfl.storage_root import StorageRoot

from tests.earchive.conftest import Cli

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("gs", "pdftotext")),
    reason="Ghostscript or poppler missing (scripts/setup.sh)",
)


def _plan(cli: Cli) -> dict[str, object]:
    lines = cli.json_lines("migrate", "--from", "PDF", "--to", "PDF/A-2b", "--dry-run")
    return lines[0]["plan"]  # type: ignore[return-value]


def test_migration_plans_resumes_after_a_kill_and_keeps_search(
    cli: Cli, zips: Callable[[], list[Path]]
) -> None:
    accepted = cli.json_lines("ingest", *map(str, zips()))
    ids = sorted(str(r["id"]) for r in accepted)
    plan = _plan(cli)
    assert plan["archives"] == len(ids) and plan["files"] > plan["archives"]
    assert plan["bytes"] > 0

    progress = cli.home / "migrations" / "PDF-to-PDF_A-2b.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "earchive", "migrate", "--from", "PDF", "--to", "PDF/A-2b"],
        env=cli.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if progress.is_file() and len(json.loads(progress.read_text("utf-8"))["done"]) >= 2:
            break
        time.sleep(0.05)
    assert proc.poll() is None, "the migration finished before it could be killed"
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    done_before = set(json.loads(progress.read_text("utf-8"))["done"])
    assert 2 <= len(done_before) < len(ids)

    resumed = cli.json_lines("migrate", "--from", "PDF", "--to", "PDF/A-2b")
    migrated_now = {str(r["id"]) for r in resumed if "id" in r}
    assert not migrated_now & done_before  # what the killed run finished is not done again
    assert not progress.exists()  # finished: the progress file is gone
    assert _plan(cli)["files"] == 0

    inventories = [
        json.loads(p.read_text("utf-8"))
        for p in (cli.home / "storage").rglob("inventory.json")
        if p.parent.name != "extensions" and not p.parent.name.startswith("v")
    ]
    assert sorted(inv["head"] for inv in inventories) == ["v2"] * len(ids)
    for inv in inventories:
        paths = [p for listed in inv["versions"]["v2"]["state"].values() for p in listed]
        copies = [p for p in paths if p.startswith("derived/")]
        assert copies and all(p.endswith(".pdf.pdf") for p in copies)
    root = StorageRoot(str(cli.home / "storage"))
    assert root.validate(check_digests=True, log_warnings=False)
    assert root.good_objects == root.num_objects == len(ids)
    for result in accepted:
        found = cli.json_lines("search", str(result["electronic_record_code"]))
        assert [r["id"] for r in found] == [result["id"]]

"""The catalog rows of an ingested version commit in the ingest's last transaction, with its
index job and the journal's ``done``: when that transaction fails nothing of it is visible (no
catalog row for a version the journal has not finished), and the next run completes it."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.settings import Settings
from ingest import journal
from ingest.pipeline import ingest_path, resume_pending


class _Refused(Exception):
    pass


def _refuse(_fonds: str) -> tuple[str, ...]:
    raise _Refused("the last transaction fails here")


def test_a_failed_last_transaction_leaves_no_catalog_row_and_is_resumed(
    tmp_path: Path, sample_cases: Path
) -> None:
    cases = tmp_path / "cases"
    shutil.copytree(sample_cases, cases)
    archive = Archive(Settings(home=tmp_path / "home", trust_dir=cases / "trust"))
    archive.init()
    ctx = archive.context()
    package = sorted(cases.glob("*.zip"))[0]
    # ``preservation_jobs`` is asked inside the last transaction, after the catalog rows
    failing = dataclasses.replace(ctx, preservation_jobs=_refuse)
    with pytest.raises(_Refused):
        ingest_path(package, failing)
    with ctx.engine.begin() as conn:
        [entry] = journal.pending(conn)
    assert entry.state == "stored"
    assert archive.catalog.get(entry.archive_id) is None
    assert archive.catalog.count() == 0

    [resumed] = resume_pending(ctx)
    assert resumed.status == "accepted" and resumed.id == entry.archive_id
    record = archive.catalog.get(entry.archive_id)
    assert record is not None and record.archival_code == entry.archival_code
    assert [v.version for v in archive.catalog.versions(entry.archive_id)] == [1]
    with ctx.engine.begin() as conn:
        assert journal.pending(conn) == []

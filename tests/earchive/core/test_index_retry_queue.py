"""An archive whose indexing was deferred is indexed by ``Archive.reindex_queued`` and leaves the
queue; one whose stored case cannot be read stays queued."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from earchive.core.archive import Archive
from earchive.settings import Settings
from ingest.indexing import queue_for_indexing, queued
from search import SearchQuery


def test_queued_archives_are_indexed_and_dequeued(
    tmp_path: Path, zips: Callable[[], list[Path]]
) -> None:
    archive = Archive(Settings(home=tmp_path / "home"))
    archive.init()
    [result] = list(archive.ingest(zips()[:1]))
    assert result.status == "accepted"
    record = next(archive.catalog.iter_archives())
    archive.index.delete(record.id)  # as if the index had been down during the ingest
    with archive.engine.begin() as conn:
        queue_for_indexing(conn, record.id)
        queue_for_indexing(conn, "no-such-archive")
    code = SearchQuery(text=record.archival_code)
    assert archive.search(code).total == 0

    assert archive.reindex_queued() == 1
    assert archive.search(code).total == 1
    assert queued(archive.engine) == ["no-such-archive"]  # nothing to index: left for `check`
    assert archive.reindex_queued() == 0

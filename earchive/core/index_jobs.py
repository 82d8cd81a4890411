"""The ``index`` job: queued index documents committed to the search index in one batch.

Each job's payload is the archive's index document (``ingest.indexing.document_payload``); a job
without a usable one (or an old one) is rebuilt from the originals in storage. The batch is one
``index_many`` call, so one commit: the jobs count as done only after it returned.
Reads: the catalog, storage (fallback). Writes: the search index. Raises nothing: failures come
back in the outcome (an unreachable index fails the whole batch).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import select

from ingest.indexing import INDEX_JOB, STORED_DOCUMENT_ERRORS, payload_document, stored_document
from ingest.work_queue import WorkItem, enqueue, pending_count
from preservation.ocfl_root import OcflRoot
from search.catalog import Catalog
from search.index import IndexDocument, SearchIndex, SearchIndexError
from search.segment import TOKENS_VERSION
from search.tables import archives

__all__ = ["BatchOutcome", "IndexSite", "index_jobs", "queue_unindexed"]


class IndexSite(Protocol):
    """What the index job needs of an archive (``earchive.core.archive.Archive`` has it)."""

    catalog: Catalog
    storage: OcflRoot
    index: SearchIndex


@dataclass
class BatchOutcome:
    """Which jobs of a batch are done (their work durable) and which failed, with why."""

    done: list[int] = field(default_factory=list)
    failed: dict[int, str] = field(default_factory=dict)
    stop: bool = False  # the backend is unreachable: leave the rest of the queue for later


def _document(archive: IndexSite, item: WorkItem) -> IndexDocument | None:
    if item.payload is not None:
        try:
            return payload_document(item.payload)
        except ValueError:
            pass  # rebuilt from storage below
    record = archive.catalog.get(item.subject)
    if record is None:  # deleted since: nothing to index
        return None
    return stored_document(archive.storage, record)


def index_jobs(archive: IndexSite, items: Sequence[WorkItem]) -> BatchOutcome:
    """Index the archives of ``items`` in one commit (the newest job of an archive wins)."""
    outcome = BatchOutcome()
    latest: dict[str, IndexDocument] = {}
    ids: list[int] = []
    for item in items:
        try:
            doc = _document(archive, item)
        except STORED_DOCUMENT_ERRORS as exc:
            outcome.failed[item.id] = f"{type(exc).__name__}: {exc}"
            continue
        if doc is not None:
            latest[doc.archive_id] = doc
        ids.append(item.id)
    try:
        archive.index.index_many(list(latest.values()))
    except SearchIndexError as exc:
        outcome.failed.update({i: f"SearchIndexError: {exc}" for i in ids})
        outcome.stop = True
        return outcome
    outcome.done = ids
    return outcome


def queue_unindexed(archive: IndexSite, marker: Path) -> int:
    """Queue every catalogued archive for indexing when the index holds none of them, or when
    it was built by another tokenisation than ``search.segment.TOKENS_VERSION``.

    An existing home that meets a new engine (the default became Tantivy; an index directory
    lost or deleted) would otherwise search an empty index until someone ran ``reindex``; one
    whose index holds the tokens of an older segmenter would miss words its queries now ask
    for. ``marker`` (a file of the home) names the tokenisation the index was built with; a
    non-empty index without one predates it. The jobs carry no document: the indexer rebuilds
    each from storage, replacing the old one. An empty index is not queued again while index
    jobs are still pending, so calling it on every start is cheap. Returns how many were queued.
    """
    built_with = marker.read_text("utf-8").strip() if marker.is_file() else None
    try:
        held = archive.index.count()
    except SearchIndexError:
        return 0  # an unreachable backend is reported by the search that needs it
    engine = archive.catalog.engine
    stale = held > 0 and built_with != TOKENS_VERSION
    empty = held == 0 and pending_count(engine, INDEX_JOB) == 0
    ids: list[str] = []
    if (stale or empty) and archive.catalog.count() > 0:
        with engine.begin() as conn:
            ids = list(conn.execute(select(archives.c.id).order_by(archives.c.id)).scalars())
            for archive_id in ids:
                enqueue(conn, INDEX_JOB, archive_id)
    if built_with != TOKENS_VERSION:
        tmp = marker.with_name(marker.name + ".tmp")
        tmp.write_text(TOKENS_VERSION + "\n", "utf-8")
        os.replace(tmp, marker)  # after the jobs are queued: a crash before it queues again
    return len(ids)

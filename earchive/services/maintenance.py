"""Maintenance of the derived state: the catalog, 档号 counters, search index, objections table
and identity keys again from storage (``earchive rebuild`` / ``reindex`` / ``identities
backfill``, and the same as API jobs).

``run_rebuild`` empties and refills the catalog, counters and index from storage alone
(``ingest.rebuild``), then restores the ``objections`` table from the stored signed annotations;
``run_reindex`` leaves the catalog alone and replaces only the index, so search keeps answering
(Elasticsearch fills a new physical index and moves the alias, SQLite commits one transaction);
an archive whose files cannot be read is left out and queued for indexing. ``run_backfill`` keys
the applicants of archives without an identity row under the current key. Each logs one event.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields

from earchive.core.archive import Archive
from earchive.services.objections.restore import (
    ObjectionRestoreReport,
    report_dict,
    restore_objections,
)
from ingest.identities import BackfillReport, backfill_identities
from ingest.indexing import dequeue, queue_for_indexing, stored_documents
from ingest.rebuild import RebuildReport, rebuild
from preservation.events import Event
from search.index import IndexDocument
from search.reindex import replace_all
from standards import archival_code as ac

__all__ = [
    "ArchiveRebuildReport",
    "ReindexReport",
    "rebuild_report_dict",
    "run_backfill",
    "run_rebuild",
    "run_reindex",
]


@dataclass(frozen=True)
class ArchiveRebuildReport(RebuildReport):
    """``RebuildReport`` and what became of the objections table."""

    objections: ObjectionRestoreReport

    @property
    def failed(self) -> bool:
        return bool(self.problems) or self.objections.failed


def rebuild_report_dict(report: ArchiveRebuildReport) -> dict[str, object]:
    return {
        "archives": report.archives,
        "versions": report.versions,
        "indexed": report.indexed,
        "counters": dict(report.counters),
        "problems": [{"object_id": p.object_id, "message": p.message} for p in report.problems],
        "objections": report_dict(report.objections),
    }


def run_rebuild(
    archive: Archive, on_object: Callable[[str], None] | None = None
) -> ArchiveRebuildReport:
    """Rebuild ``archive``'s catalog, index and objections from its storage (``on_object`` is
    called with each object id once it is done); log one ``rebuild`` event."""
    archive.init()
    done = rebuild(
        archive.storage,
        archive.catalog,
        archive.index,
        archive.writer,
        ac.ArchivalCodeRule.load(),
        on_object=on_object,
        identities=archive.identities,
    )
    catalog = {f.name: getattr(done, f.name) for f in fields(done)}
    report = ArchiveRebuildReport(**catalog, objections=restore_objections(archive))
    outcome = "failed" if report.failed else "done"
    detail = {k: v for k, v in rebuild_report_dict(report).items() if k != "counters"}
    archive.events.record(
        Event(archive.settings.agent, "rebuild", "catalog", outcome, archive.clock(), detail)
    )
    return report


@dataclass
class ReindexReport:
    """How many archives were indexed, and those left out (id → why)."""

    indexed: int = 0
    left_out: dict[str, str] = field(default_factory=dict)


def run_reindex(archive: Archive) -> ReindexReport:
    """Replace ``archive``'s search index with documents built from its catalog and storage."""
    report = ReindexReport()
    done: list[str] = []

    def documents() -> Iterator[IndexDocument]:
        for doc in stored_documents(
            archive.storage, archive.catalog.iter_archives(), report.left_out
        ):
            done.append(doc.archive_id)
            yield doc

    report.indexed = replace_all(archive.index, documents())
    with archive.engine.begin() as conn:
        for archive_id in done:
            dequeue(conn, archive_id)
        for archive_id in report.left_out:
            queue_for_indexing(conn, archive_id)
    return report


def run_backfill(archive: Archive, everything: bool = False) -> BackfillReport:
    """Fill ``archive_identities`` from storage; log one ``identities`` event."""
    archive.init()
    report = backfill_identities(
        archive.storage, archive.catalog, archive.writer, archive.identities, everything=everything
    )
    detail = {
        "keyed": report.keyed,
        "skipped": report.skipped,
        "problems": [archive_id for archive_id, _ in report.problems],
        "key_id": archive.identities.key_id,
    }
    outcome = "failed" if report.problems else "done"
    archive.events.record(
        Event(archive.settings.agent, "identities", "catalog", outcome, archive.clock(), detail)
    )
    return report

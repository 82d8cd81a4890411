"""``earchive reindex``: the search index again from the catalog and storage, swapped in at once.

Unlike ``earchive rebuild`` (catalog, counters and index from storage alone, emptying them
first), this leaves the catalog alone and replaces only the index, so search keeps answering
throughout: Elasticsearch fills a new physical index and moves the alias, SQLite commits one
transaction. An archive whose files cannot be read is left out, queued for indexing (``earchive
ingest`` retries the queue) and reported. Exit codes: 0 all indexed, 1 some left out, 2
configuration error or index failure.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

import typer

from earchive.cli.support import err as _err
from earchive.cli.support import out as _out
from earchive.core.archive import Archive, ConfigurationError, NotFoundError
from earchive.settings import Settings
from ingest.indexing import StoredDocumentError, dequeue, queue_for_indexing, stored_document
from preservation.storage import StorageError
from preservation.text import TextExtractionError
from search.catalog import CatalogError
from search.index import IndexDocument, SearchIndexError
from search.reindex import replace_all
from standards.errors import UnsafePathError

__all__ = ["ReindexReport", "register", "run_reindex"]

#: What leaves one archive out of the new index without stopping the others.
_ARCHIVE_ERRORS = (
    NotFoundError,
    StorageError,
    OSError,
    TextExtractionError,
    StoredDocumentError,
    UnsafePathError,
    KeyError,
    ValueError,
)


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
        for record in archive.catalog.iter_archives():
            try:
                doc = stored_document(archive.storage, record)
            except _ARCHIVE_ERRORS as exc:
                report.left_out[record.id] = str(exc)
                continue
            done.append(record.id)
            yield doc

    report.indexed = replace_all(archive.index, documents())
    with archive.engine.begin() as conn:
        for archive_id in done:
            dequeue(conn, archive_id)
        for archive_id in report.left_out:
            queue_for_indexing(conn, archive_id)
    return report


def reindex_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object (the report).")] = False,
) -> None:
    """Rebuild the search index from the catalog and storage; search stays up meanwhile."""
    try:
        report = run_reindex(Archive(Settings()))
    except (ConfigurationError, SearchIndexError, CatalogError) as exc:
        _err.print(f"[red]reindex failed:[/red] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        line = {"indexed": report.indexed, "left_out": report.left_out}
        sys.stdout.write(json.dumps(line, ensure_ascii=False) + "\n")
    else:
        _out.print(f"indexed {report.indexed} archives")
        for archive_id, why in report.left_out.items():
            _err.print(f"[red]not indexed[/red] {archive_id}: {why} (queued for a retry)")
    if report.left_out:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``reindex`` to the ``earchive`` command line."""
    app.command("reindex")(reindex_command)

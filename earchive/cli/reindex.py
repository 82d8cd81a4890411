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
from typing import Annotated

import typer

from earchive.cli.support import err as _err
from earchive.cli.support import open_archive
from earchive.cli.support import out as _out

__all__ = ["register"]


def reindex_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object (the report).")] = False,
) -> None:
    """Rebuild the search index from the catalog and storage; search stays up meanwhile."""
    from earchive.services.maintenance import run_reindex

    report = run_reindex(open_archive())
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

"""``earchive indexer``: work off the search-index queue until stopped (or once, ``--once``).

Ingest records each archive in the durable work queue; this process commits them to the search
index every ``--batch`` archives or ``--interval`` seconds. Run one per index (the index's
writer lock serialises any other). SIGTERM or Ctrl-C stops it after the batch in hand: rows are
removed only after their commit, so a killed indexer loses nothing.
``--status`` prints what waits, per kind, and every job that failed ``MAX_ATTEMPTS`` times
(no worker takes it again) with its last error.
Exit codes: 0 stopped or drained (``--status``: nothing given up), 1 ``--status`` found jobs
given up, 2 configuration error.
"""

from __future__ import annotations

import signal
import threading
from typing import Annotated

import typer

from earchive.cli.support import emit, initialised, out
from earchive.core.archive import Archive
from ingest import work_queue
from ingest.indexing import INDEX_JOB

__all__ = ["register"]


def indexer(
    once: Annotated[bool, typer.Option("--once", help="Drain the queue, then exit.")] = False,
    batch: Annotated[int, typer.Option(help="Archives per commit (EARCHIVE_INDEX_BATCH).")] = 0,
    interval: Annotated[
        float, typer.Option(help="Seconds between rounds (EARCHIVE_INDEX_INTERVAL).")
    ] = 0.0,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
    status: Annotated[
        bool, typer.Option("--status", help="What waits, and the jobs given up; no work.")
    ] = False,
) -> None:
    """Index queued archives (the indexer of a deployment; `earchive serve` runs one too)."""
    from earchive.core.work import drain, run_worker
    from ingest.derived_version import PRESERVATION_JOBS

    archive = initialised()
    if status:
        _status(archive, as_json)
        return
    size = batch or archive.settings.index_batch
    kinds: tuple[str, ...] = (INDEX_JOB,)
    if archive.settings.normalise_fonds or archive.settings.ocr_fonds:
        from earchive.services.preservation.jobs import register as preservation_handlers

        preservation_handlers()  # the copies and OCR the fonds asks for, queued by ingest
        kinds += PRESERVATION_JOBS
    if once:
        done = sum(drain(archive, kind, size) for kind in kinds)
    else:
        stop = threading.Event()
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
        done = run_worker(
            archive,
            stop,
            kinds=kinds,
            batch=size,
            interval=interval or archive.settings.index_interval,
        )
    if as_json:
        emit({"indexed": done})
    else:
        out.print(f"indexed {done} archives")


def _status(archive: Archive, as_json: bool) -> None:
    from earchive.core.work import MAX_ATTEMPTS
    from ingest.derived_version import PRESERVATION_JOBS

    engine = archive.engine
    waiting = {
        kind: work_queue.pending_count(engine, kind) for kind in (INDEX_JOB, *PRESERVATION_JOBS)
    }
    stuck = work_queue.given_up(engine, MAX_ATTEMPTS)
    if as_json:
        emit(
            {
                "queued": waiting,
                "given_up": [
                    {
                        "id": g.id,
                        "kind": g.kind,
                        "subject": g.subject,
                        "attempts": g.attempts,
                        "last_error": g.last_error,
                    }
                    for g in stuck
                ],
            }
        )
    else:
        out.print(", ".join(f"{kind}: {n} queued" for kind, n in waiting.items()))
        for g in stuck:
            out.print(
                f"[red]given up[/red] {g.kind} {g.subject} after {g.attempts}: {g.last_error}"
            )
    if stuck:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``indexer`` to the ``earchive`` command line."""
    app.command("indexer")(indexer)

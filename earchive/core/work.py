"""Working off the durable work queue (``ingest.work_queue``): one handler per job kind.

``drain`` works off every job of a kind in batches of ``batch`` (each batch one commit of its
handler, rows removed after it); ``run_worker`` repeats that every ``interval`` seconds until
stopped, so a job is done within about ``interval`` seconds plus one batch. Both serve
``earchive indexer``, the indexer thread of ``earchive serve``, ``Archive.flush_index`` and the
Celery job. Other kinds plug in with ``register_handler``. A job that failed ``MAX_ATTEMPTS``
times stays in the table, with its error, for ``earchive check`` and an operator.
Reads/writes: the catalog, and whatever the handlers touch. Raises what the catalog raises.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from typing import Any

from ingest import work_queue
from ingest.indexing import INDEX_JOB
from ingest.work_queue import WorkItem

from .index_jobs import BatchOutcome, index_jobs

__all__ = [
    "MAX_ATTEMPTS",
    "BatchOutcome",
    "Handler",
    "drain",
    "handler_for",
    "register_handler",
    "run_worker",
]

#: Handles one batch of one kind's jobs (given the opened ``Archive``); says which are done and
#: which failed.
Handler = Callable[[Any, Sequence[WorkItem]], BatchOutcome]
MAX_ATTEMPTS = 5
_log = logging.getLogger(__name__)
_HANDLERS: dict[str, Handler] = {INDEX_JOB: index_jobs}


def register_handler(kind: str, handler: Handler) -> None:
    """Make ``handler`` the one that works off jobs of ``kind``."""
    _HANDLERS[kind] = handler


def handler_for(kind: str) -> Handler:
    try:
        return _HANDLERS[kind]
    except KeyError:
        raise KeyError(f"no handler for work of kind {kind!r}") from None


def drain(archive: Any, kind: str, batch: int = 500) -> int:
    """Work off the jobs of ``kind`` now, ``batch`` per commit; return how many are done."""
    handler = handler_for(kind)
    engine = archive.writer
    total = 0
    while True:
        items = work_queue.pending(engine, kind, batch, MAX_ATTEMPTS)
        if not items:
            return total
        outcome = handler(archive, items)
        work_queue.done(engine, outcome.done)
        for item_id, error in outcome.failed.items():
            work_queue.failed(engine, [item_id], error)
        total += len(outcome.done)
        if outcome.stop or not outcome.done:
            if outcome.failed:
                _log.warning("%d %s job(s) failed; kept for a retry", len(outcome.failed), kind)
            return total


def run_worker(
    archive: Any,
    stop: threading.Event,
    kinds: Sequence[str] = (INDEX_JOB,),
    batch: int = 500,
    interval: float = 1.0,
) -> int:
    """Drain ``kinds`` every ``interval`` seconds until ``stop`` is set; return jobs done."""
    total = 0
    while not stop.is_set():
        for kind in kinds:
            try:
                total += drain(archive, kind, batch)
            except Exception:  # a failing catalog or index: log it, try again next round
                _log.exception("working off %s jobs failed", kind)
        stop.wait(interval)
    return total

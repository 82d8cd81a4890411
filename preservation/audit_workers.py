"""Worker processes for fixity audits of a local-directory storage root.

Hashing SM3 + SHA-256 is CPU-bound, and so is the per-object work around it (inventories,
manifest, signature check): threads share one interpreter lock and used about a third of two
cores. Each worker process therefore audits whole objects (``object_fixity.audit_object``, files
hashed inline) and sends back the ``ObjectAudit``; the parent only orders objects, collects results
and writes the ledger. Workers are forked, so they inherit the root and the context (closures
included) without pickling; only object ids go out and results come back.

Used only for ``FsStore`` roots: a network store's client is not safe to share across a fork.
Reads: the store. Writes: nothing. Raises nothing of its own (``process_pool`` returns ``None``
where worker processes are not available).
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor

from .object_fixity import AuditContext, ObjectAudit, audit_object, unreadable_root
from .ocfl_root import OcflRoot
from .storage import FsStore

__all__ = ["audit_in_worker", "process_pool"]

_state: dict[str, object] = {}


def _start(root: OcflRoot, ctx: AuditContext) -> None:
    _state["root"], _state["ctx"] = root, ctx


def audit_in_worker(object_ids: list[str], unreadable: set[str]) -> list[ObjectAudit]:
    """Audit objects in this worker (files hashed inline); ``unreadable`` names object folders
    whose id cannot be read (each gets its finding)."""
    root, ctx = _state["root"], _state["ctx"]
    assert isinstance(root, OcflRoot) and isinstance(ctx, AuditContext)
    return [
        unreadable_root(oid, ctx) if oid in unreadable else audit_object(root, oid, ctx)
        for oid in object_ids
    ]


def process_pool(root: OcflRoot, ctx: AuditContext, workers: int) -> ProcessPoolExecutor | None:
    """Forked workers auditing objects of ``root``, or ``None`` (remote store, one worker, or
    no ``fork`` on this platform)."""
    if workers < 2 or not isinstance(root.store, FsStore):
        return None
    try:
        fork = multiprocessing.get_context("fork")
    except ValueError:
        return None
    if multiprocessing.current_process().daemon:
        return None  # a daemonic process (some task-queue workers) may not have children
    return ProcessPoolExecutor(workers, mp_context=fork, initializer=_start, initargs=(root, ctx))

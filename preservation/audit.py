"""Fixity audit runs over an OCFL storage root: bounded, resumable, logged.

A run lists the objects of the root (plus those the catalog expects and those audited before, so
a vanished object is a finding), orders them oldest-first through the ``AuditLedger`` (objects
never audited in this location first, then the least recently audited), and checks them with
``object_fixity.audit_object``. With ``processes`` and a local-directory root, whole objects are
audited in forked worker processes (``audit_workers``: hashing and the per-object work are
CPU-bound and threads share one interpreter lock); otherwise objects run on one thread pool and
file hashing on another (they share the store's client). A run stops starting objects at
``max_objects`` or ``max_seconds``. Every run is an event; every failed object too.

Reads: the store, the ledger. Writes: the ledger, events through ``record``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import re
import time
import urllib.parse
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import datetime

from standards.finding import Finding, Status

from .audit_ledger import AuditLedger
from .audit_workers import audit_in_worker, process_pool
from .events import Event
from .object_fixity import AuditContext, ObjectAudit, audit_object, read_small, unreadable_root
from .ocfl_root import OBJECT_DECLARATION, OcflRoot
from .storage import ObjectStore

__all__ = ["AuditContext", "AuditLimits", "AuditRun", "ObjectAudit", "audit_object", "audit_root"]

_DECLARATION_KEY = re.compile(
    r"([0-9a-f]{3}/[0-9a-f]{3}/[0-9a-f]{3}/([A-Za-z0-9_%-]+))/" + re.escape(OBJECT_DECLARATION[0])
)


@dataclass(frozen=True)
class AuditLimits:
    """Bounds of one run: at most ``max_objects`` objects and/or about ``max_seconds``.

    The time bound stops new objects from starting; objects under way finish. ``processes``
    audits objects in ``workers`` forked processes when the root is a local directory (the CLI
    does; a long-running server keeps threads: forking a process with threads is not safe).
    """

    max_objects: int | None = None
    max_seconds: float | None = None
    workers: int = 2
    processes: bool = False


@dataclass(frozen=True)
class AuditRun:
    """One bounded run; ``remaining`` objects were left for the next run."""

    location: str
    started: datetime
    seconds: float
    objects: tuple[ObjectAudit, ...] = ()
    remaining: int = 0
    event: Event | None = field(default=None, compare=False)

    @property
    def findings(self) -> tuple[Finding, ...]:
        return tuple(f for o in self.objects for f in o.findings)

    @property
    def failed(self) -> tuple[ObjectAudit, ...]:
        return tuple(o for o in self.objects if o.outcome is Status.FAIL)

    @property
    def bytes(self) -> int:
        return sum(o.bytes for o in self.objects)


# -- a run --------------------------------------------------------------------------------------


def _discover(root: OcflRoot) -> tuple[list[str], list[str]]:
    """(object ids found in the store, object roots whose id cannot be read)."""
    ids, unreadable = [], []
    for objroot in root.object_roots():
        match = _DECLARATION_KEY.fullmatch(f"{objroot}/{OBJECT_DECLARATION[0]}")
        if match is None:
            continue
        objroot, encoded = match.groups()
        object_id = urllib.parse.unquote(encoded, errors="strict")
        if root.object_root(object_id) == objroot:
            ids.append(object_id)
            continue
        stored_id = _stored_id(root.store, objroot)  # a long id is cut in its directory name
        if stored_id is not None and root.object_root(stored_id) == objroot:
            ids.append(stored_id)
        else:
            unreadable.append(objroot)
    return ids, unreadable


def _stored_id(store: ObjectStore, objroot: str) -> str | None:
    data = read_small(store, f"{objroot}/inventory.json")
    if not isinstance(data, bytes):
        return None
    try:
        found = json.loads(data.decode("utf-8")).get("id")
    except (UnicodeDecodeError, ValueError, AttributeError):
        return None
    return found if isinstance(found, str) and found else None


_LEDGER_BATCH = 100
_PROCESS_BATCH = 4  # objects per task sent to a worker process: fewer round trips to the parent


def _order(candidates: Iterable[str], ledger: AuditLedger, location: str) -> list[str]:
    entries = ledger.entries(location)
    pool = set(candidates) | set(entries)
    new = sorted(pool - set(entries))
    seen = sorted(set(entries) & pool, key=lambda oid: (entries[oid].last_audit, oid))
    return new + seen


def audit_root(
    root: OcflRoot,
    ledger: AuditLedger,
    ctx: AuditContext,
    limits: AuditLimits = AuditLimits(),
    expected_ids: Iterable[str] = (),
    object_ids: Iterable[str] | None = None,
) -> AuditRun:
    """Audit the objects of ``root`` oldest-first within ``limits``; see the module docstring.

    ``expected_ids`` (from the catalog) makes an object that vanished from storage a finding;
    objects audited before in this location are expected too. ``object_ids`` audits exactly
    those objects, in that order (a re-check after a restore), without listing the store.
    """
    started, t0 = ctx.clock(), time.monotonic()
    if object_ids is None:
        found, unreadable = _discover(root)
        order = _order([*found, *expected_ids, *unreadable], ledger, ctx.location)
    else:
        order, unreadable = list(object_ids), []
    todo = order if limits.max_objects is None else order[: max(limits.max_objects, 0)]
    unreadable_roots = set(unreadable)
    workers = max(1, limits.workers)
    results: list[ObjectAudit] = []

    def out_of_time() -> bool:
        return limits.max_seconds is not None and time.monotonic() - t0 >= limits.max_seconds

    def inline(oid: str) -> ObjectAudit:
        if oid in unreadable_roots:
            return unreadable_root(oid, ctx)
        return audit_object(root, oid, ctx)

    with contextlib.ExitStack() as stack:
        procs = process_pool(root, ctx, workers) if limits.processes else None
        submit: Callable[[list[str]], Future[list[ObjectAudit]]]
        if procs is not None:
            stack.enter_context(procs)
            batch = _PROCESS_BATCH

            def submit(oids: list[str]) -> Future[list[ObjectAudit]]:
                try:
                    return procs.submit(audit_in_worker, oids, unreadable_roots & set(oids))
                except (BrokenProcessPool, RuntimeError):
                    return _done([inline(oid) for oid in oids])  # a worker died: run them here
        else:
            files = stack.enter_context(ThreadPoolExecutor(workers, "fixity-file"))
            objects = stack.enter_context(ThreadPoolExecutor(workers, "fixity-object"))
            batch = 1

            def submit(oids: list[str]) -> Future[list[ObjectAudit]]:
                (oid,) = oids
                if oid in unreadable_roots:
                    return objects.submit(lambda: [unreadable_root(oid, ctx)])
                return objects.submit(lambda: [audit_object(root, oid, ctx, files)])

        waiting = deque(todo)
        running = deque[tuple[list[str], Future[list[ObjectAudit]]]]()
        pending: list[tuple[str, datetime, str]] = []  # ledger rows, written in batches
        while waiting or running:
            # a few batches queued per worker keep both cores hashing while results are read
            while waiting and len(running) < workers * 4 and not out_of_time():
                oids = [waiting.popleft() for _ in range(min(batch, len(waiting)))]
                running.append((oids, submit(oids)))
            if not running:
                break
            oids, future = running.popleft()
            try:
                batch_done = future.result()
            except BrokenProcessPool:
                batch_done = [inline(oid) for oid in oids]
            for done in batch_done:
                if procs is not None:  # a worker's clock is a copy: stamp here, in order
                    done = dataclasses.replace(done, audited_at=ctx.clock())
                _record_one(done, ledger, ctx, pending)
                results.append(done)
        ledger.record_many(ctx.location, pending)
    run = AuditRun(
        location=ctx.location,
        started=started,
        seconds=time.monotonic() - t0,
        objects=tuple(results),
        remaining=len(order) - len(results),
    )
    if ctx.record is None:
        return run
    event = ctx.record(_run_event(run, ctx))
    return AuditRun(**{**run.__dict__, "event": event if isinstance(event, Event) else None})


def _done(result: list[ObjectAudit]) -> Future[list[ObjectAudit]]:
    future: Future[list[ObjectAudit]] = Future()
    future.set_result(result)
    return future


def _record_one(
    done: ObjectAudit,
    ledger: AuditLedger,
    ctx: AuditContext,
    pending: list[tuple[str, datetime, str]],
) -> None:
    """Queue the object's ledger row (written every ``_LEDGER_BATCH``); log a failure."""
    pending.append((done.object_id, done.audited_at, done.outcome.value))
    if len(pending) >= _LEDGER_BATCH:
        ledger.record_many(ctx.location, pending)
        pending.clear()
    if done.outcome is Status.FAIL and ctx.record is not None:
        ctx.record(_object_event(done, ctx))


def _object_event(done: ObjectAudit, ctx: AuditContext) -> Event:
    problems = [
        {
            "code": f.code,
            "path": f.path,
            "expected": f.expected,
            "found": f.found,
            "algorithm": f.detail.get("algorithm", ""),
        }
        for f in done.findings
        if f.status is Status.FAIL
    ]
    return Event(
        ctx.agent,
        "audit",
        ctx.name_of(done.object_id),
        Status.FAIL.value,
        done.audited_at,
        {"location": ctx.location, "object_id": done.object_id, "problems": problems[:50]},
    )


def _run_event(run: AuditRun, ctx: AuditContext) -> Event:
    failed = [o.object_id for o in run.failed]
    detail: dict[str, object] = {
        "location": ctx.location,
        "objects": len(run.objects),
        "failed": len(failed),
        "failed_objects": failed[:100],
        "files": sum(o.files for o in run.objects),
        "bytes": run.bytes,
        "seconds": round(run.seconds, 3),
        "remaining": run.remaining,
    }
    outcome = Status.FAIL if failed else Status.PASS
    return Event(ctx.agent, "audit", f"storage:{ctx.location}", outcome.value, ctx.clock(), detail)

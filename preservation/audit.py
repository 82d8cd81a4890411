"""Fixity audit runs over an OCFL storage root: bounded, resumable, logged.

A run lists the objects of the root (plus those the catalog expects and those audited before, so
a vanished object is a finding), orders them oldest-first through the ``AuditLedger`` (objects
never audited in this location first, then the least recently audited), and checks them with
``object_fixity.audit_object`` — objects on one thread pool, file hashing on another (threads
measured faster than processes here, and they share the store's client). A run stops starting
objects at ``max_objects`` or ``max_seconds``. Every run is an event; every failed object too.

Reads: the store, the ledger. Writes: the ledger, events through ``record``.
"""

from __future__ import annotations

import json
import re
import time
import urllib.parse
from collections import deque
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from standards.finding import Finding, Status

from .audit_ledger import AuditLedger
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

    The time bound stops new objects from starting; objects under way finish.
    """

    max_objects: int | None = None
    max_seconds: float | None = None
    workers: int = 2


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

    with (
        ThreadPoolExecutor(workers, "fixity-file") as files,
        ThreadPoolExecutor(workers, "fixity-object") as objects,
    ):
        waiting, running = deque(todo), deque[Future[ObjectAudit]]()
        pending: list[tuple[str, datetime, str]] = []  # ledger rows, written in batches
        while waiting or running:
            # a few objects queued per worker keep both cores hashing while results are read
            while waiting and len(running) < workers * 4 and not out_of_time():
                oid = waiting.popleft()
                if oid in unreadable_roots:
                    running.append(objects.submit(unreadable_root, oid, ctx))
                else:
                    running.append(objects.submit(audit_object, root, oid, ctx, files))
            if not running:
                break
            done = running.popleft().result()
            pending.append((done.object_id, done.audited_at, done.outcome.value))
            if len(pending) >= _LEDGER_BATCH:
                ledger.record_many(ctx.location, pending)
                pending.clear()
            if done.outcome is Status.FAIL and ctx.record is not None:
                ctx.record(_object_event(done, ctx))
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

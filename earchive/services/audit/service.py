"""Fixity audit and restore as service functions (the CLI calls them; the API can later).

``run_audit`` retries owed replica writes, audits one storage location (``primary`` or
``replica``) within limits, and with ``repair`` restores each failed object from the other
location and audits it again. ``restore_archive`` restores one archive. Objects are named by
the archive id people use (``<fonds>-<electronic_record_code>``). Holds no domain logic: it
wires ``preservation.audit``, ``preservation.restore`` and ``preservation.replication``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError, NotFoundError
from earchive.core.stores import PRIMARY, REPLICA
from preservation.audit import AuditContext, AuditLimits, AuditRun, audit_root
from preservation.audit_ledger import AuditLedger
from preservation.ocfl_root import OcflRoot
from preservation.replication import ReplicaQueue, retry_pending
from preservation.restore import CopyOutcome, restore_object
from standards.finding import Finding
from standards.findings import make

__all__ = ["AuditReport", "restore_archive", "retry_replication", "run_audit"]


@dataclass(frozen=True)
class AuditReport:
    """One ``run_audit``: owed replicas, the audit, restores and the re-check after them."""

    location: str
    run: AuditRun
    names: Mapping[str, str]
    replicated: tuple[CopyOutcome, ...] = ()
    pending: tuple[Finding, ...] = ()
    restores: tuple[CopyOutcome, ...] = ()
    recheck: AuditRun | None = None

    @property
    def failed(self) -> bool:
        """True when a problem remains: after a repair, the re-check decides for its objects."""
        fixed = {o.object_id for o in self.recheck.objects} if self.recheck else set()
        still = [o for o in self.run.failed if o.object_id not in fixed]
        return bool(still) or bool(self.recheck and self.recheck.failed)

    def summary(self) -> dict[str, object]:
        """The report as JSON-ready data (what the audit task and the API job return)."""
        return {
            "location": self.location,
            "objects": len(self.run.objects),
            "failed": len(self.run.failed),
            "remaining": self.run.remaining,
            "bytes": self.run.bytes,
            "seconds": self.run.seconds,
            "findings": [{"id": i, **f.as_dict(), "path": f.path} for i, f in self.findings()],
        }

    def findings(self) -> list[tuple[str, Finding]]:
        """(archive id, finding) in report order: pending, audit, restores, re-check."""
        rows: list[tuple[str, Finding]] = []
        for f in self.pending:
            rows.append((f.detail.get("archive_id", ""), f))
        runs = [self.run, *([self.recheck] if self.recheck else [])]
        for i, run in enumerate(runs):
            for obj in run.objects:
                rows.extend((self.names.get(obj.object_id, obj.object_id), f) for f in obj.findings)
            if i == 0:
                for outcome in self.restores:
                    name = self.names.get(outcome.object_id, outcome.object_id)
                    rows.extend((name, f) for f in outcome.findings)
        return rows


def _names(archive: Archive) -> dict[str, str]:
    return {r.object_id: r.id for r in archive.catalog.iter_archives()}


def _namer(names: Mapping[str, str]) -> Callable[[str], str]:
    def name_of(object_id: str) -> str:
        if object_id in names:
            return names[object_id]
        parts = object_id.split(":")
        if len(parts) == 4 and parts[:2] == ["urn", "earchive"]:
            return f"{parts[2]}-{parts[3]}"
        return object_id

    return name_of


def locations(archive: Archive) -> dict[str, OcflRoot]:
    """The storage locations by name: ``primary`` and, when configured, ``replica``."""
    found = {PRIMARY: OcflRoot(archive.store)}
    if archive.replica is not None:
        found[REPLICA] = archive.replica
    return found


def _location(archive: Archive, name: str) -> OcflRoot:
    found = locations(archive)
    if name not in found:
        raise ConfigurationError(
            f"no storage location {name!r} (have: {', '.join(found)}; set EARCHIVE_REPLICA)"
        )
    return found[name]


def _trusted_key(archive: Archive) -> str | None:
    try:
        return archive.trusted_key_pem
    except (ConfigurationError, OSError):
        return None


def retry_replication(
    archive: Archive, names: Mapping[str, str] | None = None
) -> tuple[tuple[CopyOutcome, ...], tuple[Finding, ...]]:
    """Copy every object whose replica write failed; return outcomes and what is still owed."""
    if archive.replica is None:
        return (), ()
    queue = ReplicaQueue(archive.writer)
    queue.create_schema()
    name_of = _namer(names if names is not None else _names(archive))
    outcomes = retry_pending(
        OcflRoot(archive.store),
        archive.replica,
        queue,
        location=REPLICA,
        record=archive.events.record,
        clock=archive.clock,
        agent=archive.settings.agent,
        name_of=name_of,
    )
    owed = tuple(
        make(
            "REPLICA_PENDING",
            path="",
            object_id=p.object_id,
            archive_id=name_of(p.object_id),
            version=p.version,
            location=p.location,
            error=p.error,
            attempts=p.attempts,
        )
        for p in queue.pending(REPLICA)
    )
    return tuple(outcomes), owed


def run_audit(
    archive: Archive,
    *,
    location: str = PRIMARY,
    limits: AuditLimits | None = None,
    repair: bool = False,
) -> AuditReport:
    """Audit ``location``; with ``repair``, restore failed objects from the other location.

    Raises ``ConfigurationError`` for an unknown location or a repair without a replica.
    """
    root = _location(archive, location)
    if repair and archive.replica is None:
        raise ConfigurationError("--repair needs a replica (set EARCHIVE_REPLICA)")
    names = _names(archive)
    name_of = _namer(names)
    replicated, pending = retry_replication(archive, names)
    ledger = AuditLedger(archive.writer)
    ledger.create_schema()
    ctx = AuditContext(
        location=location,
        clock=archive.clock,
        record=archive.events.record,
        agent=archive.settings.agent,
        trusted_key_pem=_trusted_key(archive),
        name_of=name_of,
    )
    limits = limits or AuditLimits()
    run = audit_root(root, ledger, ctx, limits, expected_ids=list(names))
    if not repair or not run.failed:
        return AuditReport(location, run, names, replicated, pending)
    source_name = REPLICA if location == PRIMARY else PRIMARY
    source = _location(archive, source_name)
    restores = tuple(
        restore_object(
            source,
            root,
            obj.object_id,
            record=archive.events.record,
            clock=archive.clock,
            agent=archive.settings.agent,
            source_name=source_name,
            target_name=location,
            name_of=name_of,
        )
        for obj in run.failed
    )
    recheck = audit_root(
        root,
        ledger,
        ctx,
        AuditLimits(workers=limits.workers, processes=limits.processes),
        object_ids=[o.object_id for o in run.failed],
    )
    return AuditReport(location, run, names, replicated, pending, restores, recheck)


def restore_archive(
    archive: Archive, archive_id: str, *, source: str = REPLICA, target: str = PRIMARY
) -> CopyOutcome:
    """Restore one archive's object in ``target`` from ``source`` (logged as an event).

    Raises ``NotFoundError`` for an unknown archive id, ``ConfigurationError`` for a location
    that is not configured.
    """
    record = archive.catalog.get(archive_id)
    if record is None:
        raise NotFoundError(archive_id)
    if source == target:
        raise ConfigurationError("restore needs two different locations")
    return restore_object(
        _location(archive, source),
        _location(archive, target),
        record.object_id,
        record=archive.events.record,
        clock=archive.clock,
        agent=archive.settings.agent,
        source_name=source,
        target_name=target,
        name_of=_namer({record.object_id: archive_id}),
    )

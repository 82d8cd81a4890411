"""The ingest pipeline: one case package in, one archive version (or a kept refusal) out.

Reads: a case package (ZIP or directory). Writes: the work area, the quarantine (refusals),
storage (the OCFL object), the catalog, the index. Raises nothing for bad input: every problem is
a finding and the result says ``refused``. Crash-safe: see ``ingest.journal``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from ingest import journal, quarantine, workarea
from ingest.casexml import parse_case
from ingest.counters import allocate_item_number, set_counter_at_least
from ingest.identities import case_identities
from ingest.indexing import (
    INDEX_JOB,
    build_document,
    document_payload,
    index_version,
    queue_for_indexing,
)
from ingest.measure import Measured, list_files, measure_all
from ingest.provenance import Provenance, check_kept_code
from ingest.rules import check_case
from ingest.unpack import Limits, package_name, unpack
from ingest.work_queue import enqueue
from package.aip import build_version
from package.digest import Digests, digest_file
from package.metadata import ArchivalInfo
from package.ocfl import inventory_bytes, new_inventory, next_inventory, stored_paths
from package.signature import Signer
from preservation.events import Event, EventLog
from preservation.ocfl_root import OcflRoot
from preservation.signature_facts import signature_facts
from preservation.text import TextExtractionError
from search.catalog import ArchiveRecord, Catalog, FileRow, VersionRow
from search.identities import IdentityKeyer, IdentityTable
from search.index import SearchIndex
from standards import archival_code as ac
from standards.case import CaseRecord
from standards.errors import ArchivalCodeError
from standards.finding import Finding, Status, finding_from_dict
from standards.findings import make
from standards.retention import RetentionDecision, RetentionTable

__all__ = [
    "IngestContext",
    "IngestResult",
    "archive_id_for",
    "expand_sources",
    "ingest_path",
    "object_id_for",
    "resume_pending",
]

COMPLETE_MARKER = ".complete"


class IngestBusyError(Exception):
    """The same package is being ingested by another live process right now."""


@dataclass(frozen=True)
class IngestContext:
    """Everything an ingest needs, built once by the application (``earchive.core.archive``)."""

    engine: Engine
    catalog: Catalog
    index: SearchIndex
    storage: OcflRoot
    signer: Signer
    work_dir: Path
    quarantine_dir: Path
    retention: RetentionTable
    code_rule: ac.ArchivalCodeRule
    category: str
    clock: Callable[[], datetime]
    agent: str
    events: EventLog | None = None
    limits: Limits = field(default_factory=Limits)
    quarantine_policy: quarantine.QuarantinePolicy = field(
        default_factory=quarantine.QuarantinePolicy
    )
    fault_point: str | None = None
    # called before a version is stored: (object id, retention years or None for 永久, year)
    declare_retention: Callable[[str, int | None, int], None] | None = None
    # keys the applicant's identifier into ``archive_identities`` (None: nothing is keyed)
    identities: IdentityKeyer | None = None
    # the certificate chain of ``signer`` (DER, its own first); empty for a bare key
    certificates: tuple[bytes, ...] = ()
    # True: the index document goes to the work queue (an indexer commits it in batches);
    # False: the archive is indexed before the ingest returns
    deferred_indexing: bool = False
    # the preservation jobs (work-queue kinds) an archive of a fonds is owed after its ingest
    preservation_jobs: Callable[[str], tuple[str, ...]] | None = None
    # threads that hash a package's files: 1 where several ingest processes keep every core busy
    file_threads: int = 2

    def log(
        self, action: str, obj: str, outcome: str, detail: dict[str, object], conn: Any = None
    ) -> None:
        if self.events is not None:
            event = Event(self.agent, action, obj, outcome, self.clock(), detail)
            self.events.record(event, conn)


@dataclass(frozen=True)
class IngestResult:
    status: str  # accepted | duplicate | new_version | refused
    source: str
    electronic_record_code: str = ""
    id: str = ""
    archival_code: str = ""
    version: int = 0
    findings: tuple[Finding, ...] = ()
    quarantine: str = ""
    bytes: int = 0

    def as_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "status": self.status,
            "source": self.source,
            "electronic_record_code": self.electronic_record_code,
            "id": self.id,
            "version": self.version,
            "findings": [f.as_dict() for f in self.findings],
        }
        if self.archival_code:
            out["archival_code"] = self.archival_code
        if self.quarantine:
            out["quarantine"] = self.quarantine
        return out


def archive_id_for(fonds: str, erc: str) -> str:
    return f"{fonds}-{erc}"


def object_id_for(fonds: str, erc: str) -> str:
    return f"urn:earchive:{fonds}:{erc}"


def expand_sources(paths: Iterable[Path]) -> Iterator[Path]:
    """Case packages named by ``paths``: ZIPs, case directories, or folders holding them.

    In a folder, every ``*.zip`` is a package, and so is every sub-directory that holds a
    ``case.xml`` or an ``A``/``B``/``C`` folder; anything else there (a ``trust/`` folder of seal
    roots, notes) is not a case package and is left alone.
    """
    for path in paths:
        if path.is_dir() and not _looks_like_case_dir(path):
            # names only (not Path objects) are held while a big folder is walked in order
            for name in sorted(os.listdir(path)):
                child = path / name
                is_dir = child.is_dir()
                is_zip = child.suffix.lower() == ".zip" and not is_dir
                if is_zip or (is_dir and _looks_like_case_dir(child)):
                    yield child
        else:
            yield path


def _looks_like_case_dir(path: Path) -> bool:
    return any((path / name).exists() for name in ("case.xml", "A", "B", "C"))


def _fault(ctx: IngestContext, point: str) -> None:
    """Test hook: die abruptly at a named point, as a killed process would."""
    if ctx.fault_point == point:
        os._exit(137)


def _package_digest(measured: dict[str, Measured]) -> str:
    h = hashlib.sha256()
    for path in sorted(measured):
        h.update(f"{path}\t{measured[path].sha256}\n".encode())
    return h.hexdigest()


def _measure_all(root: Path, ctx: IngestContext) -> dict[str, Measured]:
    """case.xml and every file under A/ B/ C/, each read and hashed once."""
    return measure_all(root, ["case.xml", *list_files(root)], ctx.file_threads)


def _quarantine(
    ctx: IngestContext, source: Path, findings: list[Finding], erc: str
) -> IngestResult:
    report = {
        "status": "refused",
        "source": str(source),
        "electronic_record_code": erc,
        "refused_at": ctx.clock().isoformat(),
        "findings": [f.as_dict() for f in findings],
    }
    target = quarantine.keep(ctx.quarantine_dir, source, report, ctx.clock())
    for name, freed in quarantine.enforce(ctx.quarantine_dir, ctx.quarantine_policy, ctx.clock()):
        ctx.log("quarantine", name, "reduced", {"bytes_freed": freed})
    failed = sorted({f.code for f in findings if f.status is Status.FAIL})
    ctx.log("ingest", erc or source.name, "refused", {"source": str(source), "codes": failed})
    return IngestResult(
        status="refused",
        source=str(source),
        electronic_record_code=erc,
        findings=tuple(findings),
        quarantine=str(target),
    )


def ingest_path(
    source: Path, ctx: IngestContext, *, provenance: Provenance | None = None
) -> IngestResult:
    """Ingest one case package; never raises for bad input.

    ``provenance`` (a transfer received from a sender): a new archive keeps the sender's 档号
    instead of allocating one (``ingest.provenance``), and its detail is recorded in the ingest
    report and event.
    """
    work = ctx.work_dir / uuid.uuid4().hex
    with workarea.held(work):
        try:
            return _ingest(source, ctx, work, provenance)
        finally:
            # the journal owns work dirs of accepted ingests; anything else is scratch
            if work.exists() and not (work / "journal").exists():
                shutil.rmtree(work, ignore_errors=True)


def _ingest(
    source: Path, ctx: IngestContext, work: Path, provenance: Provenance | None = None
) -> IngestResult:
    findings: list[Finding] = []
    unpacked = unpack(source, work / "package", ctx.limits)
    findings.extend(unpacked.findings)
    if unpacked.root is None:
        return _quarantine(ctx, source, findings, "")
    root = unpacked.root
    case, parse_findings = parse_case((root / "case.xml").read_bytes())
    findings.extend(parse_findings)
    if case is None:
        return _quarantine(ctx, source, findings, "")
    measured = _measure_all(root, ctx)
    findings.extend(check_case(case, root, measured, package_name(source)))
    if any(f.status is Status.FAIL for f in findings):
        return _quarantine(ctx, source, findings, case.electronic_record_code)
    return _accept(source, ctx, work, case, measured, findings, provenance)


def _accept(
    source: Path,
    ctx: IngestContext,
    work: Path,
    case: CaseRecord,
    measured: dict[str, Measured],
    findings: list[Finding],
    provenance: Provenance | None = None,
) -> IngestResult:
    erc = case.electronic_record_code
    archive_id = archive_id_for(case.fonds_identifier, erc)
    digest = _package_digest(measured)
    total = sum(m.size for m in measured.values())
    existing = ctx.catalog.get(archive_id)
    duplicate = _duplicate(ctx, source, erc, archive_id, digest) if existing else None
    if duplicate is not None:
        return duplicate
    with ctx.catalog.engine.connect() as conn:  # a read: no write lock taken
        open_entry = journal.find_open(conn, archive_id, digest)
    if open_entry is not None:  # the same package was half-ingested before a crash
        with workarea.held(Path(open_entry.work_dir), wait=False) as mine:
            if mine:
                return _resume(open_entry, ctx)
        raise IngestBusyError(f"{archive_id} is being ingested by another process")
    retention = ctx.retention.retention_for(case)
    kept: ac.ArchivalCodeParts | None = None
    if provenance is not None and existing is None:
        kept, refusals = check_kept_code(
            provenance, case, retention.code, ctx.category, ctx.code_rule, ctx.catalog, archive_id
        )
        if refusals:
            return _quarantine(ctx, source, [*findings, *refusals], erc)
    report: dict[str, object] = {
        "source": str(source),
        "package_sha256": digest,
        "package_bytes": total,
        "findings": [f.as_dict() for f in findings],
    }
    if provenance is not None:
        report["provenance"] = {"archival_code": provenance.archival_code, **provenance.detail}
    (work / "ingest-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    (work / "journal").write_text(archive_id, encoding="utf-8")  # the journal owns `work` now
    try:
        entry = _reserve(ctx, work, source, case, existing, digest, retention, kept)
    except _SamePackageRecorded as exc:  # another ingest of these bytes got there first
        (work / "journal").unlink()
        if not exc.done:
            raise IngestBusyError(f"{archive_id} is being ingested by another process") from None
        duplicate = _duplicate(ctx, source, erc, archive_id, digest)
        if duplicate is None:  # catalogued only after its journal row: retry shortly
            raise IngestBusyError(f"{archive_id} is being ingested by another process") from None
        return duplicate
    except ArchivalCodeError as exc:  # e.g. a class whose 件号 are used up: refuse this package
        (work / "journal").unlink()
        refusal = make("INGEST_NO_ARCHIVAL_CODE", Status.FAIL, error=str(exc))
        return _quarantine(ctx, source, [*findings, refusal], erc)
    except Exception:
        (work / "journal").unlink()
        raise
    _fault(ctx, "allocated")
    return _resume(entry, ctx, case, measured)


class _SamePackageRecorded(Exception):
    """``_reserve`` found the journal's latest version of the archive made of the same bytes."""

    def __init__(self, *, done: bool) -> None:
        super().__init__("the same package is already recorded")
        self.done = done


def _duplicate(
    ctx: IngestContext, source: Path, erc: str, archive_id: str, digest: str
) -> IngestResult | None:
    """The answer for a package whose bytes are already a catalogued version, else None."""
    existing = ctx.catalog.get(archive_id)
    same = ctx.catalog.find_version_by_package_digest(archive_id, digest) if existing else None
    if existing is None or same is None:
        return None
    ctx.log("ingest", archive_id, "duplicate", {"source": str(source)})
    return IngestResult(
        status="duplicate",
        source=str(source),
        electronic_record_code=erc,
        id=archive_id,
        archival_code=existing.archival_code,
        version=same.version,
        findings=(
            make("INGEST_DUPLICATE", Status.PASS, archive_id=archive_id, version=str(same.version)),
        ),
    )


def _reserve(
    ctx: IngestContext,
    work: Path,
    source: Path,
    case: CaseRecord,
    existing: ArchiveRecord | None,
    digest: str,
    retention: RetentionDecision,
    kept: ac.ArchivalCodeParts | None = None,
) -> journal.JournalEntry:
    """Reserve the version (and for a new archive its 档号) with the journal row, atomically.

    ``kept``: the sender's 档号 of a transferred archive, taken as it is (the counter of its
    class is raised to its 件号 so a later local allocation never repeats it).
    """
    archive_id = archive_id_for(case.fonds_identifier, case.electronic_record_code)
    with ctx.engine.begin() as conn:
        latest = journal.latest_version(conn, archive_id)
        if latest is not None and latest.package_sha256 == digest:
            # the same bytes were reserved since this ingest looked for a duplicate (two
            # uploads of one package at once): never a second version of them
            raise _SamePackageRecorded(done=latest.state == "done")
        if existing is not None or latest is not None:
            holder = existing if existing is not None else latest
            assert holder is not None
            version = 1 + max(existing.version if existing else 0, latest.version if latest else 0)
            code, item = holder.archival_code, holder.item_number
        elif kept is not None:
            version = 1
            code, item = ac.format_code(ctx.code_rule, kept), kept.item
            set_counter_at_least(conn, ac.class_key(kept, ctx.code_rule), item)
        else:
            version = 1
            parts = ac.ArchivalCodeParts(
                fonds=case.fonds_identifier,
                category=ctx.category,
                year=case.year,
                retention=retention.code,
                organization=case.organization_code,
                item=0,
            )
            item = allocate_item_number(conn, ac.class_key(parts, ctx.code_rule))
            code = ac.format_code(ctx.code_rule, parts.with_item(item))
        entry = journal.JournalEntry(
            ingest_id=work.name,
            archive_id=archive_id,
            fonds_identifier=case.fonds_identifier,
            electronic_record_code=case.electronic_record_code,
            package_sha256=digest,
            archival_code=code,
            item_number=item,
            version=version,
            state="allocated",
            work_dir=str(work),
            source=str(source),
            ingested_at=ctx.clock(),
        )
        journal.add(conn, entry)
    return entry


def _load_report(work: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((work / "ingest-report.json").read_text("utf-8"))
    return data


def _report_findings(report: dict[str, object]) -> list[Finding]:
    raw = report.get("findings")
    return [finding_from_dict(f) for f in raw] if isinstance(raw, list) else []


def _build(
    entry: journal.JournalEntry,
    ctx: IngestContext,
    case: CaseRecord,
    measured: dict[str, Measured],
    report: dict[str, object],
    object_id: str,
    retention: RetentionDecision,
) -> dict[str, str]:
    """Write the AIP version into the work area; returns {logical path: sha256}."""
    work = Path(entry.work_dir)
    aip_dir = work / "aip"
    if aip_dir.exists():
        shutil.rmtree(aip_dir)
    info = ArchivalInfo(
        archive_id=entry.archive_id,
        object_id=object_id,
        archival_code=entry.archival_code,
        retention_code=retention.code,
        retention_years=retention.years,
        retention_rule=retention.rule_id,
        retention_table_version=retention.table_version,
        category=ctx.category,
        fonds_identifier=entry.fonds_identifier,
        year=case.year,
        item_number=entry.item_number,
        version=entry.version,
        ingested_at=entry.ingested_at,
        agent=ctx.agent,
        package_sha256=entry.package_sha256,
    )
    originals = {p: Digests(sm3=m.sm3, sha256=m.sha256, size=m.size) for p, m in measured.items()}
    found = {f.path: signature_facts(work / "package" / f.path, f.format) for f in case.files}
    built = build_version(
        aip_dir,
        work / "package",
        case,
        info,
        ctx.signer,
        _report_findings(report),
        originals,
        report,
        ctx.certificates,
        {path: facts for path, facts in found.items() if facts},
    )
    (work / COMPLETE_MARKER).write_text("ok")
    with ctx.engine.begin() as conn:
        journal.set_state(conn, entry.ingest_id, "built")
    return {path: d.sha256 for path, d in built.files.items()}


def _store(
    entry: journal.JournalEntry, ctx: IngestContext, object_id: str, state: dict[str, str]
) -> None:
    """Write the built version into the OCFL storage root (idempotent on a rerun)."""
    version = f"v{entry.version}"
    aip_dir = Path(entry.work_dir) / "aip"
    head = ctx.storage.read_inventory(object_id)
    if head is not None and head.get("head") == version:
        inventory = ctx.storage.read_version_inventory(object_id, version)
        if inventory is None:
            raise RuntimeError(f"{object_id}: root names {version} but its inventory is missing")
    else:
        message = f"ingest {entry.archival_code} {version} from {Path(entry.source).name}"
        user = (ctx.agent, "urn:earchive:agent")
        if head is None:
            inventory = new_inventory(object_id, state, entry.ingested_at, message, *user)
        else:
            inventory, _ = next_inventory(head, state, entry.ingested_at, message, *user)
    data, _sidecar = inventory_bytes(inventory)
    # the staged files were hashed when built (or re-hashed on a resume): no third pass here;
    # they are this ingest's own work files, removed after: storage may keep them (no copy)
    ctx.storage.write_version(
        object_id,
        aip_dir,
        data,
        version,
        stored_paths(inventory, version),
        verify_digests=False,
        adopt=True,
    )
    with ctx.engine.begin() as conn:
        journal.set_state(conn, entry.ingest_id, "stored")


def _resume(
    entry: journal.JournalEntry,
    ctx: IngestContext,
    case: CaseRecord | None = None,
    measured: dict[str, Measured] | None = None,
) -> IngestResult:
    """Carry one journal entry forward to ``done`` from whatever state it reached.

    ``case`` and ``measured`` are passed on the normal path (parsed and hashed once); a resume
    after a crash reads them again from the work area.
    """
    work = Path(entry.work_dir)
    if case is None:
        case, _ = parse_case((work / "package" / "case.xml").read_bytes())
        if case is None:  # it was validated before the journal row was written
            raise RuntimeError(f"journal entry {entry.ingest_id}: case.xml no longer parses")
    report = _load_report(work)
    if measured is None:
        measured = _measure_all(work / "package", ctx)
    object_id = object_id_for(entry.fonds_identifier, entry.electronic_record_code)
    retention = ctx.retention.retention_for(case)
    aip_dir = work / "aip"
    if entry.state == "allocated" or not (work / COMPLETE_MARKER).exists():
        state = _build(entry, ctx, case, measured, report, object_id, retention)
    else:  # resumed after a crash: the built version is complete, hash it again
        state = {
            p.relative_to(aip_dir).as_posix(): digest_file(p).sha256
            for p in sorted(aip_dir.rglob("*"))
            if p.is_file()
        }
    _fault(ctx, "built")
    if entry.state in ("allocated", "built"):
        if ctx.declare_retention is not None:
            ctx.declare_retention(object_id, retention.years, case.year)
        _store(entry, ctx, object_id, state)
    _fault(ctx, "stored")
    manifest_sha256 = state["metadata/manifest.txt"]
    record, files, version_row = _catalog_rows(
        entry, case, measured, manifest_sha256, object_id, retention.code, ctx.category
    )
    payload = _index_payload(record, case, aip_dir) if ctx.deferred_indexing else None
    with ctx.engine.begin() as conn:  # the catalog rows, the jobs and ``done`` commit together
        ctx.catalog.record_version(record, files, version_row, conn)
        if payload is None:
            queue_for_indexing(conn, entry.archive_id)
        else:  # the indexer's job, committed with the catalog rows
            enqueue(conn, INDEX_JOB, entry.archive_id, payload)
        owed = ctx.preservation_jobs(entry.fonds_identifier) if ctx.preservation_jobs else ()
        for kind in owed:  # copies and OCR: after the ingest, by a worker (ingest.derived_version)
            enqueue(conn, kind, entry.archive_id)
        if ctx.identities is not None:
            keyed = case_identities(entry.archive_id, case, ctx.identities)
            IdentityTable.replace(conn, entry.archive_id, keyed)
        journal.set_state(conn, entry.ingest_id, "done")
        detail: dict[str, object] = {
            "source": entry.source,
            "archival_code": entry.archival_code,
            "version": entry.version,
            "manifest_sha256": manifest_sha256,
            "package_sha256": entry.package_sha256,
        }
        if isinstance(report.get("provenance"), dict):
            detail["provenance"] = report["provenance"]
        ctx.log("ingest", entry.archive_id, "accepted", detail, conn)
    _fault(ctx, "cataloged")
    index_findings = (
        index_version(ctx.index, ctx.engine, record, case, aip_dir) if payload is None else ()
    )
    shutil.rmtree(work, ignore_errors=True)
    status = "accepted" if entry.version == 1 else "new_version"
    done = make(
        "INGEST_ACCEPTED" if status == "accepted" else "INGEST_NEW_VERSION",
        Status.PASS,
        archive_id=entry.archive_id,
        archival_code=entry.archival_code,
        version=str(entry.version),
    )
    package_bytes = report.get("package_bytes", 0)
    return IngestResult(
        status=status,
        source=entry.source,
        electronic_record_code=entry.electronic_record_code,
        id=entry.archive_id,
        archival_code=entry.archival_code,
        version=entry.version,
        findings=(*_report_findings(report), *index_findings, done),
        bytes=package_bytes if isinstance(package_bytes, int) else 0,
    )


def _index_payload(record: ArchiveRecord, case: CaseRecord, aip_dir: Path) -> bytes | None:
    """The queued form of the archive's index document; ``None`` when it cannot be built (the
    archive is then indexed inline, whose failure path queues a retry and warns)."""
    try:
        return document_payload(build_document(record, case, aip_dir))
    except (TextExtractionError, OSError, RuntimeError, ValueError):
        return None


def _catalog_rows(
    entry: journal.JournalEntry,
    case: CaseRecord,
    measured: dict[str, Measured],
    manifest_sha256: str,
    object_id: str,
    retention_code: str,
    category: str,
) -> tuple[ArchiveRecord, list[FileRow], VersionRow]:
    files = [
        FileRow(
            path=f.path,
            material_code=f.material_code,
            title=f.title,
            format=measured[f.path].format.name,
            size=measured[f.path].size,
            sm3=measured[f.path].sm3,
            sha256=measured[f.path].sha256,
            signed=f.signed,
        )
        for f in case.files
    ]
    record = ArchiveRecord(
        id=entry.archive_id,
        object_id=object_id,
        electronic_record_code=case.electronic_record_code,
        fonds_identifier=case.fonds_identifier,
        archival_code=entry.archival_code,
        year=case.year,
        retention=retention_code,
        category=category,
        organization_code=case.organization_code,
        item_number=entry.item_number,
        task_code=case.task_code,
        task_name=case.task_name,
        task_type=case.task_type,
        project_name=case.project_name,
        project_id=case.project_id,
        accept_number=case.accept_number,
        applicant_name=case.applicant.name,
        applicant_type=case.applicant.type,
        receive_department=case.receive_department,
        result=case.result,
        security_classification=case.security_classification,
        receive_time=case.receive_time,
        transact_time=case.transact_time,
        version=entry.version,
        ingested_at=entry.ingested_at,
        file_count=len(files),
        total_bytes=sum(f.size for f in files),
        status="archived",
    )
    version_row = VersionRow(
        version=entry.version,
        created=entry.ingested_at,
        manifest_sha256=manifest_sha256,
        package_sha256=entry.package_sha256,
    )
    return record, files, version_row


def resume_pending(ctx: IngestContext) -> list[IngestResult]:
    """Finish every ingest a crash interrupted (oldest first), then sweep abandoned work dirs.

    An entry whose work directory another live process holds is left to that process.
    """
    with ctx.engine.begin() as conn:
        entries = journal.pending(conn)
    results = []
    for entry in entries:
        with workarea.held(Path(entry.work_dir), wait=False) as mine:
            if mine:
                results.append(_resume(entry, ctx))
    with ctx.engine.begin() as conn:
        keep = {e.work_dir for e in journal.pending(conn)}
    workarea.sweep(ctx.work_dir, keep)
    return results

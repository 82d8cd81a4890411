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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine

from ingest import journal
from ingest.casexml import parse_case
from ingest.counters import allocate_item_number
from ingest.indexing import index_version
from ingest.measure import Measured, measure
from ingest.rules import check_case
from ingest.unpack import Limits, unpack
from package.aip import build_version
from package.digest import Digests
from package.metadata import ArchivalInfo
from package.ocfl import inventory_bytes, new_inventory, next_inventory
from package.signature import Signer
from preservation.ocfl_root import OcflRoot
from search.catalog import ArchiveRecord, Catalog, FileRow, VersionRow
from search.index import SearchIndex
from standards import archival_code as ac
from standards.case import CaseRecord
from standards.finding import Finding, Status
from standards.findings import make
from standards.retention import RetentionTable

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


@dataclass(frozen=True)
class IngestContext:
    """Everything an ingest needs, built once by the application (``earchive.archive``)."""

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
    limits: Limits = field(default_factory=Limits)
    fault_point: str | None = None


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
    """Case packages named by ``paths``: ZIPs, case directories, or folders holding them."""
    for path in paths:
        if path.is_dir() and not (path / "case.xml").exists():
            children = sorted(
                p for p in path.iterdir() if p.suffix.lower() == ".zip" or p.is_dir()
            )
            yield from children
        else:
            yield path


def _fault(ctx: IngestContext, point: str) -> None:
    """Test hook: die abruptly at a named point, as a killed process would."""
    if ctx.fault_point == point:
        os._exit(137)


def _package_digest(measured: dict[str, Measured]) -> str:
    h = hashlib.sha256()
    for path in sorted(measured):
        h.update(f"{path}\t{measured[path].sha256}\n".encode())
    return h.hexdigest()


def _measure_all(root: Path) -> dict[str, Measured]:
    rels = ["case.xml"] + sorted(
        p.relative_to(root).as_posix()
        for folder in ("A", "B", "C")
        if (root / folder).is_dir()
        for p in (root / folder).rglob("*")
        if p.is_file()
    )
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(rels, pool.map(lambda r: measure(root, r), rels), strict=True))


def _quarantine(
    ctx: IngestContext, source: Path, findings: list[Finding], erc: str
) -> IngestResult:
    stamp = ctx.clock().strftime("%Y%m%dT%H%M%S")
    target = ctx.quarantine_dir / f"{stamp}-{uuid.uuid4().hex[:8]}-{source.name}"
    target.mkdir(parents=True)
    if source.is_dir():
        shutil.copytree(source, target / source.name, symlinks=True)
    elif source.exists():
        shutil.copy2(source, target / source.name)
    report = {
        "status": "refused",
        "source": str(source),
        "electronic_record_code": erc,
        "refused_at": ctx.clock().isoformat(),
        "findings": [f.as_dict() for f in findings],
    }
    (target / "report.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return IngestResult(
        status="refused",
        source=str(source),
        electronic_record_code=erc,
        findings=tuple(findings),
        quarantine=str(target),
    )


def ingest_path(source: Path, ctx: IngestContext) -> IngestResult:
    """Ingest one case package; never raises for bad input."""
    work = ctx.work_dir / uuid.uuid4().hex
    try:
        return _ingest(source, ctx, work)
    finally:
        # the journal owns work dirs of accepted ingests; anything else is scratch
        if work.exists() and not (work / "journal").exists():
            shutil.rmtree(work, ignore_errors=True)


def _ingest(source: Path, ctx: IngestContext, work: Path) -> IngestResult:
    findings: list[Finding] = []
    unpacked = unpack(source, work / "package", ctx.limits)
    findings.extend(unpacked.findings)
    if unpacked.root is None:
        return _quarantine(ctx, source, findings, "")
    root = unpacked.root
    case_xml = root / "case.xml"
    if not case_xml.is_file():
        findings.append(make("PKG_CASE_XML_MISSING", path="case.xml"))
        return _quarantine(ctx, source, findings, "")
    case, parse_findings = parse_case(case_xml.read_bytes())
    findings.extend(parse_findings)
    if case is None:
        return _quarantine(ctx, source, findings, "")
    measured = _measure_all(root)
    name = source.name[:-4] if source.suffix.lower() == ".zip" else source.name
    findings.extend(check_case(case, root, measured, name))
    if any(f.status is Status.FAIL for f in findings):
        return _quarantine(ctx, source, findings, case.electronic_record_code)
    return _accept(source, ctx, work, case, measured, findings)


def _accept(
    source: Path,
    ctx: IngestContext,
    work: Path,
    case: CaseRecord,
    measured: dict[str, Measured],
    findings: list[Finding],
) -> IngestResult:
    erc = case.electronic_record_code
    archive_id = archive_id_for(case.fonds_identifier, erc)
    digest = _package_digest(measured)
    total = sum(m.size for m in measured.values())
    existing = ctx.catalog.get(archive_id)
    if existing is not None:
        same = ctx.catalog.find_version_by_package_digest(archive_id, digest)
        if same is not None:
            return IngestResult(
                status="duplicate",
                source=str(source),
                electronic_record_code=erc,
                id=archive_id,
                archival_code=existing.archival_code,
                version=same.version,
                findings=(
                    make(
                        "INGEST_DUPLICATE",
                        Status.PASS,
                        archive_id=archive_id,
                        version=str(same.version),
                    ),
                ),
            )
    with ctx.engine.begin() as conn:
        open_entry = journal.find_open(conn, archive_id, digest)
    if open_entry is not None:  # the same package was half-ingested before a crash
        return _resume(open_entry, ctx, findings)
    retention = ctx.retention.retention_for(case)
    (work / "journal").write_text(archive_id, encoding="utf-8")
    with ctx.engine.begin() as conn:
        latest = journal.latest_version(conn, archive_id)
        if existing is not None or latest is not None:
            version = max(existing.version if existing else 0, latest.version if latest else 0)
            version += 1
            code = existing.archival_code if existing else latest.archival_code  # type: ignore[union-attr]
            item = existing.item_number if existing else latest.item_number  # type: ignore[union-attr]
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
            item = allocate_item_number(conn, ac.class_key(parts))
            code = ac.format_code(ctx.code_rule, parts.with_item(item))
        entry = journal.JournalEntry(
            ingest_id=work.name,
            archive_id=archive_id,
            fonds_identifier=case.fonds_identifier,
            electronic_record_code=erc,
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
    report = {
        "source": str(source),
        "package_sha256": digest,
        "package_bytes": total,
        "findings": [f.as_dict() for f in findings],
    }
    (work / "ingest-report.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    _fault(ctx, "allocated")
    return _resume(entry, ctx, findings)


def _load_report(work: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads((work / "ingest-report.json").read_text("utf-8"))
    return data


def _resume(
    entry: journal.JournalEntry, ctx: IngestContext, findings: list[Finding] | None = None
) -> IngestResult:
    """Carry one journal entry forward to ``done`` from whatever state it reached."""
    work = Path(entry.work_dir)
    root = work / "package"
    case_bytes = (root / "case.xml").read_bytes()
    case, _ = parse_case(case_bytes)
    if case is None:  # validated before the journal row was written; cannot happen
        raise RuntimeError(f"journal entry {entry.ingest_id}: case.xml no longer parses")
    report = _load_report(work)
    if findings is None:
        findings = []
    measured = _measure_all(root)
    aip_dir = work / "aip"
    object_id = object_id_for(entry.fonds_identifier, entry.electronic_record_code)
    retention = ctx.retention.retention_for(case)
    if entry.state == "allocated" or not (work / COMPLETE_MARKER).exists():
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
        originals = {
            path: Digests(sm3=m.sm3, sha256=m.sha256, size=m.size) for path, m in measured.items()
        }
        built_findings = [Finding(**f) if isinstance(f, dict) else f for f in []]
        del built_findings
        build_version(aip_dir, root, case, info, ctx.signer, findings or [], originals, report)
        (work / COMPLETE_MARKER).write_text("ok")
        with ctx.engine.begin() as conn:
            journal.set_state(conn, entry.ingest_id, "built")
    _fault(ctx, "built")
    state = {
        p.relative_to(aip_dir).as_posix(): p for p in sorted(aip_dir.rglob("*")) if p.is_file()
    }
    from package.digest import digest_file

    digests = {logical: digest_file(path).sha256 for logical, path in state.items()}
    prev = ctx.storage.read_inventory(object_id)
    message = f"ingest {entry.archival_code} v{entry.version} from {Path(entry.source).name}"
    if prev is None:
        inventory = new_inventory(
            object_id, digests, entry.ingested_at, message, ctx.agent, "urn:earchive:agent"
        )
        to_store = {logical: f"v1/content/{logical}" for logical in digests}
    elif prev.get("head") == f"v{entry.version}":
        inventory, to_store = prev, {}
    else:
        inventory, to_store = next_inventory(
            prev, digests, entry.ingested_at, message, ctx.agent, "urn:earchive:agent"
        )
    if to_store or prev is None or prev.get("head") != f"v{entry.version}":
        data, _sidecar = inventory_bytes(inventory)
        ctx.storage.write_version(object_id, aip_dir, data, f"v{entry.version}", to_store)
    _fault(ctx, "stored")
    with ctx.engine.begin() as conn:
        journal.set_state(conn, entry.ingest_id, "stored")
    status = "accepted" if entry.version == 1 else "new_version"
    record, files, version_row = _catalog_rows(entry, case, measured, digests, object_id, retention)
    ctx.catalog.record_version(record, files, version_row)
    with ctx.engine.begin() as conn:
        journal.set_state(conn, entry.ingest_id, "done")
    _fault(ctx, "cataloged")
    index_findings = index_version(ctx.index, record, case, aip_dir)
    shutil.rmtree(work, ignore_errors=True)
    all_findings = list(findings) + list(index_findings)
    all_findings.append(
        make(
            "INGEST_ACCEPTED" if status == "accepted" else "INGEST_NEW_VERSION",
            Status.PASS,
            archive_id=entry.archive_id,
            archival_code=entry.archival_code,
            version=str(entry.version),
        )
    )
    return IngestResult(
        status=status,
        source=entry.source,
        electronic_record_code=entry.electronic_record_code,
        id=entry.archive_id,
        archival_code=entry.archival_code,
        version=entry.version,
        findings=tuple(all_findings),
        bytes=int(report.get("package_bytes", 0)),  # type: ignore[call-overload]
    )


def _catalog_rows(
    entry: journal.JournalEntry,
    case: CaseRecord,
    measured: dict[str, Measured],
    aip_digests: dict[str, str],
    object_id: str,
    retention: object,
) -> tuple[ArchiveRecord, list[FileRow], VersionRow]:
    raise NotImplementedError


def resume_pending(ctx: IngestContext) -> list[IngestResult]:
    """Finish every ingest a crash interrupted (oldest first)."""
    with ctx.engine.begin() as conn:
        entries = journal.pending(conn)
    return [_resume(e, ctx) for e in entries]

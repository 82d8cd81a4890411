"""Feeding the search index after an archive version is stored.

Reads: the staged AIP version (its original PDFs and XML for full text). Writes: the index, and a
retry row when indexing fails. An indexing failure never fails an ingest: it becomes a WARN finding
and a row in ``index_queue`` that ``retry_queued`` works off later.

The one way to index stored archives: ``stored_documents`` builds their documents from storage
(an archive that cannot give one is left out, with the reason), ``index_batch`` indexes documents
in one request and clears their queue rows; ``retry_queued`` (ingest, after each run) and the
rebuild and reindex of the whole index use these two.
"""

from __future__ import annotations

import json
import shutil
import tempfile
import zlib
from collections.abc import Iterable, Iterator, MutableMapping
from dataclasses import asdict
from pathlib import Path

from sqlalchemy import (
    Column,
    Connection,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    delete,
    select,
)

from ingest.casexml import parse_case
from preservation.ocfl_root import OcflRoot
from preservation.storage import StorageError
from preservation.text import TextExtractionError, extract_text
from search.catalog import ArchiveRecord, Catalog
from search.index import IndexDocument, IndexedFile, SearchIndex, SearchIndexError
from standards.case import CaseRecord
from standards.errors import UnsafePathError
from standards.finding import Finding, Status
from standards.findings import make
from standards.paths import check_relative_path

metadata = MetaData()

#: Derived files whose text is indexed with the originals': OCR text of scans (``derived/…``).
OCR_SUFFIX = ".ocr.txt"
_DERIVED = "derived/"


def indexed_path(logical: str) -> bool:
    """Whether a stored file feeds the index document: originals, and OCR text of scans."""
    return logical.startswith("original/") or (
        logical.startswith(_DERIVED) and logical.endswith(OCR_SUFFIX)
    )


#: The work-queue kind of "index this archive" (payload: ``document_payload``).
INDEX_JOB = "index"

index_queue = Table(
    "index_queue",
    metadata,
    Column("archive_id", String(80), primary_key=True),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=False),
)


def case_text(case: CaseRecord) -> str:
    """The searchable words of the case metadata itself."""
    parts = [
        case.project_name,
        case.task_name,
        case.applicant.name,
        case.applicant.address,
        case.applicant.legal_representative,
        case.receive_department,
        case.result,
        case.fonds_name,
    ]
    if case.result_certificate is not None:
        parts += [case.result_certificate.type, case.result_certificate.number]
    for step in case.process:
        parts += [step.actor, step.department, step.opinion]
    for f in case.files:
        parts.append(f.title)
    return "\n".join(p for p in parts if p)


def build_document(record: ArchiveRecord, case: CaseRecord, content_root: Path) -> IndexDocument:
    """The index document of one archive; ``content_root`` holds ``original/…`` files and
    the OCR text of scans (``derived/…<OCR_SUFFIX>``) when the archive has any."""
    texts = [case_text(case)]
    for f in case.files:
        path = content_root / "original" / f.path
        if f.format.upper().startswith("PDF") or f.format.upper() == "XML":
            texts.append(extract_text(path, f.format).text)
    derived = content_root / _DERIVED.rstrip("/")
    if derived.is_dir():
        for path in sorted(derived.rglob("*" + OCR_SUFFIX)):
            texts.append(path.read_text("utf-8", errors="replace"))
    return IndexDocument(
        archive_id=record.id,
        electronic_record_code=record.electronic_record_code,
        archival_code=record.archival_code,
        title=record.project_name,
        task_code=record.task_code,
        task_name=record.task_name,
        year=record.year,
        department=record.receive_department,
        result=record.result,
        retention=record.retention,
        security_classification=record.security_classification,
        fonds_identifier=record.fonds_identifier,
        applicant_name=record.applicant_name,
        text="\n".join(texts),
        issued=case.result_certificate.type if case.result_certificate is not None else "",
    )


class StoredDocumentError(Exception):
    """An archive's stored originals cannot give an index document (case.xml unreadable)."""


def stored_document(
    storage: OcflRoot, record: ArchiveRecord, version: str | None = None
) -> IndexDocument:
    """The index document of an archive, from its original files in storage (default: head).

    The originals (and OCR text) are streamed to a temporary folder (text extraction needs
    files) and removed.
    """
    with tempfile.TemporaryDirectory(prefix="earchive-index-") as tmp:
        root = Path(tmp)
        for logical in storage.version_state(record.object_id, version):
            if not indexed_path(logical):
                continue
            target = root / check_relative_path(logical)
            target.parent.mkdir(parents=True, exist_ok=True)
            with (
                storage.open_file(record.object_id, logical, version) as src,
                open(target, "wb") as dst,
            ):
                shutil.copyfileobj(src, dst, 1 << 20)
        case, findings = parse_case((root / "original" / "case.xml").read_bytes())
        if case is None:
            first = findings[0].message if findings else "unreadable"
            raise StoredDocumentError(f"{record.id}: case.xml does not parse: {first}")
        return build_document(record, case, root)


def document_payload(doc: IndexDocument) -> bytes:
    """``doc`` as a compact, self-contained blob (zlib-compressed JSON) for the work queue."""
    return zlib.compress(json.dumps(asdict(doc), ensure_ascii=False).encode(), 6)


def payload_document(payload: bytes) -> IndexDocument:
    """The document ``document_payload`` made; raises ``ValueError`` for a damaged blob."""
    try:
        fields = json.loads(zlib.decompress(payload))
        files = tuple(IndexedFile(**f) for f in fields.pop("files", ()))
        return IndexDocument(**fields, files=files)
    except (zlib.error, TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"damaged index payload: {exc}") from exc


def index_version(
    index: SearchIndex, engine: Engine, record: ArchiveRecord, case: CaseRecord, root: Path
) -> tuple[Finding, ...]:
    """Index one archive; on failure queue it for a retry and say so as a WARN finding."""
    try:
        index.index_many([build_document(record, case, root)])
    except (SearchIndexError, TextExtractionError, OSError, RuntimeError, ValueError) as exc:
        _queue(engine, record.id, repr(exc))
        return (make("INDEX_DEFERRED", Status.WARN, archive_id=record.id, error=str(exc)),)
    with engine.begin() as conn:
        dequeue(conn, record.id)
    return ()


def dequeue(conn: Connection, archive_id: str) -> None:
    conn.execute(delete(index_queue).where(index_queue.c.archive_id == archive_id))


def queue_for_indexing(conn: Connection, archive_id: str) -> None:
    """Mark an archive as owed to the index, in the caller's transaction (before cataloguing
    completes), so a crash between catalog and index is healed by the next ``retry``."""
    exists = conn.execute(
        select(index_queue.c.archive_id).where(index_queue.c.archive_id == archive_id)
    ).first()
    if exists is None:
        conn.execute(index_queue.insert().values(archive_id=archive_id, attempts=0, last_error=""))


def _queue(engine: Engine, archive_id: str, error: str) -> None:
    with engine.begin() as conn:
        row = conn.execute(
            select(index_queue.c.attempts).where(index_queue.c.archive_id == archive_id)
        ).first()
        if row is None:
            conn.execute(
                index_queue.insert().values(archive_id=archive_id, attempts=1, last_error=error)
            )
        else:
            conn.execute(
                index_queue.update()
                .where(index_queue.c.archive_id == archive_id)
                .values(attempts=row.attempts + 1, last_error=error)
            )


def queued(engine: Engine) -> list[str]:
    with engine.begin() as conn:
        return [r.archive_id for r in conn.execute(select(index_queue.c.archive_id)).all()]


#: What keeps one archive's stored files from giving an index document; the others go on.
STORED_DOCUMENT_ERRORS: tuple[type[Exception], ...] = (
    StoredDocumentError,
    StorageError,
    TextExtractionError,
    UnsafePathError,
    OSError,
    KeyError,
    ValueError,
)


def stored_documents(
    storage: OcflRoot, records: Iterable[ArchiveRecord], left_out: MutableMapping[str, str]
) -> Iterator[IndexDocument]:
    """The index documents of ``records`` from their originals in storage; an archive that
    cannot give one is skipped and put in ``left_out`` (id → why)."""
    for record in records:
        try:
            yield stored_document(storage, record)
        except STORED_DOCUMENT_ERRORS as exc:
            left_out[record.id] = str(exc)


def index_batch(index: SearchIndex, engine: Engine, documents: list[IndexDocument]) -> int:
    """Index ``documents`` in one request and clear their retry rows; returns how many."""
    if not documents:
        return 0
    count = index.index_many(documents)
    with engine.begin() as conn:
        for doc in documents:
            dequeue(conn, doc.archive_id)
    return count


def retry_queued(
    storage: OcflRoot, catalog: Catalog, index: SearchIndex, engine: Engine, batch: int = 100
) -> int:
    """Index the archives owed to the index (``index_queue``), ``batch`` at a time; returns
    how many were indexed. An archive whose files cannot give a document stays queued (``earchive
    check`` reports it); an unreachable index stops the retry: the rows stay for the next run."""
    left_out: dict[str, str] = {}
    records = (r for r in map(catalog.get, queued(engine)) if r is not None)
    pending: list[IndexDocument] = []
    done = 0
    try:
        for doc in stored_documents(storage, records, left_out):
            pending.append(doc)
            if len(pending) >= batch:
                done += index_batch(index, engine, pending)
                pending = []
        done += index_batch(index, engine, pending)
    except SearchIndexError:
        pass  # the index is unreachable: the rows stay queued for the next run
    return done

"""Rebuilding the catalog, the 档号 counters and the search index from storage alone.

Storage is the system of record: every OCFL object's versions carry ``metadata/archival.xml``
(档号, retention, case fields, per-file digests) and ``metadata/ingest-report.json``. ``rebuild``
empties the catalog tables and the index, then for each object records every version's rows, the
current version's index document (full text from its original files, extracted to a temporary
directory) and raises each class's counter to the highest 件号 found. Counters are never lowered,
so a number held by an unfinished ingest is not handed out again. File formats are identified
again from the stored bytes, as ingest measured them.

Reads: storage. Writes: the catalog, the counters, the index queue, the index and, given the
identity keyer, the identity keys (``archive_identities``). Raises nothing for a
damaged object: it becomes a ``RebuildProblem`` and the others go on. Run it while no ingest runs.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from ingest.casexml import parse_case
from ingest.counters import set_counter_at_least
from ingest.identities import case_identities
from ingest.indexing import build_document, index_batch, indexed_path
from package.aip import ARCHIVAL_PATH, CASE_XML_PATH, REPORT_PATH
from package.digest import digest_stream
from package.errors import PackageError
from package.manifest import MANIFEST_PATH
from package.metadata import read_archival_metadata
from preservation.formats import identify
from preservation.ocfl_root import OcflRoot
from preservation.storage import StorageError
from preservation.text import TextExtractionError
from search.catalog import Catalog, CatalogError
from search.identities import IdentityKeyer, IdentityRow, IdentityTable
from search.index import IndexDocument, SearchIndex
from search.records import ArchiveRecord, FileRow, VersionRow
from standards import archival_code as ac
from standards.digits import is_ascii_digits
from standards.errors import ArchivalCodeError

__all__ = ["RebuildError", "RebuildProblem", "RebuildReport", "rebuild"]

ORIGINAL = "original/"
ARCHIVED = "archived"  # the catalog status of an ingested archive (as ``ingest.pipeline``)
_INDEX_BATCH = 50


class RebuildError(Exception):
    """One object's stored metadata cannot be turned into catalog rows."""


#: What makes one object a problem without stopping the rebuild of the others.
_OBJECT_ERRORS = (
    RebuildError,
    PackageError,
    StorageError,  # OcflError included
    CatalogError,
    OSError,
    TextExtractionError,
    ArchivalCodeError,
    KeyError,  # a field missing from stored metadata
    ValueError,  # a field of the wrong shape
)


@dataclass(frozen=True)
class RebuildProblem:
    """An object left out of the rebuild, and why."""

    object_id: str
    message: str


@dataclass(frozen=True)
class RebuildReport:
    """What ``rebuild`` recorded: archives, versions, indexed documents, counters, problems."""

    archives: int
    versions: int
    indexed: int
    counters: Mapping[str, int]
    problems: tuple[RebuildProblem, ...]


@dataclass(frozen=True)
class _Rebuilt:
    record: ArchiveRecord
    document: IndexDocument
    versions: int
    class_key: str
    identities: tuple[IdentityRow, ...] = ()


def rebuild(
    storage: OcflRoot,
    catalog: Catalog,
    index: SearchIndex,
    engine: Engine,
    code_rule: ac.ArchivalCodeRule,
    on_object: Callable[[str], None] | None = None,
    identities: IdentityKeyer | None = None,
) -> RebuildReport:
    """Empty the catalog and the index, then fill them again from every object in ``storage``.

    ``engine`` is the catalog database (counters, index queue, identity keys); ``on_object`` is
    called with each object id once it is done (progress); ``identities`` keys each archive's
    applicant into ``archive_identities`` (emptied first), as ingest does.
    """
    catalog.clear()
    index.clear()
    table = IdentityTable(engine)
    if identities is not None:
        table.clear()
    maxima: dict[str, int] = {}
    problems: list[RebuildProblem] = []
    batch: list[IndexDocument] = []
    archives = versions = indexed = 0
    for object_id in storage.object_ids():
        try:
            done = _rebuild_object(storage, catalog, object_id, code_rule, identities)
            if identities is not None:
                table.record(done.record.id, done.identities)
        except _OBJECT_ERRORS as exc:
            problems.append(RebuildProblem(object_id, str(exc)))
        else:
            archives += 1
            versions += done.versions
            key, item = done.class_key, done.record.item_number
            maxima[key] = max(maxima.get(key, 0), item)
            batch.append(done.document)
            if len(batch) >= _INDEX_BATCH:
                indexed += _flush(index, engine, batch)
        if on_object is not None:
            on_object(object_id)
    indexed += _flush(index, engine, batch)
    try:
        with engine.begin() as conn:
            for key, value in sorted(maxima.items()):
                set_counter_at_least(conn, key, value)
    except SQLAlchemyError as exc:
        raise CatalogError(f"cannot restore the 档号 counters: {exc}") from exc
    return RebuildReport(archives, versions, indexed, dict(sorted(maxima.items())), tuple(problems))


def _flush(index: SearchIndex, engine: Engine, batch: list[IndexDocument]) -> int:
    """Index ``batch`` (``index_batch``) and empty the list."""
    try:
        count = index_batch(index, engine, batch)
    except SQLAlchemyError as exc:
        raise CatalogError(f"cannot update the index queue: {exc}") from exc
    batch.clear()
    return count


def _rebuild_object(
    storage: OcflRoot,
    catalog: Catalog,
    object_id: str,
    code_rule: ac.ArchivalCodeRule,
    keyer: IdentityKeyer | None = None,
) -> _Rebuilt:
    inventory = storage.read_inventory(object_id)
    if inventory is None:
        raise RebuildError("object has no inventory")
    head = str(inventory["head"])
    names = sorted(inventory["versions"], key=_number)
    same_digest = inventory.get("digestAlgorithm") == "sha256"
    with tempfile.TemporaryDirectory(prefix="earchive-rebuild-") as tmp:
        content = Path(tmp) / head
        head_state = storage.version_state(object_id, head)
        for logical in sorted(p for p in head_state if indexed_path(p)):
            _extract(storage, object_id, head, logical, content)
        formats = _Formats(storage, object_id, Path(tmp), content, head_state)
        rows: list[tuple[ArchiveRecord, list[FileRow], VersionRow]] = []
        for name in names:  # read every version before writing any row
            state = storage.version_state(object_id, name)
            meta = read_archival_metadata(_read(storage, object_id, ARCHIVAL_PATH, name))
            if int(str(meta["version"])) != _number(name):
                raise RebuildError(f"{ARCHIVAL_PATH} of {name} names version {meta['version']}")
            files = [_file_row(entry, name, formats) for entry in _list(meta, "files")]
            version_row = VersionRow(
                version=_number(name),
                created=_created(inventory, name, meta["ingested_at"]),  # type: ignore[arg-type]
                manifest_sha256=(
                    state[MANIFEST_PATH]
                    if same_digest
                    else _sha256(storage, object_id, MANIFEST_PATH, name)
                ),
                package_sha256=_package_sha256(storage, object_id, name, meta),
            )
            rows.append((_record(meta, files), files, version_row))
        if not rows or rows[-1][2].version != _number(head):
            raise RebuildError(f"head {head} is not the newest version")
        record = rows[-1][0]
        case, findings = parse_case((content / CASE_XML_PATH).read_bytes())
        if case is None:
            raise RebuildError(f"{CASE_XML_PATH} does not parse: {findings[:1]}")
        document = build_document(record, case, content)
        for row in rows:
            catalog.record_version(*row)
    parts = ac.ArchivalCodeParts(
        fonds=record.fonds_identifier,
        category=record.category,
        year=record.year,
        retention=record.retention,
        organization=record.organization_code,
    )
    keyed = case_identities(record.id, case, keyer) if keyer is not None else []
    return _Rebuilt(record, document, len(names), code_rule.class_key(parts), tuple(keyed))


def _created(inventory: Mapping[str, Any], name: str, ingested_at: datetime) -> datetime:
    """A version's time: its inventory's ``created`` (an ingest writes its ingest time there, a
    preservation run the time it made the version), else the archival metadata's ingest time."""
    try:
        created = datetime.fromisoformat(str(inventory["versions"][name]["created"]))
    except (KeyError, TypeError, ValueError):
        return ingested_at
    return created if created.tzinfo is not None else ingested_at


def _number(version: object) -> int:
    """``"v3"`` → 3; raises ``RebuildError`` for anything else."""
    text = str(version)
    if not (text.startswith("v") and is_ascii_digits(text[1:])):
        raise RebuildError(f"not an OCFL version name: {text!r}")
    return int(text[1:])


class _Formats:
    """Format names of stored files, identified once per content digest from its bytes."""

    def __init__(
        self,
        storage: OcflRoot,
        object_id: str,
        scratch: Path,
        head_root: Path,
        head_state: Mapping[str, str],
    ) -> None:
        self._storage, self._object_id, self._scratch = storage, object_id, scratch
        self._known: dict[str, Path] = {
            digest: head_root / logical for logical, digest in head_state.items()
        }
        self._names: dict[str, str] = {}

    def name(self, sha256: str, logical: str, version: str) -> str:
        if sha256 not in self._names:
            path = self._known.get(sha256)
            if path is None or not path.is_file():
                scratch = self._scratch / version
                path = _extract(self._storage, self._object_id, version, logical, scratch)
            self._names[sha256] = identify(path).name
        return self._names[sha256]


def _extract(storage: OcflRoot, object_id: str, version: str, logical: str, root: Path) -> Path:
    target = root / logical
    if root.resolve() not in target.resolve().parents:
        raise RebuildError(f"unsafe logical path {logical!r}")
    target.parent.mkdir(parents=True, exist_ok=True)
    with storage.open_file(object_id, logical, version) as src, open(target, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    return target


def _read(storage: OcflRoot, object_id: str, logical: str, version: str) -> bytes:
    with storage.open_file(object_id, logical, version) as fp:
        return fp.read()


def _sha256(storage: OcflRoot, object_id: str, logical: str, version: str) -> str:
    with storage.open_file(object_id, logical, version) as fp:
        return digest_stream(fp).sha256


def _package_sha256(
    storage: OcflRoot, object_id: str, version: str, meta: Mapping[str, Any]
) -> str:
    found = str(meta.get("package_sha256") or "")
    if found:
        return found
    try:
        report = json.loads(_read(storage, object_id, REPORT_PATH, version))
    except ValueError as exc:
        raise RebuildError(f"{REPORT_PATH} of {version} is not JSON: {exc}") from exc
    digest = report.get("package_sha256") if isinstance(report, dict) else None
    if not isinstance(digest, str) or not digest:
        raise RebuildError(f"{version} records no package digest")
    return digest


def _list(meta: Mapping[str, Any], key: str) -> list[dict[str, Any]]:
    value = meta.get(key)
    if not isinstance(value, list):
        raise RebuildError(f"archival.xml has no {key} list")
    return value


def _file_row(entry: Mapping[str, Any], version: str, formats: _Formats) -> FileRow:
    logical = str(entry["path"])
    if not logical.startswith(ORIGINAL):
        raise RebuildError(f"file {logical!r} is not under {ORIGINAL}")
    sha256 = str(entry["sha256"])
    return FileRow(
        path=logical.removeprefix(ORIGINAL),
        material_code=str(entry["materialCode"]),
        title=str(entry["title"]),
        format=formats.name(sha256, logical, version),
        size=int(entry["size"]),
        sm3=str(entry["sm3"]),
        sha256=sha256,
        signed=bool(entry["signed"]),
    )


def _record(meta: Mapping[str, Any], files: list[FileRow]) -> ArchiveRecord:
    """The catalog row of one version, exactly as ``ingest.pipeline`` wrote it."""
    applicant = meta.get("applicant")
    if not isinstance(applicant, dict):
        raise RebuildError("archival.xml has no applicant")
    try:
        return ArchiveRecord(
            id=str(meta["archive_id"]),
            object_id=str(meta["object_id"]),
            electronic_record_code=str(meta["electronic_record_code"]),
            fonds_identifier=str(meta["fonds_identifier"]),
            archival_code=str(meta["archival_code"]),
            year=int(meta["year"]),
            retention=str(meta["retention_period"]),
            category=str(meta["category"]),
            organization_code=str(meta["organization_code"]),
            item_number=int(meta["item_number"]),
            task_code=str(meta["task_code"]),
            task_name=str(meta["task_name"]),
            task_type=str(meta["task_type"]),
            project_name=str(meta["title"]),
            project_id=str(meta["project_id"]),
            accept_number=str(meta["accept_number"]),
            applicant_name=str(applicant.get("name", "")),
            applicant_type=str(applicant.get("type", "")),
            receive_department=str(meta["receive_department"]),
            result=str(meta["result"]),
            security_classification=str(meta["security_classification"]),
            receive_time=meta["receive_time"],
            transact_time=meta["transact_time"],
            version=int(meta["version"]),
            ingested_at=meta["ingested_at"],
            file_count=len(files),
            total_bytes=sum(f.size for f in files),
            status=ARCHIVED,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise RebuildError(f"archival.xml lacks a catalog field: {exc}") from exc

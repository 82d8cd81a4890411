"""Writing a new version of a stored archive that adds derived files (preservation copies, OCR
text) and changes nothing else: the originals, case.xml and the ingest report stay as they were
(OCFL stores no byte twice), ``metadata/archival.xml`` gains the derived files with their
relation and migration event, and the manifest is signed again by the archive.

The order makes a crash harmless: storage first (the new version is visible or not), then the
catalog and the index queue in one transaction, then the index. ``catch_up`` records a version
that storage holds and the catalog does not yet (a run killed between the two), so a rerun goes
on from where the killed one stopped.

Reads and writes: storage, catalog, index queue, index, event log. Raises
``DerivedVersionError`` (the archive moved on meanwhile, or its stored version is unusable).
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import tempfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from ingest.indexing import (
    INDEX_JOB,
    STORED_DOCUMENT_ERRORS,
    document_payload,
    index_batch,
    queue_for_indexing,
    stored_document,
)
from ingest.pipeline import IngestContext
from ingest.work_queue import enqueue
from package.aip import ARCHIVAL_PATH, manifest_signature_facts
from package.derivation import Derivation, read_derivatives, revise_archival_xml
from package.digest import Digests, digest_bytes, digest_file
from package.errors import PackageError
from package.manifest import (
    MANIFEST_PATH,
    SIGNATURE_PATH,
    manifest_bytes,
    parse_manifest,
    sign_manifest,
    signature_json,
)
from package.metadata import read_archival_metadata
from package.ocfl import inventory_bytes, next_inventory
from preservation.ocfl_root import OcflError
from preservation.storage import StorageError
from search.catalog import ArchiveRecord, VersionRow
from search.index import SearchIndexError

__all__ = [
    "NORMALISE_JOB",
    "OCR_JOB",
    "PRESERVATION_JOBS",
    "DerivedVersionError",
    "NewDerived",
    "add_derived_files",
    "catch_up",
    "derivatives",
]

#: Work-queue kinds (``ingest.work_queue``) of the preservation work an ingest leaves owed:
#: preservation copies and OCR text of one archive (``earchive.services.preservation.jobs``).
NORMALISE_JOB = "normalise"
OCR_JOB = "ocr"
PRESERVATION_JOBS = (NORMALISE_JOB, OCR_JOB)

_AGENT_ADDRESS = "urn:earchive:agent"


class DerivedVersionError(Exception):
    """The derived version cannot be written (conflict or an unusable stored version)."""


@dataclasses.dataclass(frozen=True)
class NewDerived:
    """A derived file made in a scratch folder (``local``) and what the metadata says of it."""

    local: Path
    derivation: Derivation


def _read(ctx: IngestContext, object_id: str, logical: str, version: str) -> bytes:
    with ctx.storage.open_file(object_id, logical, version) as fh:
        return fh.read()


def derivatives(ctx: IngestContext, record: ArchiveRecord) -> tuple[Derivation, ...]:
    """The derived files of an archive's current version (none before the first)."""
    try:
        data = _read(ctx, record.object_id, ARCHIVAL_PATH, f"v{record.version}")
        return read_derivatives(data)
    except (PackageError, StorageError, OcflError, KeyError) as exc:
        raise DerivedVersionError(f"{record.id}: {ARCHIVAL_PATH} unreadable: {exc}") from exc


def _head(ctx: IngestContext, object_id: str) -> int:
    inventory = ctx.storage.read_inventory(object_id)
    if inventory is None:
        raise DerivedVersionError(f"{object_id}: not in storage")
    return int(str(inventory["head"]).removeprefix("v"))


def _record_in_catalog(
    ctx: IngestContext, record: ArchiveRecord, version: int, detail: dict[str, object]
) -> ArchiveRecord:
    """Catalog, index queue and event for ``version`` of ``record`` (files: the originals); the
    version's time is its OCFL inventory's ``created``, as ``earchive rebuild`` reads it."""
    name = f"v{version}"
    inventory = ctx.storage.read_version_inventory(record.object_id, name)
    try:
        created = datetime.fromisoformat(str((inventory or {})["versions"][name]["created"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise DerivedVersionError(f"{record.id}: {name} inventory has no creation time") from exc
    manifest = _read(ctx, record.object_id, MANIFEST_PATH, name)
    meta = read_archival_metadata(_read(ctx, record.object_id, ARCHIVAL_PATH, name))
    earlier = ctx.catalog.versions(record.id)
    updated = dataclasses.replace(record, version=version)
    row = VersionRow(
        version=version,
        created=created,
        manifest_sha256=digest_bytes(manifest).sha256,
        package_sha256=str(
            meta.get("package_sha256") or (earlier[-1].package_sha256 if earlier else "")
        ),
    )
    ctx.catalog.record_version(updated, ctx.catalog.files(record.id, record.version), row)
    payload = _payload(ctx, updated) if ctx.deferred_indexing else None
    with ctx.engine.begin() as conn:
        if payload is None:
            queue_for_indexing(conn, record.id)
        else:  # the indexer's job, committed with the catalog rows
            enqueue(conn, INDEX_JOB, record.id, payload)
        ctx.log("preserve", record.id, "new_version", {"version": version, **detail}, conn)
    return updated


def _payload(ctx: IngestContext, record: ArchiveRecord) -> bytes | None:
    """The queued index document of the new version (its OCR text included); ``None`` when it
    cannot be built now (then it is indexed inline, whose failure queues a retry)."""
    try:
        return document_payload(stored_document(ctx.storage, record))
    except STORED_DOCUMENT_ERRORS:
        return None


def _index(ctx: IngestContext, record: ArchiveRecord) -> None:
    """Index the new version now (inline indexing only: else the indexer does it from the
    queue); on failure it stays queued (``retry_queued`` heals it)."""
    if ctx.deferred_indexing:
        return
    with contextlib.suppress(SearchIndexError, OSError, ValueError, RuntimeError):
        index_batch(ctx.index, ctx.engine, [stored_document(ctx.storage, record)])


def catch_up(ctx: IngestContext, record: ArchiveRecord) -> ArchiveRecord:
    """Record in the catalog a newer version that storage already holds; returns the record."""
    head = _head(ctx, record.object_id)
    if head == record.version:
        return record
    if head < record.version:
        raise DerivedVersionError(f"{record.id}: catalog v{record.version} ahead of storage")
    for version in range(record.version + 1, head + 1):
        record = _record_in_catalog(ctx, record, version, {"caught_up": True})
    _index(ctx, record)
    return record


def _stage(stage: Path, logical: str, data: bytes) -> Digests:
    target = stage / logical
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return digest_bytes(data)


def add_derived_files(
    ctx: IngestContext, record: ArchiveRecord, added: Sequence[NewDerived], message: str
) -> ArchiveRecord:
    """Write version N+1 of ``record`` (at version N) holding ``added``; returns the record.

    Raises ``DerivedVersionError`` when storage is no longer at N or a derived file does not
    match its stated digests.
    """
    if not added:
        return record
    object_id, version = record.object_id, record.version
    inventory = ctx.storage.read_inventory(object_id)
    if inventory is None or inventory.get("head") != f"v{version}":
        raise DerivedVersionError(f"{record.id}: storage is not at v{version}")
    previous_manifest = _read(ctx, object_id, MANIFEST_PATH, f"v{version}")
    previous_archival = _read(ctx, object_id, ARCHIVAL_PATH, f"v{version}")
    try:
        files = parse_manifest(previous_manifest)
    except PackageError as exc:
        raise DerivedVersionError(f"{record.id}: v{version} manifest unusable: {exc}") from exc
    files.pop(ARCHIVAL_PATH, None)
    now = ctx.clock()
    with tempfile.TemporaryDirectory(dir=ctx.work_dir, prefix="derived-") as tmp:
        stage = Path(tmp)
        for item in added:
            path = item.derivation.path
            if path in files:
                raise DerivedVersionError(f"{record.id}: {path} exists already")
            target = stage / path
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item.local, target)
            measured = digest_file(target)
            if measured != item.derivation.after:
                raise DerivedVersionError(f"{record.id}: {path} does not match its digests")
            files[path] = measured
        facts = manifest_signature_facts(ctx.signer, now, ctx.certificates)
        try:
            archival = revise_archival_xml(
                previous_archival,
                version + 1,
                digest_bytes(previous_manifest).sha256,
                facts,
                [item.derivation for item in added],
            )
            files[ARCHIVAL_PATH] = _stage(stage, ARCHIVAL_PATH, archival)
            manifest = manifest_bytes(files)
            signed = sign_manifest(manifest, ctx.signer, now, ctx.certificates)
        except PackageError as exc:
            raise DerivedVersionError(f"{record.id}: {exc}") from exc
        files[MANIFEST_PATH] = _stage(stage, MANIFEST_PATH, manifest)
        files[SIGNATURE_PATH] = _stage(stage, SIGNATURE_PATH, signature_json(signed))
        state = {path: digests.sha256 for path, digests in files.items()}
        new, to_store = next_inventory(inventory, state, now, message, ctx.agent, _AGENT_ADDRESS)
        data, _sidecar = inventory_bytes(new)
        ctx.storage.write_version(object_id, stage, data, f"v{version + 1}", to_store)
    detail: dict[str, object] = {
        "message": message,
        "derived": [item.derivation.path for item in added],
        "manifest_sha256": files[MANIFEST_PATH].sha256,
    }
    updated = _record_in_catalog(ctx, record, version + 1, detail)
    _index(ctx, updated)
    return updated

"""Where the signed objection annotations and their attachments live: outside every AIP, in the
archive's object storage (built by the application from its settings): ``<home>/annotations/`` with
``EARCHIVE_STORAGE=fs`` (the layout homes have always had), the ``annotations/`` prefix of the
primary bucket, with its Object Lock retention, with ``EARCHIVE_STORAGE=s3``.

Keys (the same on a disk and in a bucket)::

    <archive dir>/<objection id>/entry.json          the signed entry annotation
    <archive dir>/<objection id>/decision.json       the signed decision (once decided)
    <archive dir>/<objection id>/attachments/<name>  files that came with the objection

``<archive dir>`` is the archive id when it is a plain name, else ``x-`` and the id's SHA-256.
Every key is written once through the store's ``put`` (atomic: a crash leaves no file or the whole
file; the same bytes again are a no-op; other bytes under an existing key are refused), so an
annotation is never replaced. Names are checked by ``check_relative_path`` and ``safe_key``.
``earchive rebuild`` restores the ``objections`` table from these keys
(``earchive.services.objections.restore``).

Reads/writes: that store. Raises: ``AnnotationStoreError``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from preservation.storage import (
    ObjectExistsError,
    ObjectNotFoundError,
    ObjectStore,
    StorageError,
    UnsafeKeyError,
    safe_key,
)
from standards.errors import UnsafePathError
from standards.paths import check_relative_path

__all__ = ["AnnotationFiles", "AnnotationStoreError", "StoredObjection", "attachment_name"]

_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


class AnnotationStoreError(Exception):
    """An annotation file cannot be written or read, or a name is unsafe."""


def attachment_name(index: int, filename: str) -> str:
    """A safe, unique stored name: ``<nn>-<base name>`` (``<nn>-attachment`` if unsafe)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    try:
        check_relative_path(base)
        safe_key(base)
        if base in (".", "..") or len(base.encode("utf-8")) > 200:
            raise UnsafePathError(base, "reserved or too long")
    except (UnsafePathError, UnsafeKeyError):
        base = "attachment"
    return f"{index:02d}-{base}"


@dataclass(frozen=True)
class StoredObjection:
    """One objection's folder as found in the store: its file names relative to the folder."""

    archive_dir: str
    objection_id: str
    names: tuple[str, ...]


class AnnotationFiles:
    """The annotation files of one archive, on the ``ObjectStore`` given."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    @staticmethod
    def archive_dir(archive_id: str) -> str:
        """The folder name of an archive's objections."""
        if _PLAIN_ID.fullmatch(archive_id):
            return archive_id
        return "x-" + hashlib.sha256(archive_id.encode("utf-8")).hexdigest()

    @staticmethod
    def _key(archive_dir: str, objection_id: str, relative: str) -> str:
        if not _PLAIN_ID.fullmatch(objection_id):
            raise AnnotationStoreError(f"unsafe objection id {objection_id!r}")
        if not _PLAIN_ID.fullmatch(archive_dir):
            raise AnnotationStoreError(f"unsafe annotation folder {archive_dir!r}")
        try:
            check_relative_path(relative)
            return safe_key(f"{archive_dir}/{objection_id}/{relative}")
        except (UnsafePathError, UnsafeKeyError) as exc:
            raise AnnotationStoreError(f"unsafe annotation file name {relative!r}") from exc

    def key(self, archive_id: str, objection_id: str, relative: str) -> str:
        """The storage key of one annotation file."""
        return self._key(self.archive_dir(archive_id), objection_id, relative)

    def write(self, archive_id: str, objection_id: str, relative: str, data: bytes) -> str:
        """Write ``data`` once at ``relative``; return its key. Never replaces other bytes."""
        key = self.key(archive_id, objection_id, relative)
        try:
            self.store.put(key, data)
        except ObjectExistsError as exc:
            raise AnnotationStoreError(f"annotation file exists, not replaced: {relative}") from exc
        except StorageError as exc:
            raise AnnotationStoreError(f"cannot write annotation file {relative}: {exc}") from exc
        return key

    def read(self, archive_id: str, objection_id: str, relative: str) -> bytes:
        """The bytes of one annotation file of an archive's objection."""
        return self.read_at(self.archive_dir(archive_id), objection_id, relative)

    def read_at(self, archive_dir: str, objection_id: str, relative: str) -> bytes:
        """``read`` by folder name (as ``stored`` lists them)."""
        key = self._key(archive_dir, objection_id, relative)
        try:
            with self.store.open(key) as fh:
                return fh.read()
        except ObjectNotFoundError as exc:
            raise AnnotationStoreError(f"annotation file missing: {relative}") from exc
        except (StorageError, OSError) as exc:
            raise AnnotationStoreError(f"cannot read annotation file {relative}: {exc}") from exc

    def stored(self) -> Iterator[StoredObjection]:
        """Every objection folder in the store, in key order (keys of another shape skipped)."""
        current: tuple[str, str] | None = None
        names: list[str] = []
        try:
            for key in self.store.list(""):
                parts = key.split("/", 2)
                if len(parts) != 3:
                    continue
                folder = (parts[0], parts[1])
                if folder != current:
                    if current is not None:
                        yield StoredObjection(*current, tuple(names))
                    current, names = folder, []
                names.append(parts[2])
        except StorageError as exc:
            raise AnnotationStoreError(f"cannot list the annotations: {exc}") from exc
        if current is not None:
            yield StoredObjection(*current, tuple(names))

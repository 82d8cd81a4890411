"""Where the signed objection annotations and their attachments live: outside every AIP.

Layout under ``<home>/annotations/``::

    <archive dir>/<objection id>/entry.json          the signed entry annotation
    <archive dir>/<objection id>/decision.json       the signed decision (once decided)
    <archive dir>/<objection id>/attachments/<name>  files that came with the objection

Every file is written once: built as a temporary file beside its target, fsynced, then linked
into place (an existing file is never replaced). Names are checked by ``check_relative_path``.
Reads/writes: that directory. Raises: ``AnnotationStoreError``.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

from standards.errors import UnsafePathError
from standards.paths import check_relative_path

__all__ = ["ANNOTATIONS_DIR", "AnnotationFiles", "AnnotationStoreError", "attachment_name"]

ANNOTATIONS_DIR = "annotations"
_PLAIN_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


class AnnotationStoreError(Exception):
    """An annotation file cannot be written or read, or a name is unsafe."""


def attachment_name(index: int, filename: str) -> str:
    """A safe, unique stored name: ``<nn>-<base name>`` (``<nn>-attachment`` if unsafe)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    try:
        check_relative_path(base)
        if base in (".", "..") or len(base.encode("utf-8")) > 200:
            raise UnsafePathError(base, "reserved or too long")
    except UnsafePathError:
        base = "attachment"
    return f"{index:02d}-{base}"


class AnnotationFiles:
    """The annotation directory of one archive home."""

    def __init__(self, home: Path) -> None:
        self.root = home / ANNOTATIONS_DIR

    def _dir(self, archive_id: str, objection_id: str) -> Path:
        name = (
            archive_id
            if _PLAIN_ID.fullmatch(archive_id)
            else ("x-" + hashlib.sha256(archive_id.encode("utf-8")).hexdigest())
        )
        if not _PLAIN_ID.fullmatch(objection_id):
            raise AnnotationStoreError(f"unsafe objection id {objection_id!r}")
        return self.root / name / objection_id

    def path(self, archive_id: str, objection_id: str, relative: str) -> Path:
        try:
            check_relative_path(relative)
        except UnsafePathError as exc:
            raise AnnotationStoreError(f"unsafe annotation file name {relative!r}") from exc
        return self._dir(archive_id, objection_id) / relative

    def write(self, archive_id: str, objection_id: str, relative: str, data: bytes) -> Path:
        """Write ``data`` once at ``relative``; refuses to replace an existing file."""
        target = self.path(archive_id, objection_id, relative)
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".partial-", dir=target.parent)
            try:
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                    fh.flush()
                    os.fsync(fh.fileno())
                os.link(tmp, target)  # fails if the target exists: write-once
            finally:
                os.unlink(tmp)
            dir_fd = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
        except FileExistsError as exc:
            raise AnnotationStoreError(f"annotation file exists, not replaced: {relative}") from exc
        except OSError as exc:
            raise AnnotationStoreError(f"cannot write annotation file {relative}: {exc}") from exc
        return target

    def read(self, archive_id: str, objection_id: str, relative: str) -> bytes:
        try:
            return self.path(archive_id, objection_id, relative).read_bytes()
        except OSError as exc:
            raise AnnotationStoreError(f"cannot read annotation file {relative}: {exc}") from exc

"""The ``ObjectStore`` protocol: a write-once key/value store for preservation objects.

Every backend (local directory, S3) implements it and passes the same contract test suite.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import BinaryIO, Protocol, runtime_checkable

__all__ = ["ObjectStore", "Source"]

#: What ``put`` accepts: a file to copy, bytes, or a binary stream read to its end.
Source = Path | bytes | BinaryIO


@runtime_checkable
class ObjectStore(Protocol):
    """Write-once object storage. There is deliberately no delete.

    Keys are checked with ``safe_key``; every method raises ``UnsafeKeyError`` for a bad key and
    ``StorageError`` for backend failures.
    """

    def put(self, key: str, source: Source) -> None:
        """Store ``source`` under ``key`` once.

        Storing the same bytes again is a no-op (idempotent reruns); different bytes raise
        ``ObjectExistsError``. A failure (or crash) leaves either no object or the whole object.
        """
        ...

    def adopt(self, files: Mapping[str, Path]) -> None:
        """``put(key, path)`` of each ``key → path`` of files the caller gives up: it never
        writes to them again (it may remove their names). A local store may keep each file
        itself, without a copy (a hard link on the same file system, made read-only), and make
        the new names durable together; others copy them. Same outcomes as ``put`` for each:
        same bytes again is a no-op, different bytes raise ``ObjectExistsError``; when it raises,
        the files before the failing one may be stored.
        """
        ...

    def replace(self, key: str, data: bytes) -> None:
        """Atomically set a mutable pointer (an OCFL root inventory or its sidecar).

        Raises ``ReplaceNotAllowedError`` for any key ``is_pointer_key`` refuses.
        """
        ...

    def open(self, key: str) -> BinaryIO:
        """Open the object for streaming reads; raises ``ObjectNotFoundError``."""
        ...

    def exists(self, key: str) -> bool:
        """True if an object is stored under ``key``."""
        ...

    def size(self, key: str) -> int:
        """Size in bytes; raises ``ObjectNotFoundError``."""
        ...

    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield the keys starting with ``prefix`` (a plain string prefix), sorted by code point."""
        ...

    def children(self, folder: str = "") -> Iterator[str]:
        """Yield the names of the sub-folders directly under ``folder`` ("" = the root), sorted.

        Lets a caller that knows the hierarchy (the OCFL layout) walk it level by level
        instead of listing every key.
        """
        ...

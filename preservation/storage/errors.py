"""The storage exception tree: every backend raises these, never its client's own errors."""

from __future__ import annotations

__all__ = [
    "ObjectExistsError",
    "ObjectNotFoundError",
    "RepairRefusedError",
    "ReplaceNotAllowedError",
    "StorageError",
    "UnsafeKeyError",
]


class StorageError(Exception):
    """Base class of storage failures (I/O errors of a backend are translated into this)."""


class UnsafeKeyError(StorageError, ValueError):
    """A key that could escape its root, hide a path separator or confuse a reader."""


class ObjectExistsError(StorageError):
    """A write-once key already holds different bytes."""


class ObjectNotFoundError(StorageError):
    """No object under this key."""


class ReplaceNotAllowedError(StorageError):
    """``replace`` was asked for a key that is not a mutable pointer."""


class RepairRefusedError(StorageError):
    """A repair was refused: the replacement bytes do not have the expected digest."""

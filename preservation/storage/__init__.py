"""Archival object storage: the write-once ``ObjectStore`` protocol and its backends."""

from .base import ObjectStore, Source
from .errors import (
    ObjectExistsError,
    ObjectNotFoundError,
    ReplaceNotAllowedError,
    StorageError,
    UnsafeKeyError,
)
from .fs import FsStore
from .keys import POINTER_NAMES, TEMP_PREFIX, is_pointer_key, safe_key

__all__ = [
    "POINTER_NAMES",
    "TEMP_PREFIX",
    "FsStore",
    "ObjectExistsError",
    "ObjectNotFoundError",
    "ObjectStore",
    "ReplaceNotAllowedError",
    "Source",
    "StorageError",
    "UnsafeKeyError",
    "is_pointer_key",
    "safe_key",
]

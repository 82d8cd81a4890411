"""Archival object storage: the write-once ``ObjectStore`` protocol and its backends."""

from .base import ObjectStore, Source
from .errors import (
    ObjectExistsError,
    ObjectNotFoundError,
    RepairRefusedError,
    ReplaceNotAllowedError,
    StorageError,
    UnsafeKeyError,
)
from .fs import FsStore
from .keys import POINTER_NAMES, TEMP_PREFIX, is_pointer_key, safe_key
from .retention import COMPLIANCE, RetentionPolicy
from .s3 import DEFAULT_PART_SIZE, S3Store, ensure_bucket

__all__ = [
    "COMPLIANCE",
    "DEFAULT_PART_SIZE",
    "POINTER_NAMES",
    "TEMP_PREFIX",
    "FsStore",
    "ObjectExistsError",
    "ObjectNotFoundError",
    "ObjectStore",
    "RepairRefusedError",
    "ReplaceNotAllowedError",
    "RetentionPolicy",
    "S3Store",
    "Source",
    "StorageError",
    "UnsafeKeyError",
    "ensure_bucket",
    "is_pointer_key",
    "safe_key",
]

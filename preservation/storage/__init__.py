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
from .locks import DisposalLocks

# The S3 backend pulls in the minio client; it is loaded on first use, not with the package.
_S3_NAMES = {
    "COMPLIANCE": ".retention",
    "RetentionPolicy": ".retention",
    "DEFAULT_PART_SIZE": ".s3",
    "S3Store": ".s3",
    "ensure_bucket": ".s3",
}


def __getattr__(name: str) -> object:
    if name in _S3_NAMES:
        import importlib

        return getattr(importlib.import_module(_S3_NAMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "COMPLIANCE",
    "DEFAULT_PART_SIZE",
    "POINTER_NAMES",
    "TEMP_PREFIX",
    "DisposalLocks",
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

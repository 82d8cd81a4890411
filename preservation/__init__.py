"""Preservation: archival storage (write-once object stores, the OCFL storage root)."""

from .ocfl_root import (
    InventoryError,
    OcflError,
    OcflNotFoundError,
    OcflRoot,
    VersionConflictError,
    inventory_sidecar,
)
from .storage import (
    FsStore,
    ObjectExistsError,
    ObjectNotFoundError,
    ObjectStore,
    ReplaceNotAllowedError,
    StorageError,
    UnsafeKeyError,
    is_pointer_key,
    safe_key,
)

__all__ = [
    "FsStore",
    "InventoryError",
    "ObjectExistsError",
    "ObjectNotFoundError",
    "ObjectStore",
    "OcflError",
    "OcflNotFoundError",
    "OcflRoot",
    "ReplaceNotAllowedError",
    "StorageError",
    "UnsafeKeyError",
    "VersionConflictError",
    "inventory_sidecar",
    "is_pointer_key",
    "safe_key",
]

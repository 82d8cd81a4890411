"""Preservation: archival storage (write-once object stores, the OCFL storage root), fixity
audits, replicas and restores."""

from .audit import AuditContext, AuditLimits, AuditRun, ObjectAudit, audit_root
from .audit_ledger import AuditLedger
from .ocfl_root import (
    InventoryError,
    OcflError,
    OcflNotFoundError,
    OcflRoot,
    VersionConflictError,
    inventory_sidecar,
)
from .replication import ReplicaFailure, ReplicaQueue, ReplicatedRoot, retry_pending
from .restore import CopyOutcome, copy_object, restore_object
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
    "AuditContext",
    "AuditLedger",
    "AuditLimits",
    "AuditRun",
    "CopyOutcome",
    "FsStore",
    "InventoryError",
    "ObjectAudit",
    "ObjectExistsError",
    "ObjectNotFoundError",
    "ObjectStore",
    "OcflError",
    "OcflNotFoundError",
    "OcflRoot",
    "ReplaceNotAllowedError",
    "ReplicaFailure",
    "ReplicaQueue",
    "ReplicatedRoot",
    "StorageError",
    "UnsafeKeyError",
    "VersionConflictError",
    "audit_root",
    "copy_object",
    "inventory_sidecar",
    "is_pointer_key",
    "restore_object",
    "retry_pending",
    "safe_key",
]

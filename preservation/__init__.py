"""Preservation: archival storage (write-once object stores, the OCFL storage root), fixity
audits, replicas and restores.

The names below load their module on first use (storage backends, audits and checks pull in
heavy libraries that a command may never need)."""

from __future__ import annotations

import importlib

_LAZY = {
    "AuditContext": ".audit",
    "AuditLimits": ".audit",
    "AuditRun": ".audit",
    "ObjectAudit": ".audit",
    "audit_root": ".audit",
    "AuditLedger": ".audit_ledger",
    "InventoryError": ".ocfl_root",
    "OcflError": ".ocfl_root",
    "OcflNotFoundError": ".ocfl_root",
    "OcflRoot": ".ocfl_root",
    "VersionConflictError": ".ocfl_root",
    "inventory_sidecar": ".ocfl_root",
    "ReplicaFailure": ".replication",
    "ReplicaQueue": ".replication",
    "ReplicatedRoot": ".replication",
    "retry_pending": ".replication",
    "CopyOutcome": ".restore",
    "copy_object": ".restore",
    "restore_object": ".restore",
    "FsStore": ".storage",
    "ObjectExistsError": ".storage",
    "ObjectNotFoundError": ".storage",
    "ObjectStore": ".storage",
    "ReplaceNotAllowedError": ".storage",
    "StorageError": ".storage",
    "UnsafeKeyError": ".storage",
    "is_pointer_key": ".storage",
    "safe_key": ".storage",
}


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


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

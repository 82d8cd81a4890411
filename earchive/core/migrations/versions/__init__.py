"""The catalog's Alembic revisions, oldest first."""

__all__ = [
    "0001_initial",
    "0002_operations",
    "0003_identity",
    "0004_objections",
    "0005_operation_locks",
    "0006_transfer_rework",
    "0007_shared_login_state",
]

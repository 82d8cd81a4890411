"""Fixity audits as services: a run over a storage location, restore from the replica, the audit
history for auditors and the BC 3-4 restore drill.
"""

__all__ = [
    "history",
    "restore_drill",
    "service",
]

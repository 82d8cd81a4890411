"""Transfers to the archive bureau as services: the plan and sending (``sender``), delivery,
receipts taken back, the bureau's receiving side and accession, schedules, targets, the console
data and the retention disposition. The rules live in the ``transfer`` package.
"""

__all__ = [
    "accession",
    "console",
    "delivery",
    "disposition",
    "receipts",
    "receiving",
    "schedule",
    "sender",
    "targets",
]

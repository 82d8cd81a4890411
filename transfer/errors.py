"""The transfer stage's exception tree: third-party errors are translated into these."""

from __future__ import annotations

__all__ = [
    "DeliveryError",
    "EepError",
    "LedgerError",
    "PolicyError",
    "ReceiptError",
    "TransferError",
    "TransferPackageError",
]


class TransferError(Exception):
    """Base of every error the transfer stage raises."""


class EepError(TransferError):
    """An EEP could not be built (unreadable source, text XML cannot hold, signing failed)."""


class TransferPackageError(TransferError):
    """A transfer package could not be built."""


class DeliveryError(TransferError):
    """A delivery could not copy the package (unreadable source, target diverged)."""


class ReceiptError(TransferError):
    """A receipt is malformed, unsigned, or signed by a key other than the trusted one."""


class PolicyError(TransferError):
    """The transfer policy data file is malformed."""


class LedgerError(TransferError):
    """The transfer ledger (catalog tables) could not be read or written."""

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


class InboxError(TransferError):
    """A delivery into the receiving inbox that the bureau refuses."""


class UnsafeUploadError(InboxError):
    """A batch name, file path or declared digest that is not acceptable."""


class TooLargeError(InboxError):
    """A file over the receiving limit."""


class DigestMismatchError(InboxError):
    """The received bytes do not have the digests the sender declared."""


class BatchClosedError(InboxError):
    """The batch has its receipt already: nothing more can be delivered into it."""


class IncompleteBatchError(InboxError):
    """The batch cannot be completed yet (manifest or signature not delivered)."""


class UnknownSenderError(InboxError):
    """No sender of that name (or no public key registered for it)."""

"""The sender after the bureau's receipt: the receipt verified and recorded (``accept_receipt``),
transferred archives and the rework queue.

``record_outcomes`` turns a verified receipt into one outcome per archive the batch packaged:
an accepted item is ``transferred`` on the receipt date and kept here at least
``keep_copy_years`` (transfer policy, 5 by default) after it; any other code sends the archive to
``rework`` with the receipt's failed findings (an item the receipt does not name — the whole
package was refused, e.g. ``unpack_failed`` — takes the package's code and findings). Each outcome
is an event (``transfer`` / ``transferred`` or ``rework``). ``rework_queue`` lists the archives
waiting for rework, with their reasons. Raises ``LedgerError``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from earchive.core.archive import Archive
from package.digest import digest_bytes
from preservation.events import Event
from transfer import (
    REWORK,
    TRANSFERRED,
    Outcome,
    OutcomeLedger,
    Receipt,
    TransferLedger,
    TransferPolicy,
    decide_outcomes,
    verify_receipt,
)

__all__ = ["accept_receipt", "kept_until", "record_outcomes", "rework_queue"]


def record_outcomes(archive: Archive, receipt: Receipt) -> list[Outcome]:
    """Record what ``receipt`` decided for each archive of its batch; return the outcomes."""
    sent = TransferLedger(archive.writer).sent_items(receipt.batch_id)
    decided = decide_outcomes(receipt, sent, TransferPolicy.load())
    OutcomeLedger(archive.writer).record(decided)
    now = archive.clock()
    for o in decided:
        detail: dict[str, object] = {"batch": o.batch_id, "code": o.code}
        if o.kept_until is not None:
            detail["kept_until"] = o.kept_until.isoformat()
        if o.receiver_id:
            detail["receiver_id"] = o.receiver_id
        if o.findings:
            detail["findings"] = sorted({f.code for f in o.findings})
        archive.events.record(
            Event(archive.settings.agent, "transfer", o.archive_id, o.status, now, detail)
        )
    return decided


def rework_queue(archive: Archive) -> list[Outcome]:
    """Archives the bureau refused and that have not been accepted since, oldest first."""
    waiting = OutcomeLedger(archive.writer).all(REWORK).values()
    return sorted(waiting, key=lambda o: (o.receipt_at, o.archive_id))


def kept_until(archive: Archive, archive_id: str) -> date | None:
    """Until when this archive must keep its copy of a transferred archive (None: not
    transferred)."""
    outcome = OutcomeLedger(archive.writer).get(archive_id)
    if outcome is None or outcome.status != TRANSFERRED:
        return None
    return outcome.kept_until


def accept_receipt(archive: Archive, receipt_path: Path, receiver_key_pem: str) -> Receipt:
    """Sender side: verify the bureau's receipt signature and record its outcome: accepted
    archives become ``transferred`` (kept here at least the policy's ``keep_copy_years``), the
    others go to ``rework`` with their findings (``earchive.services.transfer.receipts``)."""
    data = receipt_path.read_bytes()
    receipt = verify_receipt(data, receiver_key_pem)
    record_outcomes(archive, receipt)
    TransferLedger(archive.writer).record_receipt(
        receipt.batch_id,
        receipt.code,
        receipt.received_at,
        digest_bytes(data).sm3,
        {i.archival_code: ("accepted" if i.code == "accepted" else i.code) for i in receipt.items},
    )
    archive.events.record(
        Event(
            archive.settings.agent,
            "receipt",
            receipt.batch_id,
            receipt.code,
            archive.clock(),
            {"items": str(len(receipt.items))},
        )
    )
    return receipt

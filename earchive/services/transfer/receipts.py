"""The sender after the bureau's receipt: transferred archives and the rework queue.

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

from earchive.core.archive import Archive
from preservation.events import Event
from transfer import (
    ACCEPTED,
    REWORK,
    TRANSFERRED,
    Outcome,
    OutcomeLedger,
    Receipt,
    TransferLedger,
    TransferPolicy,
)

__all__ = ["kept_until", "record_outcomes", "rework_queue"]


def record_outcomes(archive: Archive, receipt: Receipt) -> list[Outcome]:
    """Record what ``receipt`` decided for each archive of its batch; return the outcomes."""
    policy = TransferPolicy.load()
    sent = TransferLedger(archive.writer).sent_items(receipt.batch_id)
    named = {i.archival_code: i for i in receipt.items}
    package_failed = tuple(f for f in receipt.findings if f.failed)
    at = receipt.received_at
    decided = []
    for code, archive_id in sorted(sent.items()):
        item = named.get(code)
        item_code = item.code if item is not None else receipt.code
        if item_code == ACCEPTED:
            decided.append(
                Outcome(
                    archive_id,
                    code,
                    TRANSFERRED,
                    receipt.batch_id,
                    item_code,
                    at,
                    policy.kept_until(at.date()),
                    item.archive_id if item is not None else "",
                    (),
                )
            )
        else:
            findings = item.failed() if item is not None else package_failed
            decided.append(
                Outcome(
                    archive_id,
                    code,
                    REWORK,
                    receipt.batch_id,
                    item_code,
                    at,
                    None,
                    "",
                    findings or package_failed,
                )
            )
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

"""What the transfer console shows: the plan, each batch with its items, each receipt with its
per-item codes and findings, and where the API/UI deliver a new transfer.

Read-only over ``earchive.services.transfer.sender.plan`` and the transfer ledger
(``transfer_batches`` /
``transfer_items``); a receipt's findings come from the bureau's signed ``<package>.receipt.json``
beside a directory delivery, read with ``transfer.verify_receipt`` (its signature must verify;
an unreadable or tampered file is reported, not trusted). Raises ``ConfigurationError`` from
``delivery_target`` when no target is configured.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError
from earchive.services.transfer.sender import plan
from search.records import ArchiveRecord
from standards.finding import Finding
from transfer import PlanEntry, ReceiptError, TransferLedger, TransferPolicy, verify_receipt
from transfer.ledger import items as ledger_items
from transfer.receipt import RECEIPT_SUFFIX

__all__ = [
    "BatchItem",
    "BatchView",
    "PlanRow",
    "ReceiptView",
    "batches",
    "delivery_target",
    "plan_rows",
]


@dataclass(frozen=True)
class PlanRow:
    """One archive in the plan, with why it has this deadline."""

    entry: PlanEntry
    title: str
    retention: str
    fonds: str
    reason_zh: str
    reason_en: str


@dataclass(frozen=True)
class BatchItem:
    archive_id: str
    archival_code: str
    status: str  # sent | refused | accepted | <receipt code>


@dataclass(frozen=True)
class ReceiptView:
    """A receipt as recorded (code, time) plus, when its file is readable, per-item findings."""

    code: str
    at: datetime | None
    path: str
    items: tuple[tuple[str, str, tuple[Finding, ...]], ...] = ()  # archival code, code, findings
    findings: tuple[Finding, ...] = ()
    problem: str = ""  # why the receipt file could not be read


@dataclass(frozen=True)
class BatchView:
    batch_id: str
    created: datetime
    target: str
    sent: int
    refused: int
    status: str
    items: tuple[BatchItem, ...] = field(default_factory=tuple)
    receipt: ReceiptView | None = None


def plan_rows(
    archive: Archive, visible: Callable[[ArchiveRecord], bool], today: date | None = None
) -> list[PlanRow]:
    """The plan for the archives ``visible`` accepts: overdue first, then by deadline."""
    policy = TransferPolicy.load()
    records = {r.id: r for r in archive.catalog.iter_archives() if visible(r)}
    rows = []
    for entry in plan(archive, today):
        record = records.get(entry.archive_id)
        if record is None:
            continue
        years = policy.years_by_retention.get(record.retention, policy.default_years)
        rows.append(
            PlanRow(
                entry=entry,
                title=record.project_name,
                retention=record.retention,
                fonds=record.fonds_identifier,
                reason_zh=f"办结 {entry.formed} 起 {years} 年内移交（保管期限 {record.retention}）",
                reason_en=(
                    f"within {years} years of completion on {entry.formed} "
                    f"(retention {record.retention})"
                ),
            )
        )
    order = {"overdue": 0, "rework": 1, "due": 2, "sent": 3, "not_due": 4, "transferred": 5}
    return sorted(rows, key=lambda r: (order.get(r.entry.status, 9), r.entry.deadline))


def _receipt(target: str, code: str, at: datetime | None) -> ReceiptView:
    path = Path(target)
    receipt_path = path.with_name(path.name + RECEIPT_SUFFIX)
    if not receipt_path.is_file():
        return ReceiptView(code, at, "", problem="receipt file not found beside the delivery")
    try:
        receipt = verify_receipt(receipt_path.read_bytes())
    except (OSError, ReceiptError) as exc:
        return ReceiptView(code, at, str(receipt_path), problem=str(exc))
    return ReceiptView(
        code,
        at,
        str(receipt_path),
        items=tuple((i.archival_code, i.code, i.findings) for i in receipt.items),
        findings=receipt.findings,
    )


def batches(archive: Archive, visible_ids: set[str] | None = None) -> list[BatchView]:
    """Every batch, newest first, with its items (only ``visible_ids`` when given)."""
    ledger = TransferLedger(archive.writer)
    per_batch: dict[str, list[BatchItem]] = {}
    with archive.writer.connect() as conn:
        for row in conn.execute(select(ledger_items).order_by(ledger_items.c.archive_id)):
            if visible_ids is not None and row.archive_id not in visible_ids:
                continue
            per_batch.setdefault(row.batch_id, []).append(
                BatchItem(row.archive_id, row.archival_code, row.status)
            )
    out = []
    for b in reversed(ledger.batches()):
        receipt = _receipt(b.target, b.status, b.receipt_at) if b.receipt_at else None
        out.append(
            BatchView(
                b.batch_id,
                b.created,
                b.target,
                b.items,
                b.refused,
                b.status,
                tuple(per_batch.get(b.batch_id, ())),
                receipt,
            )
        )
    return out


def delivery_target(archive: Archive) -> Path:
    """Where the API and the UI deliver a transfer: ``EARCHIVE_TRANSFER_TARGET``, else the first
    enabled directory endpoint of the transfer policy; raises ``ConfigurationError``."""
    chosen = archive.settings.transfer_target
    if chosen is not None:
        return Path(chosen)
    for endpoint in getattr(TransferPolicy.load(), "endpoints", ()):
        target = str(getattr(endpoint, "target", ""))
        if getattr(endpoint, "enabled", True) and target.startswith("/"):
            return Path(target)
    raise ConfigurationError(
        "no transfer target configured (set EARCHIVE_TRANSFER_TARGET to a directory)"
    )

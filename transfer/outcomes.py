"""The sender's outcome of each transferred archive: ``transferred`` (and until when the sender
keeps its own copy) or ``rework`` (the bureau refused it, with the receipt's findings); on the
bureau's side, ``received`` for an archive it took in by transfer.

One row per archive in ``transfer_outcomes`` (the latest receipt decides; an archive the bureau
accepted stays ``transferred`` even if a later re-send is refused, since the bureau holds it).
The batch history stays in ``transfer_items`` (``transfer.ledger``). The table is created by
migration 0006 (and on first use, as the ledger's are). Raises ``LedgerError``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Column, Date, DateTime, Engine, MetaData, String, Table, Text, select
from sqlalchemy.exc import SQLAlchemyError

from standards.finding import Finding, finding_from_dict

from .errors import LedgerError
from .policy import TransferPolicy
from .receipt import ACCEPTED, Receipt

__all__ = [
    "RECEIVED",
    "REWORK",
    "TRANSFERRED",
    "Outcome",
    "OutcomeLedger",
    "decide_outcomes",
    "metadata",
]

TRANSFERRED = "transferred"
REWORK = "rework"
RECEIVED = "received"  # on the bureau's side: taken in by transfer (never sent on)

metadata = MetaData()
outcomes = Table(
    "transfer_outcomes",
    metadata,
    Column("archive_id", String(200), primary_key=True),
    Column("archival_code", String(200), nullable=False),
    Column("status", String(20), nullable=False),  # transferred | rework | received
    Column("batch_id", String(80), nullable=False),  # the batch whose receipt decided it
    Column("code", String(40), nullable=False),  # that receipt item's code
    Column("receipt_at", DateTime(timezone=True), nullable=False),
    Column("kept_until", Date),  # transferred: the sender keeps its copy at least until then
    Column("receiver_id", String(200), nullable=False),  # the bureau's archive id ("" unknown)
    Column("findings", Text, nullable=False),  # JSON list of the receipt item's failed findings
)


@dataclass(frozen=True)
class Outcome:
    archive_id: str
    archival_code: str
    status: str  # transferred | rework | received
    batch_id: str
    code: str
    receipt_at: datetime
    kept_until: date | None
    receiver_id: str
    findings: tuple[Finding, ...]


def decide_outcomes(
    receipt: Receipt, sent: Mapping[str, str], policy: TransferPolicy
) -> list[Outcome]:
    """What ``receipt`` decides for each archive its batch packaged (``sent``: 档号 → archive
    id): an accepted item is ``transferred`` on the receipt date and kept by the sender until
    ``policy.kept_until``; any other code sends the archive to ``rework`` with the item's failed
    findings. An item the receipt does not name (the whole package was refused, e.g.
    ``unpack_failed``) takes the package's code and failed findings."""
    named = {i.archival_code: i for i in receipt.items}
    package_failed = tuple(f for f in receipt.findings if f.failed)
    at = receipt.received_at
    decided = []
    for code, archive_id in sorted(sent.items()):
        item = named.get(code)
        item_code = item.code if item is not None else receipt.code
        if item_code == ACCEPTED:
            receiver_id = item.archive_id if item is not None else ""
            kept = policy.kept_until(at.date())
            decided.append(
                Outcome(archive_id, code, TRANSFERRED, receipt.batch_id, item_code, at, kept,
                        receiver_id, ())
            )  # fmt: skip
        else:
            findings = (item.failed() if item is not None else package_failed) or package_failed
            decided.append(
                Outcome(archive_id, code, REWORK, receipt.batch_id, item_code, at, None, "",
                        findings)
            )  # fmt: skip
    return decided


def _utc(at: datetime) -> datetime:
    """Stored as UTC; SQLite gives the value back without its zone."""
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


def _outcome(row: object) -> Outcome:
    r = row._mapping  # type: ignore[attr-defined]
    return Outcome(
        r["archive_id"],
        r["archival_code"],
        r["status"],
        r["batch_id"],
        r["code"],
        _utc(r["receipt_at"]),
        r["kept_until"],
        r["receiver_id"],
        tuple(finding_from_dict(f) for f in json.loads(r["findings"])),
    )


class OutcomeLedger:
    """Read and record outcomes in the catalog database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        try:
            metadata.create_all(engine)
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot create the transfer outcome table: {exc}") from exc

    def record(self, decided: Sequence[Outcome]) -> None:
        """Store each outcome, replacing the archive's earlier one — except that a
        ``transferred`` archive is never put back into rework."""
        try:
            with self.engine.begin() as conn:
                for o in decided:
                    current = conn.execute(
                        select(outcomes.c.status).where(outcomes.c.archive_id == o.archive_id)
                    ).scalar_one_or_none()
                    if current == TRANSFERRED and o.status != TRANSFERRED:
                        continue
                    values = {
                        "archival_code": o.archival_code,
                        "status": o.status,
                        "batch_id": o.batch_id,
                        "code": o.code,
                        "receipt_at": o.receipt_at.astimezone(UTC),
                        "kept_until": o.kept_until,
                        "receiver_id": o.receiver_id,
                        "findings": json.dumps(
                            [f.as_dict() for f in o.findings], ensure_ascii=False
                        ),
                    }
                    if current is None:
                        conn.execute(outcomes.insert().values(archive_id=o.archive_id, **values))
                    else:
                        conn.execute(
                            outcomes.update()
                            .where(outcomes.c.archive_id == o.archive_id)
                            .values(**values)
                        )
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot record transfer outcomes: {exc}") from exc

    def all(self, status: str | None = None) -> dict[str, Outcome]:
        """Outcomes by archive id (only those with ``status`` when given)."""
        query = select(outcomes).order_by(outcomes.c.archive_id)
        if status is not None:
            query = query.where(outcomes.c.status == status)
        try:
            with self.engine.connect() as conn:
                return {o.archive_id: o for o in map(_outcome, conn.execute(query))}
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot read transfer outcomes: {exc}") from exc

    def get(self, archive_id: str) -> Outcome | None:
        try:
            with self.engine.connect() as conn:
                row = conn.execute(
                    select(outcomes).where(outcomes.c.archive_id == archive_id)
                ).first()
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot read transfer outcomes: {exc}") from exc
        return None if row is None else _outcome(row)

"""The transfer ledger: batches sent and receipts received, in the catalog database.

SQLAlchemy Core tables ``transfer_batches`` and ``transfer_items``, created on first use (no
Alembic migration yet — a follow-up). Raises ``LedgerError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
    update,
)
from sqlalchemy.exc import SQLAlchemyError

from .errors import LedgerError

__all__ = ["BatchRow", "TransferLedger"]

metadata = MetaData()
batches = Table(
    "transfer_batches",
    metadata,
    Column("batch_id", String(80), primary_key=True),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("target", Text, nullable=False),
    Column("items", Integer, nullable=False),
    Column("refused", Integer, nullable=False),
    Column("status", String(40), nullable=False),  # delivered | <receipt code>
    Column("receipt_at", DateTime(timezone=True)),
    Column("receipt_sm3", String(64)),
)
items = Table(
    "transfer_items",
    metadata,
    Column("batch_id", String(80), primary_key=True),
    Column("archive_id", String(200), primary_key=True),
    Column("archival_code", String(200), nullable=False),
    Column("status", String(40), nullable=False),  # sent | refused | <receipt code>
)


@dataclass(frozen=True)
class BatchRow:
    batch_id: str
    created: datetime
    target: str
    items: int
    refused: int
    status: str
    receipt_at: datetime | None


class TransferLedger:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        try:
            metadata.create_all(engine)
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot create the transfer tables: {exc}") from exc

    def record_batch(
        self,
        batch_id: str,
        created: datetime,
        target: str,
        sent: Iterable[tuple[str, str]],
        refused: Iterable[str],
    ) -> None:
        sent, refused = list(sent), list(refused)
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    batches.insert().values(
                        batch_id=batch_id,
                        created=created,
                        target=target,
                        items=len(sent),
                        refused=len(refused),
                        status="delivered",
                    )
                )
                for archive_id, code in sent:
                    conn.execute(
                        items.insert().values(
                            batch_id=batch_id,
                            archive_id=archive_id,
                            archival_code=code,
                            status="sent",
                        )
                    )
                for archive_id in refused:
                    conn.execute(
                        items.insert().values(
                            batch_id=batch_id,
                            archive_id=archive_id,
                            archival_code="",
                            status="refused",
                        )
                    )
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot record batch {batch_id}: {exc}") from exc

    def record_receipt(
        self, batch_id: str, code: str, at: datetime, sm3: str, item_codes: dict[str, str]
    ) -> None:
        try:
            with self.engine.begin() as conn:
                done = conn.execute(
                    update(batches)
                    .where(batches.c.batch_id == batch_id)
                    .values(status=code, receipt_at=at, receipt_sm3=sm3)
                )
                if done.rowcount != 1:
                    raise LedgerError(f"no batch {batch_id} in the ledger")
                for archival_code, item_code in item_codes.items():
                    conn.execute(
                        update(items)
                        .where(
                            (items.c.batch_id == batch_id)
                            & (items.c.archival_code == archival_code)
                        )
                        .values(status=item_code)
                    )
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot record the receipt of {batch_id}: {exc}") from exc

    def batches(self) -> list[BatchRow]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(batches).order_by(batches.c.created))
            return [
                BatchRow(
                    r.batch_id, r.created, r.target, r.items, r.refused, r.status, r.receipt_at
                )
                for r in rows
            ]

    def set_delivery(self, batch_id: str, status: str, target: str) -> None:
        """Delivery state of a batch before its receipt: ``delivering`` (still so after a crash),
        ``delivered`` or ``delivery_failed``."""
        try:
            with self.engine.begin() as conn:
                done = conn.execute(
                    update(batches)
                    .where(batches.c.batch_id == batch_id)
                    .values(status=status, target=target)
                )
                if done.rowcount != 1:
                    raise LedgerError(f"no batch {batch_id} in the ledger")
        except SQLAlchemyError as exc:
            raise LedgerError(f"cannot record the delivery of {batch_id}: {exc}") from exc

    def in_flight(self) -> set[str]:
        """Archive ids sent in a batch that has no receipt yet (not to be sent again)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(items.c.archive_id).where(items.c.status == "sent"))
            return {r.archive_id for r in rows}

    def sent_items(self, batch_id: str) -> dict[str, str]:
        """{archival code: archive id} of the archives a batch packaged (refused ones excluded)."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(items.c.archival_code, items.c.archive_id).where(
                    (items.c.batch_id == batch_id) & (items.c.status != "refused")
                )
            )
            return {r.archival_code: r.archive_id for r in rows}

    def transferred(self) -> set[str]:
        """Archive ids whose item was accepted by the bureau."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(items.c.archive_id).where(items.c.status == "accepted"))
            return {r.archive_id for r in rows}

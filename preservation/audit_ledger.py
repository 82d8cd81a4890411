"""The fixity-audit ledger: when each object was last audited in each storage location.

One row per (location, object): ``fixity_audits(location, object_id, last_audit, outcome)`` in
the catalog database (SQLAlchemy Core, SQLite or PostgreSQL). Bounded audit runs read it to
resume oldest-first. Reads/writes: the engine passed in. Raises SQLAlchemy errors only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Column, DateTime, Engine, MetaData, String, Table, select

__all__ = ["AuditLedger", "LedgerEntry", "metadata"]

metadata = MetaData()
_CHUNK = 500  # object ids per DELETE … IN (…): below every backend's bound-parameter limit

fixity_audits = Table(
    "fixity_audits",
    metadata,
    Column("location", String(64), primary_key=True),
    Column("object_id", String(300), primary_key=True),
    Column("last_audit", DateTime(timezone=True), nullable=False),
    Column("outcome", String(32), nullable=False),
)


@dataclass(frozen=True)
class LedgerEntry:
    """The last audit of one object in one location."""

    object_id: str
    last_audit: datetime
    outcome: str


def _aware(at: datetime) -> datetime:
    return at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)


class AuditLedger:
    """Read and update ``fixity_audits``."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    def entries(self, location: str) -> Mapping[str, LedgerEntry]:
        """Every object audited before in ``location``, by object id."""
        stmt = select(fixity_audits).where(fixity_audits.c.location == location)
        with self.engine.connect() as conn:
            return {
                row.object_id: LedgerEntry(row.object_id, _aware(row.last_audit), row.outcome)
                for row in conn.execute(stmt)
            }

    def record(self, location: str, object_id: str, at: datetime, outcome: str) -> None:
        """Remember that ``object_id`` was audited in ``location`` at ``at`` (upsert)."""
        self.record_many(location, [(object_id, at, outcome)])

    def record_many(self, location: str, audits: Sequence[tuple[str, datetime, str]]) -> None:
        """Remember several audits of ``location`` in one transaction (object id, at, outcome)."""
        latest = {object_id: (at, outcome) for object_id, at, outcome in audits}
        if not latest:
            return
        rows = [
            {"location": location, "object_id": oid, "last_audit": _aware(at), "outcome": outcome}
            for oid, (at, outcome) in latest.items()
        ]
        ids = list(latest)
        with self.engine.begin() as conn:  # an upsert as delete + one multi-row insert
            for start in range(0, len(ids), _CHUNK):
                conn.execute(
                    fixity_audits.delete().where(
                        (fixity_audits.c.location == location)
                        & fixity_audits.c.object_id.in_(ids[start : start + _CHUNK])
                    )
                )
            conn.execute(fixity_audits.insert(), rows)

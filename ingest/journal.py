"""The ingest journal: one row per ingest that got past validation.

States move forward only: ``allocated`` (档号 and version reserved, work directory holds the
unpacked package) → ``built`` (the AIP version is complete in the work directory) → ``stored``
(storage holds the version, inventory written) → ``done`` (catalog row written). A rerun resumes
every row that is not ``done`` from the state it reached, so a crash loses nothing and leaves no
gap in the 档号 sequence.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Connection,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
    bindparam,
    select,
    update,
)

metadata = MetaData()

journal = Table(
    "ingest_journal",
    metadata,
    Column("ingest_id", String(40), primary_key=True),
    Column("archive_id", String(80), nullable=False),
    Column("fonds_identifier", String(8), nullable=False),
    Column("electronic_record_code", String(64), nullable=False),
    Column("package_sha256", String(64), nullable=False),
    Column("archival_code", String(120), nullable=False),
    Column("item_number", Integer, nullable=False),
    Column("version", Integer, nullable=False),
    Column("state", String(16), nullable=False),
    Column("work_dir", String(500), nullable=False),
    Column("source", String(1000), nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("archive_id", "version", name="uq_journal_archive_version"),
)

STATES = ("allocated", "built", "stored", "done")

# built once, values bound per call (building a statement per call costs more than running it)
_INSERT = journal.insert()
_SET_STATE = (
    update(journal)
    .where(journal.c.ingest_id == bindparam("b_id"))
    .values(state=bindparam("b_state"))
)
_OPEN = select(journal).where(
    journal.c.archive_id == bindparam("b_archive"),
    journal.c.package_sha256 == bindparam("b_sha256"),
    journal.c.state != "done",
)
_LATEST = (
    select(journal)
    .where(journal.c.archive_id == bindparam("b_archive"))
    .order_by(journal.c.version.desc())
    .limit(1)
)


@dataclass(frozen=True)
class JournalEntry:
    ingest_id: str
    archive_id: str
    fonds_identifier: str
    electronic_record_code: str
    package_sha256: str
    archival_code: str
    item_number: int
    version: int
    state: str
    work_dir: str
    source: str
    ingested_at: datetime


def add(conn: Connection, entry: JournalEntry) -> None:
    values = dict(entry.__dict__, ingested_at=entry.ingested_at.astimezone(UTC))
    conn.execute(_INSERT, values)


def set_state(conn: Connection, ingest_id: str, state: str) -> None:
    if state not in STATES:
        raise ValueError(f"unknown journal state {state!r}")
    conn.execute(_SET_STATE, {"b_id": ingest_id, "b_state": state})


def _entry(row: object) -> JournalEntry:
    values = {k: getattr(row, k) for k in JournalEntry.__dataclass_fields__}
    at = values["ingested_at"]
    if at.tzinfo is None:  # SQLite hands back naive datetimes; we store UTC
        values["ingested_at"] = at.replace(tzinfo=UTC)
    return JournalEntry(**values)


def pending(conn: Connection) -> list[JournalEntry]:
    rows = conn.execute(
        select(journal).where(journal.c.state != "done").order_by(journal.c.ingested_at)
    ).all()
    return [_entry(r) for r in rows]


def find_open(conn: Connection, archive_id: str, package_sha256: str) -> JournalEntry | None:
    row = conn.execute(_OPEN, {"b_archive": archive_id, "b_sha256": package_sha256}).first()
    return _entry(row) if row is not None else None


def latest_version(conn: Connection, archive_id: str) -> JournalEntry | None:
    row = conn.execute(_LATEST, {"b_archive": archive_id}).first()
    return _entry(row) if row is not None else None

"""The durable work queue: jobs owed after an ingest, recorded in the ingest's own transaction.

One row per job (``work_queue``, migration 0010): its ``kind`` (``index`` now; other kinds plug
in through ``earchive.core.work``'s handler registry), the ``subject`` it is about (an archive
id) and an optional ``payload`` (for ``index``: the archive's index document, so the indexer
need not read storage again). A consumer reads the oldest rows of a kind, does the work, and
removes the rows only after its work is durable (``done``): a consumer killed in between leaves
them for the next one, so nothing is lost (work may be done twice, which every kind must allow).
A failure keeps the row with ``attempts`` + 1 and the error.

Reads/writes: the catalog database. Raises SQLAlchemy errors as they come.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    Engine,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
    update,
)

__all__ = [
    "GivenUp",
    "WorkItem",
    "done",
    "enqueue",
    "failed",
    "given_up",
    "metadata",
    "pending",
    "pending_count",
    "work_queue",
]

metadata = MetaData()
_ID = BigInteger().with_variant(Integer, "sqlite")  # SQLite: the rowid, so ids autoincrement

work_queue = Table(
    "work_queue",
    metadata,
    Column("id", _ID, primary_key=True, autoincrement=True),
    Column("kind", String(16), nullable=False),
    Column("subject", String(80), nullable=False),
    Column("payload", LargeBinary, nullable=True),
    Column("enqueued_at", Float, nullable=False),  # seconds since the epoch
    Column("attempts", Integer, nullable=False, default=0),
    Column("last_error", Text, nullable=False, default=""),
    Index("ix_work_queue_kind_id", "kind", "id"),
)


_ENQUEUE = insert(work_queue)  # built once: its values are bound per call


@dataclass(frozen=True)
class WorkItem:
    """One queued job."""

    id: int
    kind: str
    subject: str
    payload: bytes | None
    enqueued_at: float
    attempts: int


def enqueue(conn: Connection, kind: str, subject: str, payload: bytes | None = None) -> None:
    """Record a job in the caller's transaction (it exists exactly when that commits)."""
    conn.execute(
        _ENQUEUE,
        {"kind": kind, "subject": subject, "payload": payload, "enqueued_at": time.time(),
         "attempts": 0, "last_error": ""},
    )  # fmt: skip


def pending(
    engine: Engine, kind: str, limit: int, max_attempts: int | None = None
) -> list[WorkItem]:
    """The oldest ``limit`` jobs of ``kind`` (those tried fewer than ``max_attempts`` times)."""
    query = select(work_queue).where(work_queue.c.kind == kind)
    if max_attempts is not None:
        query = query.where(work_queue.c.attempts < max_attempts)
    with engine.connect() as conn:
        rows = conn.execute(query.order_by(work_queue.c.id).limit(limit)).mappings().all()
    return [
        WorkItem(r["id"], r["kind"], r["subject"], r["payload"], r["enqueued_at"], r["attempts"])
        for r in rows
    ]


def pending_count(engine: Engine, kind: str | None = None) -> int:
    query = select(func.count()).select_from(work_queue)
    if kind is not None:
        query = query.where(work_queue.c.kind == kind)
    with engine.connect() as conn:
        return int(conn.execute(query).scalar_one())


@dataclass(frozen=True)
class GivenUp:
    """A job that failed ``max_attempts`` times: no worker takes it again; an operator must."""

    id: int
    kind: str
    subject: str
    attempts: int
    last_error: str


def given_up(engine: Engine, max_attempts: int, limit: int = 100) -> list[GivenUp]:
    """The oldest ``limit`` jobs tried ``max_attempts`` times or more, with their last error."""
    query = (
        select(work_queue)
        .where(work_queue.c.attempts >= max_attempts)
        .order_by(work_queue.c.id)
        .limit(limit)
    )
    with engine.connect() as conn:
        rows = conn.execute(query).mappings().all()
    return [GivenUp(r["id"], r["kind"], r["subject"], r["attempts"], r["last_error"]) for r in rows]


def done(engine: Engine, ids: Iterable[int]) -> None:
    """Remove finished jobs (call only once their work is durable)."""
    chosen = list(ids)
    for start in range(0, len(chosen), 500):
        with engine.begin() as conn:
            conn.execute(delete(work_queue).where(work_queue.c.id.in_(chosen[start : start + 500])))


def failed(engine: Engine, ids: Sequence[int], error: str) -> None:
    """Keep jobs that failed, one more attempt counted, with the error."""
    if not ids:
        return
    with engine.begin() as conn:
        conn.execute(
            update(work_queue)
            .where(work_queue.c.id.in_(list(ids)))
            .values(attempts=work_queue.c.attempts + 1, last_error=error[:2000])
        )

"""Operation locks: one row per named operation that must not run twice at once across processes
(and hosts) sharing the catalog — today sealing the event log, whose next OCFL version two
concurrent ingest runs would otherwise both try to write.

``exclusive(engine, name, holder, now)`` upserts the operation's row inside a write transaction
and keeps the transaction open while the caller works: PostgreSQL holds the row lock, SQLite the
database write lock (``BEGIN IMMEDIATE``), until the block ends. Work done inside must not write
to the catalog through another connection (it would wait for this one). Raises
``sqlalchemy.exc.SQLAlchemyError`` when the lock cannot be taken.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Engine
from sqlalchemy.dialects import postgresql, sqlite

from earchive.core.tables import operation_locks

__all__ = ["exclusive"]


@contextmanager
def exclusive(engine: Engine, name: str, holder: str, now: datetime) -> Iterator[None]:
    """Hold the lock called ``name`` for the duration of the ``with`` block."""
    with engine.begin() as conn:
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        stmt = insert(operation_locks).values(name=name, holder=holder, taken_at=now)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[operation_locks.c.name],
                set_={"holder": holder, "taken_at": now},
            )
        )
        yield

"""档号 counters: one row per archival class, the last 件号 handed out.

Allocation is one atomic ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` statement, so two
processes sharing a catalog never get the same number; it runs inside the caller's transaction
together with the journal row that uses the number, so a number is never handed out without a
record of who holds it (no gaps after a crash: the holder is resumed).
"""

from __future__ import annotations

import functools
from typing import Any

from sqlalchemy import (
    Column,
    Connection,
    Executable,
    Integer,
    MetaData,
    String,
    Table,
    bindparam,
    select,
)

metadata = MetaData()

counters = Table(
    "archival_counters",
    metadata,
    Column("class_key", String(200), primary_key=True),
    Column("last_item", Integer, nullable=False),
)


def _upsert(dialect: str) -> Any:
    """The dialect's ``insert`` with ON CONFLICT (PostgreSQL's module loads only when used)."""
    if dialect == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert
    from sqlalchemy.dialects import sqlite

    return sqlite.insert


@functools.cache
def _allocate(dialect: str) -> Executable:
    """The allocation statement for ``dialect``, built once (the class key is bound per call)."""
    insert = _upsert(dialect)
    stmt = insert(counters).values(class_key=bindparam("b_key"), last_item=1)
    return stmt.on_conflict_do_update(
        index_elements=[counters.c.class_key],
        set_={"last_item": counters.c.last_item + 1},
    ).returning(counters.c.last_item)


def allocate_item_number(conn: Connection, class_key: str) -> int:
    """Hand out the next 件号 of ``class_key`` inside the caller's transaction."""
    return int(conn.execute(_allocate(conn.dialect.name), {"b_key": class_key}).scalar_one())


def current_counters(conn: Connection) -> dict[str, int]:
    rows = conn.execute(select(counters.c.class_key, counters.c.last_item)).all()
    return {r.class_key: int(r.last_item) for r in rows}


def set_counter_at_least(conn: Connection, class_key: str, value: int) -> None:
    """Raise a counter to ``value`` (used when the catalog is rebuilt from storage)."""
    insert = _upsert(conn.dialect.name)
    stmt = insert(counters).values(class_key=class_key, last_item=value)
    stmt = stmt.on_conflict_do_update(
        index_elements=[counters.c.class_key],
        set_={"last_item": value},
        where=counters.c.last_item < value,
    )
    conn.execute(stmt)

"""The catalog's SQLAlchemy Core tables (portable SQL: SQLite by default, PostgreSQL later).

Also ``configure_sqlite``: WAL, busy timeout and ``BEGIN IMMEDIATE`` for write transactions, so
two processes can share one SQLite file.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Dialect,
    Engine,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.engine import Connection
from sqlalchemy.types import TypeDecorator

from search.sqlite_wal import enable_wal

__all__ = [
    "WRITE_OPTION",
    "UtcDateTime",
    "archive_files",
    "archive_versions",
    "archives",
    "configure_sqlite",
    "metadata",
    "writer_engine",
]

#: Execution option marking a connection that will write (SQLite: ``BEGIN IMMEDIATE``).
WRITE_OPTION = "earchive_write"
#: How long a SQLite connection waits for another process's write lock.
BUSY_TIMEOUT_MS = 10_000


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes stored as UTC (naive UTC on SQLite); read back aware, in UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the catalog stores aware times only")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


metadata = MetaData()

archives = Table(
    "archives",
    metadata,
    Column("id", String(80), primary_key=True),
    Column("object_id", String(200), nullable=False, unique=True),
    Column("electronic_record_code", String(64), nullable=False),
    Column("fonds_identifier", String(16), nullable=False),
    Column("archival_code", String(80), nullable=False, unique=True),
    Column("year", Integer, nullable=False),
    Column("retention", String(8), nullable=False),
    Column("category", String(8), nullable=False),
    Column("organization_code", String(32), nullable=False),
    Column("item_number", Integer, nullable=False),
    Column("task_code", String(64), nullable=False),
    Column("task_name", Text, nullable=False),
    Column("task_type", String(32), nullable=False),
    Column("project_name", Text, nullable=False),
    Column("project_id", String(128), nullable=False),
    Column("accept_number", String(128), nullable=False),
    Column("applicant_name", Text, nullable=False),
    Column("applicant_type", String(32), nullable=False),
    Column("receive_department", Text, nullable=False),
    Column("result", String(32), nullable=False),
    Column("security_classification", String(32), nullable=False),
    Column("receive_time", UtcDateTime, nullable=False),
    Column("transact_time", UtcDateTime, nullable=False),
    Column("version", Integer, nullable=False),
    Column("ingested_at", UtcDateTime, nullable=False),
    Column("file_count", Integer, nullable=False),
    Column("total_bytes", BigInteger, nullable=False),
    Column("status", String(32), nullable=False),
    UniqueConstraint("fonds_identifier", "electronic_record_code", name="uq_archives_fonds_erc"),
    Index("ix_archives_task_code", "task_code"),
    Index("ix_archives_year", "year"),
)

archive_versions = Table(
    "archive_versions",
    metadata,
    Column("archive_id", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("manifest_sha256", String(64), nullable=False),
    Column("package_sha256", String(64), nullable=False),
    PrimaryKeyConstraint("archive_id", "version", name="pk_archive_versions"),
    ForeignKeyConstraint(["archive_id"], ["archives.id"], name="fk_versions_archive"),
    Index("ix_archive_versions_package", "archive_id", "package_sha256"),
)

archive_files = Table(
    "archive_files",
    metadata,
    Column("archive_id", String(80), nullable=False),
    Column("version", Integer, nullable=False),
    Column("path", String(1024), nullable=False),
    Column("material_code", String(32), nullable=False),
    Column("title", Text, nullable=False),
    Column("format", String(32), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("sm3", String(64), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("signed", Boolean, nullable=False),
    PrimaryKeyConstraint("archive_id", "version", "path", name="pk_archive_files"),
    ForeignKeyConstraint(
        ["archive_id", "version"],
        ["archive_versions.archive_id", "archive_versions.version"],
        name="fk_files_version",
    ),
)


def configure_sqlite(engine: Engine) -> None:
    """For a SQLite engine: WAL, a busy timeout, foreign keys, ``BEGIN IMMEDIATE`` for writers.

    Does nothing for other databases; safe to call more than once. Call it before the engine's
    first connection (connections opened earlier keep pysqlite's defaults).
    """
    if engine.dialect.name != "sqlite" or event.contains(engine, "connect", _on_connect):
        return
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)


def writer_engine(engine: Engine) -> Engine:
    """An engine for code that opens plain transactions to write (``engine.begin()``).

    SQLite: a second engine on the same database whose every transaction starts with
    ``BEGIN IMMEDIATE``, so a transaction that reads before it writes waits for another
    process's write lock instead of failing with "database is locked". Other databases: ``engine``.
    """
    if engine.dialect.name != "sqlite":
        return engine
    writer = create_engine(engine.url, execution_options={WRITE_OPTION: True})
    configure_sqlite(writer)
    return writer


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy's "begin" event emit BEGIN itself (pysqlite's own handling defers it).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        enable_wal(cursor, BUSY_TIMEOUT_MS / 1000)
        cursor.execute("PRAGMA foreign_keys=ON")
    finally:
        cursor.close()


def _on_begin(conn: Connection) -> None:
    write = conn.get_execution_options().get(WRITE_OPTION, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

"""Catalog schema migrations (Alembic): ``upgrade`` brings a catalog database to the newest schema.

The migration scripts live beside this module (``env.py``, ``versions/``); they take their
connection from the caller, never from a configuration file or the environment. ``upgrade`` holds
a writer lock while it runs (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so several
processes starting at once on a fresh database migrate it exactly once.

Reads/writes: the catalog database. Raises: ``MigrationError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, MetaData, inspect, text
from sqlalchemy.exc import SQLAlchemyError

from earchive.core.errors import MigrationError
from ingest import counters, journal
from ingest.indexing import metadata as indexing_metadata
from ingest.work_queue import metadata as work_queue_metadata
from preservation.events import metadata as events_metadata
from search import configure_sqlite
from search.identities import metadata as identities_metadata
from search.tables import WRITE_OPTION
from search.tables import metadata as catalog_metadata

if TYPE_CHECKING:  # Alembic is imported only when a catalog needs migrating (CLI start-up)
    from alembic.config import Config

__all__ = [
    "BASELINE",
    "current_revision",
    "head_revision",
    "is_current",
    "newest_script",
    "target_metadata",
    "upgrade",
]

#: The first revision: the schema ``create_all`` made before migrations existed.
BASELINE = "0001"
#: Key of the PostgreSQL advisory lock held while migrating ("earchive" in ASCII, as a number).
_PG_LOCK_KEY = 0x65617263686976
_HERE = Path(__file__).resolve().parent


def target_metadata() -> tuple[MetaData, ...]:
    """Every table the migrations manage, as the code declares them (for comparisons)."""
    from earchive.core.tables import metadata as app_metadata
    from preservation.audit_ledger import metadata as audit_metadata
    from preservation.checks.runs import metadata as checks_metadata
    from preservation.replication import metadata as replication_metadata
    from transfer.ledger import metadata as transfer_metadata
    from transfer.outcomes import metadata as transfer_outcomes_metadata

    return (
        catalog_metadata,
        journal.metadata,
        counters.metadata,
        indexing_metadata,
        events_metadata,
        app_metadata,
        checks_metadata,
        audit_metadata,
        replication_metadata,
        transfer_metadata,
        identities_metadata,
        transfer_outcomes_metadata,
        work_queue_metadata,
    )


def _config(conn: Connection | None = None) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_HERE))
    config.attributes["connection"] = conn
    return config


def head_revision() -> str:
    """The newest revision the scripts define."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:
        raise MigrationError("no migration scripts found")
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (``None`` when never migrated)."""
    from alembic.runtime.migration import MigrationContext

    try:
        with engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()
    except SQLAlchemyError as exc:
        raise MigrationError(f"cannot read the catalog's schema revision: {exc}") from exc


def upgrade(engine: Engine, revision: str = "head", interim: Sequence[MetaData] = ()) -> None:
    """Migrate the catalog to ``revision`` in one transaction (idempotent).

    A database created before migrations existed (tables present, no revision recorded) is
    stamped at ``BASELINE`` first, then upgraded. ``interim``: tables that have no migration yet,
    created if missing under the same lock (so concurrent first starts do not race); give them a
    migration and drop them from here.
    """
    from alembic import command
    from alembic.util import CommandError

    configure_sqlite(engine)
    try:
        with engine.connect().execution_options(**{WRITE_OPTION: True}) as conn, conn.begin():
            if conn.dialect.name == "postgresql":
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_LOCK_KEY})")
            config = _config(conn)
            if _is_unversioned_legacy(conn):
                command.stamp(config, BASELINE)
            command.upgrade(config, revision)
            for md in interim:
                md.create_all(conn)
    except (CommandError, SQLAlchemyError) as exc:
        raise MigrationError(f"cannot migrate the catalog: {exc}") from exc


def newest_script() -> str:
    """The newest revision by the scripts' file names (``NNNN_what.py``, a straight line of
    revisions named by their number: a test holds it equal to Alembic's head)."""
    return max(p.name.split("_", 1)[0] for p in (_HERE / "versions").glob("[0-9]*_*.py"))


def is_current(engine: Engine) -> bool:
    """Whether the catalog is at the newest revision, read without importing Alembic (every
    command's start asks; ``upgrade`` is needed only when this is False)."""
    try:
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    except SQLAlchemyError:
        return False  # no version table yet: a new catalog
    return rows == [newest_script()]


def _is_unversioned_legacy(conn: Connection) -> bool:
    tables = set(inspect(conn).get_table_names())
    return "archives" in tables and "alembic_version" not in tables

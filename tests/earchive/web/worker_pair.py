"""Two API "worker processes" over one catalog, for the shared-state tests: each has its own
``Archive`` (its own engines) and its own ``create_app``, as ``uvicorn --workers 2`` would give.

The catalog is a SQLite file or a fresh schema in a throw-away PostgreSQL database
(``tests.databases``: ``EARCHIVE_TEST_DB_URL``). Users: one per role, password ``<name>-password``;
an admin API token. The clock is fixed and moved by the tests.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.engine import URL

from earchive.auth import UserStore
from earchive.core.archive import Archive
from earchive.settings import Settings
from earchive.web.app import create_app
from tests.databases import temporary_schema
from tests.earchive.web.ops_archive import Clock

__all__ = ["PAIR_USERS", "WorkerPair", "worker_pair"]

#: user name → role.
PAIR_USERS = {"admin": "admin", "archivist": "archivist", "auditor": "auditor", "bureau": "bureau"}


@dataclass
class WorkerPair:
    """Two apps (``a``, ``b``) on two ``Archive`` objects sharing one catalog database."""

    url: str
    clock: Clock
    archives: list[Archive]
    apps: list[FastAPI]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def a(self) -> FastAPI:
        return self.apps[0]

    @property
    def b(self) -> FastAPI:
        return self.apps[1]


@contextmanager
def worker_pair(root: Path, backend: str, pg_database: URL | None = None) -> Iterator[WorkerPair]:
    """A ``WorkerPair`` on ``backend`` (``sqlite`` or ``postgresql``; the latter needs the
    session's ``pg_database`` URL)."""
    clock = Clock(datetime(2026, 6, 1, 8, 0, tzinfo=UTC))
    if backend == "sqlite":
        with _pair(root, "", clock) as pair:
            yield pair
        return
    assert pg_database is not None
    with (
        temporary_schema(pg_database) as url,
        _pair(root, url.render_as_string(hide_password=False), clock) as pair,
    ):
        yield pair


@contextmanager
def _pair(root: Path, db_url: str, clock: Clock) -> Iterator[WorkerPair]:
    settings = Settings(home=root / "home", db_url=db_url)
    first = Archive(settings, clock=clock)
    first.init()
    store = UserStore(first.engine, first.clock)
    for name, role in PAIR_USERS.items():
        store.add_user(name, role, password=f"{name}-password")
    token = store.create_token("admin-system", "admin")[1]
    second = Archive(settings, clock=clock)
    second.init()  # as a second worker starting: migrations are already done
    archives = [first, second]
    apps = [create_app(first), create_app(second)]
    pair = WorkerPair(first.settings.catalog_url, clock, archives, apps, {"admin": token})
    try:
        yield pair
    finally:
        for app in apps:
            app.state.jobs.close()
        for archive in archives:
            archive.writer.dispose()
            archive.engine.dispose()

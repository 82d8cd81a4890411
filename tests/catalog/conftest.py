"""Catalog backends for the contract suite: every test runs on a SQLite file and on PostgreSQL.

PostgreSQL: one throw-away database per session (``tests.databases``), one fresh schema per test.
The schema is made by the real migrations (``earchive.core.migrations.upgrade``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine
from sqlalchemy.engine import URL

from earchive.core.migrations import upgrade
from search import configure_sqlite, writer_engine
from tests.databases import temporary_database, temporary_schema

BACKENDS = ("sqlite", "postgresql")


@dataclass(frozen=True)
class Backend:
    """One catalog database: its name, URL, a reader engine and a writer engine."""

    name: str
    url: str
    engine: Engine
    writer: Engine


@pytest.fixture(scope="session")
def pg_database() -> Iterator[URL]:
    with temporary_database() as url:
        yield url


@pytest.fixture(params=BACKENDS)
def catalog_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty catalog database of each kind (URL as ``EARCHIVE_DB_URL`` takes it)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'catalog.db'}"
        return
    database: URL = request.getfixturevalue("pg_database")
    with temporary_schema(database) as url:
        yield url.render_as_string(hide_password=False)


def open_engine(url: str) -> Engine:
    engine = create_engine(url)
    configure_sqlite(engine)
    return engine


@pytest.fixture
def backend(catalog_url: str) -> Iterator[Backend]:
    """A migrated catalog database."""
    engine = open_engine(catalog_url)
    upgrade(engine)
    writer = writer_engine(engine)
    yield Backend(engine.dialect.name, catalog_url, engine, writer)
    writer.dispose()
    engine.dispose()


@pytest.fixture(scope="session")
def same_class_cases(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """Twelve small generated case packages (ZIPs), made once per session."""
    from samples import SMALL_PROFILE, generate

    dest = tmp_path_factory.mktemp("cases")
    return list(generate(12, dest, seed=7, size_profile=SMALL_PROFILE).packages)


@pytest.fixture
def cli_env(tmp_path: Path, catalog_url: str) -> Callable[[], dict[str, str]]:
    """Environment for ``python -m earchive``: a fresh home, the catalog at ``catalog_url``."""

    def make() -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
        env["EARCHIVE_HOME"] = str(tmp_path / "home")
        env["EARCHIVE_DB_URL"] = catalog_url
        return env

    return make

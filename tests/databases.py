"""Throw-away PostgreSQL databases and schemas for tests.

The server comes from ``EARCHIVE_TEST_DB_URL`` (default: the local trust-auth server's ``test``
database). A test session creates its own database ``earchive_test_<random>`` and drops it at the
end; each test gets a fresh schema in it, so runs and tests never collide. An unreachable server
fails the test with a message naming the variable; it never skips.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import OperationalError

ENV = "EARCHIVE_TEST_DB_URL"
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def server_url() -> URL:
    """The configured PostgreSQL URL (must use the psycopg driver)."""
    return make_url(os.environ.get(ENV) or DEFAULT_URL)


def _admin_engine(url: URL) -> Engine:
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


@contextmanager
def temporary_database() -> Iterator[URL]:
    """Create ``earchive_test_<random>`` on the server, yield its URL, drop it afterwards."""
    url = server_url()
    admin = _admin_engine(url)
    name = f"earchive_test_{secrets.token_hex(6)}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.fail(
            f"PostgreSQL is not reachable at {url.render_as_string(hide_password=True)}: set "
            f"{ENV} to a server where the user may CREATE DATABASE ({exc.orig})",
            pytrace=False,
        )
    try:
        yield url.set(database=name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def temporary_schema(database: URL) -> Iterator[URL]:
    """Create a fresh schema in ``database``; yield a URL whose ``search_path`` is that schema."""
    schema = f"t_{secrets.token_hex(6)}"
    admin = _admin_engine(database)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield database.update_query_dict({"options": f"-csearch_path={schema}"})
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

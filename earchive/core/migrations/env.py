"""Alembic environment: runs the migrations on the connection ``earchive.core.migrations`` passes
in.

There is no ``alembic.ini`` and no URL here: the application (or a test) owns the connection and
its transaction, so configuration stays in ``earchive.settings``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection


def _run(connection: Connection) -> None:
    context.configure(connection=connection, target_metadata=None)
    with context.begin_transaction():
        context.run_migrations()


_connection = context.config.attributes.get("connection")
if not isinstance(_connection, Connection):
    raise RuntimeError("earchive migrations run through earchive.core.migrations.upgrade(engine)")
if context.is_offline_mode():
    raise RuntimeError("offline (SQL script) migrations are not supported")
_run(_connection)

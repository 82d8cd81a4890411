"""Operation locks (``operation_locks``): serialise work such as sealing the event log across
processes sharing the catalog.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

from alembic import op

from earchive.core.tables import operation_locks

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    operation_locks.create(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    operation_locks.drop(op.get_bind(), checkfirst=True)

"""Objection marking (异议标注): signed annotations and their tracking.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from alembic import op

from earchive.core.tables import objections

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Created from the declaration in earchive.services.objections.store (checkfirst, as in 0002).
    objections.create(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    objections.drop(op.get_bind(), checkfirst=True)

"""Server-side web sessions (``sessions``): logout, a password change and a disabled user end
them at once.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

from alembic import op

from earchive.core.tables import sessions

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sessions.create(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    sessions.drop(op.get_bind(), checkfirst=True)

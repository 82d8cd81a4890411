"""Sign-offs of transfer review items (``transfer_signoffs``): no batch leaves with open checks.

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

from alembic import op

from earchive.core.tables import transfer_signoffs

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    transfer_signoffs.create(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    transfer_signoffs.drop(op.get_bind(), checkfirst=True)

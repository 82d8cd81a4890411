"""Transfer outcomes: the rework queue and the kept copies (``transfer_outcomes``).

The table is declared in ``transfer.outcomes`` with its own ``MetaData`` — not in
``transfer.ledger``'s, which 0002 creates from the *current* declarations — so a catalog at 0005
gets it here and a fresh one is not given it early by 0002. Created with checkfirst, as in 0002:
a catalog whose code made the table on first use before this revision ran is adopted as it is.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

from alembic import op

from transfer.outcomes import metadata as outcomes_metadata

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    outcomes_metadata.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    outcomes_metadata.drop_all(op.get_bind(), checkfirst=True)

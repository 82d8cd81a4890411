"""Identity keys for the applicant view (一人一档): keyed hashes of ID numbers and credit codes.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the change that introduces these tables


def downgrade() -> None:
    pass

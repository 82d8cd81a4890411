"""Objection marking (异议标注): signed annotations and their tracking.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # placeholder: filled in by the change that introduces these tables


def downgrade() -> None:
    pass

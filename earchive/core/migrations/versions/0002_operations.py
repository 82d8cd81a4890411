"""Operational tables added after the baseline: users and API tokens, check runs and
registration forms, the fixity-audit ledger, the replica retry queue and the transfer ledger.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

from alembic import op

from earchive.core.tables import api_tokens, users
from preservation.audit_ledger import metadata as audit_metadata
from preservation.checks.runs import metadata as checks_metadata
from preservation.replication import metadata as replication_metadata
from transfer.ledger import metadata as transfer_metadata

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The tables are created from their declarations (checkfirst: a catalog that created one on first
# use before this revision existed is adopted as it is).
TABLES = (users, api_tokens)
SOURCES = (
    checks_metadata,
    audit_metadata,
    replication_metadata,
    transfer_metadata,
)


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind, checkfirst=True)
    for md in SOURCES:
        md.create_all(bind, checkfirst=True)


def downgrade() -> None:
    bind = op.get_bind()
    for md in reversed(SOURCES):
        md.drop_all(bind, checkfirst=True)
    for table in reversed(TABLES):
        table.drop(bind, checkfirst=True)

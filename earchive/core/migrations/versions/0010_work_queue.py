"""The durable work queue (``work_queue``): jobs owed after an ingest, kind by kind.

Ingest records an ``index`` job (with the archive's index document) in its own transaction; the
indexer commits them to the search index in batches and removes the rows after the commit.
Other kinds (normalisation, OCR) use the same table through their own handlers.

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

from ingest.work_queue import work_queue

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    work_queue.create(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    work_queue.drop(op.get_bind(), checkfirst=True)

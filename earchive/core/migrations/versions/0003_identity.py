"""Identity keys for the applicant view (一人一档): keyed hashes of ID numbers and credit codes.

``archive_identities`` holds, per archive, the HMAC-SM3 of its applicant's identifier (never the
identifier itself) with the id of the key that made it. An upgraded catalog starts with the table
empty: ``earchive identities backfill`` (or ``earchive rebuild``) fills it from storage.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

from search.identities import metadata as identities_metadata

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Created from the declaration in search.identities (checkfirst, as in 0002).
    identities_metadata.create_all(op.get_bind(), checkfirst=True)


def downgrade() -> None:
    identities_metadata.drop_all(op.get_bind(), checkfirst=True)

"""State shared by the API worker processes: failed logins (``login_failures``, declared in
``earchive.web.login_limit``) and API job records (``api_jobs``, declared in
``earchive.jobs.records``). Created with checkfirst, as in 0002: a catalog whose code made a table
before this revision ran is adopted as it is.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

from earchive.jobs.records import metadata as jobs_metadata
from earchive.web.login_limit import metadata as logins_metadata

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

SOURCES = (logins_metadata, jobs_metadata)


def upgrade() -> None:
    bind = op.get_bind()
    for md in SOURCES:
        md.create_all(bind, checkfirst=True)


def downgrade() -> None:
    bind = op.get_bind()
    for md in reversed(SOURCES):
        md.drop_all(bind, checkfirst=True)

"""State shared by the API worker processes: failed logins (``login_failures``, declared in
``earchive.web.login_limit``) and API job records (``api_jobs``, declared in
``earchive.jobs.records``). Created with checkfirst, as in 0002: a catalog whose code made a table
before this revision ran is adopted as it is.

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

from earchive.core.tables import api_jobs, login_failures

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

TABLES = (login_failures, api_jobs)


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        table.create(bind, checkfirst=True)


def downgrade() -> None:
    bind = op.get_bind()
    for table in reversed(TABLES):
        table.drop(bind, checkfirst=True)

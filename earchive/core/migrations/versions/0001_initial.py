"""The initial catalog schema: archives, versions, files, ingest journal, 档号 counters,
index queue and the event log.

Revision ID: 0001
Revises: (none)
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _when() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "archives",
        sa.Column("id", sa.String(80), primary_key=True),
        sa.Column("object_id", sa.String(200), nullable=False, unique=True),
        sa.Column("electronic_record_code", sa.String(64), nullable=False),
        sa.Column("fonds_identifier", sa.String(16), nullable=False),
        sa.Column("archival_code", sa.String(80), nullable=False, unique=True),
        sa.Column("year", sa.Integer, nullable=False),
        sa.Column("retention", sa.String(8), nullable=False),
        sa.Column("category", sa.String(8), nullable=False),
        sa.Column("organization_code", sa.String(32), nullable=False),
        sa.Column("item_number", sa.Integer, nullable=False),
        sa.Column("task_code", sa.String(64), nullable=False),
        sa.Column("task_name", sa.Text, nullable=False),
        sa.Column("task_type", sa.String(32), nullable=False),
        sa.Column("project_name", sa.Text, nullable=False),
        sa.Column("project_id", sa.String(128), nullable=False),
        sa.Column("accept_number", sa.String(128), nullable=False),
        sa.Column("applicant_name", sa.Text, nullable=False),
        sa.Column("applicant_type", sa.String(32), nullable=False),
        sa.Column("receive_department", sa.Text, nullable=False),
        sa.Column("result", sa.String(32), nullable=False),
        sa.Column("security_classification", sa.String(32), nullable=False),
        sa.Column("receive_time", _when(), nullable=False),
        sa.Column("transact_time", _when(), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("ingested_at", _when(), nullable=False),
        sa.Column("file_count", sa.Integer, nullable=False),
        sa.Column("total_bytes", sa.BigInteger, nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.UniqueConstraint(
            "fonds_identifier", "electronic_record_code", name="uq_archives_fonds_erc"
        ),
    )
    op.create_index("ix_archives_task_code", "archives", ["task_code"])
    op.create_index("ix_archives_year", "archives", ["year"])

    op.create_table(
        "archive_versions",
        sa.Column("archive_id", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("created", _when(), nullable=False),
        sa.Column("manifest_sha256", sa.String(64), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("archive_id", "version", name="pk_archive_versions"),
        sa.ForeignKeyConstraint(["archive_id"], ["archives.id"], name="fk_versions_archive"),
    )
    op.create_index(
        "ix_archive_versions_package", "archive_versions", ["archive_id", "package_sha256"]
    )

    op.create_table(
        "archive_files",
        sa.Column("archive_id", sa.String(80), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("path", sa.String(1024), nullable=False),
        sa.Column("material_code", sa.String(32), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("sm3", sa.String(64), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("signed", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("archive_id", "version", "path", name="pk_archive_files"),
        sa.ForeignKeyConstraint(
            ["archive_id", "version"],
            ["archive_versions.archive_id", "archive_versions.version"],
            name="fk_files_version",
        ),
    )

    op.create_table(
        "ingest_journal",
        sa.Column("ingest_id", sa.String(40), primary_key=True),
        sa.Column("archive_id", sa.String(80), nullable=False),
        sa.Column("fonds_identifier", sa.String(8), nullable=False),
        sa.Column("electronic_record_code", sa.String(64), nullable=False),
        sa.Column("package_sha256", sa.String(64), nullable=False),
        sa.Column("archival_code", sa.String(120), nullable=False),
        sa.Column("item_number", sa.Integer, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("work_dir", sa.String(500), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("ingested_at", _when(), nullable=False),
        sa.UniqueConstraint("archive_id", "version", name="uq_journal_archive_version"),
    )

    op.create_table(
        "archival_counters",
        sa.Column("class_key", sa.String(200), primary_key=True),
        sa.Column("last_item", sa.Integer, nullable=False),
    )

    op.create_table(
        "index_queue",
        sa.Column("archive_id", sa.String(80), primary_key=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("last_error", sa.Text, nullable=False),
    )

    op.create_table(
        "events",
        sa.Column("seq", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True),
        sa.Column("at", _when(), nullable=False),
        sa.Column("agent", sa.String(200), nullable=False),
        sa.Column("action", sa.String(64), nullable=False),
        sa.Column("object", sa.String(300), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("prev_hash", sa.String(64), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
    )


def downgrade() -> None:
    for table in (
        "events",
        "index_queue",
        "archival_counters",
        "ingest_journal",
        "archive_files",
        "archive_versions",
        "archives",
    ):
        op.drop_table(table)

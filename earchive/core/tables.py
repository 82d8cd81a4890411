"""The application's own catalog tables, in one ``MetaData``: users and API tokens
(``earchive.auth.store``), API jobs (``earchive.jobs.records``), failed logins
(``earchive.web.login_limit``), objections (``earchive.services.objections.store``) and operation
locks (``earchive.core.oplocks``). The domain packages declare their tables beside their code
(catalog, journal, counters, index queue, events, check runs, audit ledger, transfers); the
migrations (``earchive.core.migrations``) create all of them.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

from search.tables import UtcDateTime

__all__ = [
    "KEY_LENGTH",
    "api_jobs",
    "api_tokens",
    "login_failures",
    "metadata",
    "objections",
    "operation_locks",
    "sessions",
    "transfer_signoffs",
    "users",
]

#: Longest key of a ``login_failures`` row (a user name or client address, with its kind).
KEY_LENGTH = 200

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("role", String(16), nullable=False),
    Column("fonds", Text, nullable=False),  # JSON list, or "null" for every fonds
    Column("clearance", String(8), nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("disabled", Boolean, nullable=False, default=False),
)

api_tokens = Table(
    "api_tokens",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("name", String(64), nullable=False),
    Column("role", String(16), nullable=False),
    Column("fonds", Text, nullable=False),
    Column("clearance", String(8), nullable=False),
    Column("secret_sha256", String(64), nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("revoked", Boolean, nullable=False, default=False),
)

api_jobs = Table(
    "api_jobs",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("kind", String(40), nullable=False),
    Column("owner", String(200), nullable=False),
    Column("permission", String(40), nullable=False),
    Column("status", String(16), nullable=False),
    Column("result", Text, nullable=True),  # JSON object once done
    Column("error", Text, nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("started", UtcDateTime, nullable=True),
    Column("finished", UtcDateTime, nullable=True),
    Column("runner", String(200), nullable=False),
    Column("heartbeat", UtcDateTime, nullable=False),
    Index("ix_api_jobs_runner_status", "runner", "status"),
    Index("ix_api_jobs_created", "created"),
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("key", String(KEY_LENGTH), primary_key=True),
    Column("failures", Text, nullable=False),  # JSON list of ISO times within the window
    Column("locked_until", UtcDateTime, nullable=True),
    Column("expires", UtcDateTime, nullable=False),  # the row means nothing after this
    Index("ix_login_failures_expires", "expires"),
)

objections = Table(
    "objections",
    metadata,
    Column("id", String(40), primary_key=True),
    Column("archive_id", String(200), nullable=False),
    Column("fonds_identifier", String(16), nullable=False),
    Column("department", String(200), nullable=False),
    Column("archive_version", Integer, nullable=False),
    Column("element_kind", String(16), nullable=False),  # metadata | file
    Column("element", String(1024), nullable=False),
    Column("claim", Text, nullable=False),
    Column("subject_name", String(200), nullable=False),
    Column("subject_id_number", String(64), nullable=False),
    Column("channel", String(16), nullable=False),  # archivist | api
    Column("entered_by", String(200), nullable=False),  # the principal's agent name
    Column("entered_at", UtcDateTime, nullable=False),
    Column("attachments", Text, nullable=False),  # JSON list of {name, size, sm3, sha256, …}
    Column("entry_sm3", String(64), nullable=False),  # SM3 of the signed entry annotation
    Column("status", String(16), nullable=False),  # open | confirmed | rejected
    Column("decided_by", String(200), nullable=True),
    Column("decided_at", UtcDateTime, nullable=True),
    Column("reason", Text, nullable=True),
    Column("correction", Text, nullable=True),
    Column("new_version", Integer, nullable=True),
    Column("decision_sm3", String(64), nullable=True),
    Index("ix_objections_archive", "archive_id"),
    Index("ix_objections_status", "status", "entered_at"),
)

operation_locks = Table(
    "operation_locks",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("holder", String(200), nullable=False),
    Column("taken_at", DateTime(timezone=True), nullable=False),
)

#: Web UI sessions, server-side: the cookie names a session by a random id; only its SHA-256 is
#: kept. Logging out deletes the row; a password change or a disabled user deletes them all.
sessions = Table(
    "sessions",
    metadata,
    Column("id_sha256", String(64), primary_key=True),
    Column("user", String(64), nullable=False),
    Column("created", UtcDateTime, nullable=False),
    Column("expires", UtcDateTime, nullable=False),
    Index("ix_sessions_user", "user"),
)

#: Sign-offs of transfer review items: a YJ check an archivist confirmed by hand (who, when,
#: why) before the archive may leave; requested by a transfer run that found them open.
transfer_signoffs = Table(
    "transfer_signoffs",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("batch_id", String(80), nullable=False),  # the run that asked for it
    Column("archive_id", String(200), nullable=False),
    Column("version", Integer, nullable=False),  # the archive version the items are of
    Column("items", Text, nullable=False),  # JSON: [{"item", "code", "message"}, …]
    Column("requested_at", UtcDateTime, nullable=False),
    Column("signed_by", String(200), nullable=True),
    Column("signed_at", UtcDateTime, nullable=True),
    Column("reason", Text, nullable=True),
    Index("ix_transfer_signoffs_archive", "archive_id", "version"),
    Index("ix_transfer_signoffs_batch", "batch_id"),
)

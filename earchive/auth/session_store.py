"""Server-side sessions of the web UI: one row per login, named in the cookie by a random id
(only its SHA-256 is stored, like API tokens). A session ends when it expires (``MAX_AGE``), when
its user logs out (``end``), and every session of a user ends at once when the password changes
or the user is disabled (``end_all``). Reads/writes: the ``sessions`` table.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, delete, insert, select

from earchive.auth.sessions import MAX_AGE
from earchive.core.tables import sessions

__all__ = ["SessionStore"]


def _digest(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def _wall_clock() -> datetime:
    return datetime.now(UTC)


class SessionStore:
    """The ``sessions`` table on the catalog engine. ``clock`` gives aware datetimes; by default
    the wall clock, the time the signed cookie's own age is checked against."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime] = _wall_clock) -> None:
        self.engine = engine
        self.clock = clock

    def open(self, user: str) -> str:
        """A new session of ``user``; returns its id (for the cookie, shown nowhere else)."""
        session_id = secrets.token_urlsafe(32)
        now = self.clock()
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires <= now))
            conn.execute(
                insert(sessions).values(
                    id_sha256=_digest(session_id),
                    user=user,
                    created=now,
                    expires=now + timedelta(seconds=MAX_AGE),
                )
            )
        return session_id

    def user_of(self, session_id: str) -> str | None:
        """The user of a live session, or None (unknown, ended or expired)."""
        with self.engine.connect() as conn:
            row = conn.execute(
                select(sessions.c.user, sessions.c.expires).where(
                    sessions.c.id_sha256 == _digest(session_id)
                )
            ).first()
        if row is None or row.expires <= self.clock():
            return None
        return str(row.user)

    def end(self, session_id: str) -> None:
        """End one session (logout)."""
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.id_sha256 == _digest(session_id)))

    def end_all(self, user: str) -> int:
        """End every session of ``user``; returns how many there were."""
        with self.engine.begin() as conn:
            return conn.execute(delete(sessions).where(sessions.c.user == user)).rowcount

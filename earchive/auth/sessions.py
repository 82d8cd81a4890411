"""Signed session cookies for the web UI (itsdangerous; HttpOnly, SameSite=Lax).

The cookie carries the user name, a stamp of the password hash and the id of a server-side session
(``earchive.auth.session_store``), signed with a secret kept in ``<home>/keys/session-secret``
(mode 0600, made on first use). Logging out ends the session; changing a password or disabling
the user ends all of them; sessions also expire after ``MAX_AGE`` seconds.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

__all__ = ["COOKIE", "MAX_AGE", "SessionCodec", "load_secret"]

COOKIE = "earchive_session"
MAX_AGE = 8 * 3600


def load_secret(key_dir: Path) -> str:
    """The session secret of this archive home, created on first use (mode 0600)."""
    path = key_dir / "session-secret"
    if not path.exists():
        key_dir.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(secrets.token_urlsafe(48))
    return path.read_text().strip()


@dataclass(frozen=True)
class SessionCodec:
    """Turns ``(user, stamp, session id)`` into a signed cookie value and back."""

    secret: str

    def _serializer(self) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(self.secret, salt="earchive-session")

    def dumps(self, user: str, stamp: str, session: str) -> str:
        return self._serializer().dumps({"u": user, "s": stamp, "i": session})

    def loads(self, value: str) -> tuple[str, str, str] | None:
        """``(user, stamp, session id)`` from a cookie, or ``None`` when forged, malformed,
        expired or made before sessions were kept server-side."""
        try:
            data = self._serializer().loads(value, max_age=MAX_AGE)
        except BadSignature:
            return None
        if not isinstance(data, dict):
            return None
        user, stamp, session = data.get("u"), data.get("s"), data.get("i")
        if not all(isinstance(v, str) for v in (user, stamp, session)):
            return None
        return str(user), str(stamp), str(session)

"""An opaque stand-in for a search that holds a personal number, so the number never lands in a
URL (browser history, access logs, a link pasted elsewhere): the search form posts the words, the
server answers a redirect to ``/?qt=<token>`` — the words encrypted and authenticated (Fernet,
keyed from this archive's session secret), valid for a session's lifetime."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken

from earchive.auth import MAX_AGE
from earchive.core.errors import InvalidRequestError

__all__ = ["SearchTokens"]


class SearchTokens:
    """Seals and opens search tokens with a key derived from ``secret``."""

    def __init__(self, secret: str) -> None:
        key = hashlib.sha256(b"earchive-search-token\0" + secret.encode()).digest()
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def seal(self, words: str) -> str:
        return self._fernet.encrypt(words.encode()).decode("ascii")

    def open(self, token: str) -> str:
        """The words of a token (``InvalidRequestError`` when forged or expired)."""
        try:
            return self._fernet.decrypt(token.encode("ascii"), ttl=MAX_AGE).decode()
        except (InvalidToken, UnicodeError, ValueError) as exc:
            raise InvalidRequestError("this search link has expired: search again") from exc

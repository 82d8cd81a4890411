"""Password hashing (argon2id) and secret generation; no plaintext is ever stored."""

from __future__ import annotations

import functools
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = ["generate_password", "hash_password", "verify_password"]

_HASHER = PasswordHasher()  # argon2id with the library's recommended parameters


@functools.cache
def _dummy() -> str:
    """A hash to verify against when the user does not exist, so timing does not reveal names.

    Made on first use (an argon2 hash costs ~0.2 s): every CLI command imports this module.
    """
    return _HASHER.hash(secrets.token_urlsafe(16))


def generate_password() -> str:
    """A random password of about 128 bits, URL-safe."""
    return secrets.token_urlsafe(16)


def hash_password(password: str) -> str:
    """The argon2id hash of ``password`` (PHC string with salt and parameters)."""
    return _HASHER.hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored``; ``None`` checks a dummy hash (always false)."""
    try:
        ok = _HASHER.verify(stored or _dummy(), password)
    except (VerificationError, InvalidHashError):
        return False
    return ok and stored is not None

"""The archive's identity key: the secret behind the keyed hashes of ID numbers and credit codes.

``<home>/keys/identity-hmac.key`` holds 32 random bytes as hex (mode 0600), created by
``Archive.init`` (or on first use) and never anywhere else: losing it only means the identity
table has to be keyed again (``earchive identities backfill --all``); leaking it lets someone
test guessed ID numbers against the table, so it is kept like the signing key. Creation is atomic
(a hard link that fails if another process made the key first), so concurrent first starts agree.

Reads/writes: the key directory. Raises ``IdentityKeyError`` for an unreadable key.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from search.identities import IdentityKeyer, IdentityKeyError

__all__ = ["KEY_NAME", "load_identity_keyer"]

KEY_NAME = "identity-hmac.key"
_KEY_BYTES = 32


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{KEY_NAME}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(_KEY_BYTES) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileExistsError):  # another process created the key first
            os.link(staged, path)
    finally:
        staged.unlink(missing_ok=True)


def load_identity_keyer(key_dir: Path, create: bool = True) -> IdentityKeyer:
    """The keyer of this archive home (the key is made first when missing and ``create``)."""
    path = key_dir / KEY_NAME
    if not path.exists():
        if not create:
            raise IdentityKeyError(f"no identity key at {path}: run 'earchive init'")
        _create(path)
    try:
        key = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as exc:
        raise IdentityKeyError(f"unreadable identity key {path}: {exc}") from exc
    return IdentityKeyer(key)

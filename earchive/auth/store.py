"""``UserStore``: users (argon2id password hashes) and API tokens (SHA-256 at rest) in the catalog.

Tables ``users`` and ``api_tokens`` (SQLAlchemy Core), created by ``Archive.init``. A token reads
``eat_<id>_<secret>``; only the secret's SHA-256 is stored, and it is shown once, at creation.
Raises ``UserError`` for bad input (unknown role or 密级, a department without fonds, a clash).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Engine,
    insert,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from earchive.auth.passwords import generate_password, hash_password, verify_password
from earchive.auth.principal import Principal
from earchive.auth.roles import DEFAULT_CLEARANCE, Role
from earchive.auth.roles import classification_rank as _rank
from earchive.auth.session_store import SessionStore
from earchive.core.errors import UnknownClassificationError, UserError
from earchive.core.tables import api_tokens, metadata, sessions, users

__all__ = ["StoredUser", "UserStore"]


_NAME = re.compile(r"^[\w.@-]{1,64}$")
_TOKEN = re.compile(r"^eat_([0-9a-f]{16})_([A-Za-z0-9_-]{20,100})$")


@dataclass(frozen=True)
class StoredUser:
    """A user row without its password hash; ``stamp`` changes when the password does."""

    principal: Principal
    disabled: bool
    created: datetime
    stamp: str


def _scope(role: str, fonds: Sequence[str], clearance: str | None) -> tuple[Role, str, str]:
    try:
        parsed = Role(role)
    except ValueError as exc:
        raise UserError(f"unknown role {role!r}; one of {', '.join(Role)}") from exc
    if parsed is Role.DEPARTMENT and not fonds:
        raise UserError("a department user must be bound to at least one fonds (--fonds)")
    chosen = clearance or DEFAULT_CLEARANCE[parsed]
    try:
        _rank(chosen)
    except UnknownClassificationError as exc:
        raise UserError(str(exc)) from exc
    return parsed, json.dumps(sorted(set(fonds)) if fonds else None), chosen


def _principal(row: object, kind: str) -> Principal:
    fonds = json.loads(row.fonds)  # type: ignore[attr-defined]
    return Principal(
        name=row.name,  # type: ignore[attr-defined]
        role=Role(row.role),  # type: ignore[attr-defined]
        clearance=row.clearance,  # type: ignore[attr-defined]
        fonds=None if fonds is None else tuple(fonds),
        kind=kind,
    )


def _stamp(password_hash: str) -> str:
    return hashlib.sha256(password_hash.encode()).hexdigest()[:16]


class UserStore:
    """Users and API tokens on the catalog engine; ``clock`` gives aware datetimes."""

    def __init__(self, engine: Engine, clock: Callable[[], datetime]) -> None:
        self.engine = engine
        self.clock = clock

    def create_schema(self) -> None:
        metadata.create_all(self.engine, tables=[users, api_tokens, sessions])

    # -- users ---------------------------------------------------------------------------------
    def add_user(
        self,
        name: str,
        role: str,
        *,
        fonds: Sequence[str] = (),
        clearance: str | None = None,
        password: str | None = None,
    ) -> tuple[Principal, str]:
        """Create a user; returns it and its password (generated when none is given)."""
        if not _NAME.match(name):
            raise UserError("a user name is 1-64 letters, digits, '.', '@', '_' or '-'")
        parsed, fonds_json, chosen = _scope(role, fonds, clearance)
        if parsed in (Role.SUBMITTER, Role.SENDER):
            raise UserError(f"{parsed.value} is a token role: use 'earchive token create'")
        secret = password if password is not None else generate_password()
        if len(secret) < 8:
            raise UserError("a password has at least 8 characters")
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(users).values(
                        name=name,
                        role=parsed.value,
                        fonds=fonds_json,
                        clearance=chosen,
                        password_hash=hash_password(secret),
                        created=self.clock(),
                        disabled=False,
                    )
                )
        except IntegrityError as exc:
            raise UserError(f"user {name!r} exists already") from exc
        user = self.get_user(name)
        assert user is not None
        return user.principal, secret

    def set_password(self, name: str, password: str) -> None:
        """Replace a user's password; every session of the user ends."""
        if len(password) < 8:
            raise UserError("a password has at least 8 characters")
        with self.engine.begin() as conn:
            done = conn.execute(
                update(users)
                .where(users.c.name == name)
                .values(password_hash=hash_password(password))
            )
        if done.rowcount == 0:
            raise UserError(f"no user {name!r}")
        SessionStore(self.engine).end_all(name)

    def set_disabled(self, name: str, disabled: bool) -> None:
        """Disable (or enable again) a user; disabling ends every session of the user."""
        with self.engine.begin() as conn:
            done = conn.execute(update(users).where(users.c.name == name).values(disabled=disabled))
        if done.rowcount == 0:
            raise UserError(f"no user {name!r}")
        if disabled:
            SessionStore(self.engine).end_all(name)

    def get_user(self, name: str) -> StoredUser | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).first()
        if row is None:
            return None
        return StoredUser(
            _principal(row, "user"), row.disabled, row.created, _stamp(row.password_hash)
        )

    def list_users(self) -> list[StoredUser]:
        with self.engine.connect() as conn:
            rows = conn.execute(select(users).order_by(users.c.name)).all()
        return [
            StoredUser(_principal(r, "user"), r.disabled, r.created, _stamp(r.password_hash))
            for r in rows
        ]

    def authenticate(self, name: str, password: str) -> StoredUser | None:
        """The enabled user whose password this is, else ``None`` (same cost either way)."""
        with self.engine.connect() as conn:
            row = conn.execute(select(users).where(users.c.name == name)).first()
        stored = None if row is None else row.password_hash
        if not verify_password(stored, password) or row is None or row.disabled:
            return None
        return StoredUser(_principal(row, "user"), row.disabled, row.created, _stamp(stored or ""))

    # -- tokens --------------------------------------------------------------------------------
    def create_token(
        self, name: str, role: str, *, fonds: Sequence[str] = (), clearance: str | None = None
    ) -> tuple[str, str]:
        """Create an API token; returns ``(token id, token)`` — the token is shown only now."""
        if not _NAME.match(name):
            raise UserError("a token name is 1-64 letters, digits, '.', '@', '_' or '-'")
        parsed, fonds_json, chosen = _scope(role, fonds, clearance)
        token_id = secrets.token_hex(8)
        secret = secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            conn.execute(
                insert(api_tokens).values(
                    id=token_id,
                    name=name,
                    role=parsed.value,
                    fonds=fonds_json,
                    clearance=chosen,
                    secret_sha256=hashlib.sha256(secret.encode()).hexdigest(),
                    created=self.clock(),
                    revoked=False,
                )
            )
        return token_id, f"eat_{token_id}_{secret}"

    def token_principal(self, token: str) -> Principal | None:
        """The principal of a valid, unrevoked token, else ``None``."""
        match = _TOKEN.match(token)
        if match is None:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(select(api_tokens).where(api_tokens.c.id == match[1])).first()
        if row is None or row.revoked:
            return None
        digest = hashlib.sha256(match[2].encode()).hexdigest()
        if not hmac.compare_digest(digest, row.secret_sha256):
            return None
        return _principal(row, "token")

    def revoke_token(self, token_id: str) -> None:
        with self.engine.begin() as conn:
            done = conn.execute(
                update(api_tokens).where(api_tokens.c.id == token_id).values(revoked=True)
            )
        if done.rowcount == 0:
            raise UserError(f"no token {token_id!r}")

    def list_tokens(self) -> list[tuple[str, Principal, bool]]:
        """``(id, principal, revoked)`` for every token."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(api_tokens).order_by(api_tokens.c.created)).all()
        return [(r.id, _principal(r, "token"), r.revoked) for r in rows]

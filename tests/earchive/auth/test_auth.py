"""Users, tokens, sessions and roles — unit level, on a throwaway SQLite catalog."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select
from typer.testing import CliRunner

from earchive.auth import (
    Permission,
    Role,
    SessionCodec,
    UserStore,
    allowed_classifications,
    load_secret,
)
from earchive.auth.store import api_tokens, users
from earchive.core.errors import UserError


@pytest.fixture
def store(tmp_path: Path) -> UserStore:
    s = UserStore(create_engine(f"sqlite:///{tmp_path / 'c.db'}"), lambda: datetime.now(UTC))
    s.create_schema()
    return s


def test_passwords_are_argon2_hashed_and_checked(store: UserStore) -> None:
    principal, generated = store.add_user("li", "archivist")
    assert principal.role is Role.ARCHIVIST and principal.fonds is None
    assert principal.clearance == "秘密"
    with store.engine.connect() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    assert stored.startswith("$argon2id$") and generated not in stored
    assert store.authenticate("li", generated) is not None
    assert store.authenticate("li", generated + "x") is None
    assert store.authenticate("nobody", generated) is None
    store.set_disabled("li", True)
    assert store.authenticate("li", generated) is None


def test_user_rules(store: UserStore) -> None:
    with pytest.raises(UserError, match="fonds"):
        store.add_user("d", "department")
    with pytest.raises(UserError, match="unknown role"):
        store.add_user("d", "janitor")
    with pytest.raises(UserError, match="密级"):
        store.add_user("d", "department", fonds=["S001"], clearance="绝密")
    with pytest.raises(UserError, match="token role"):
        store.add_user("d", "submitter")
    principal, _ = store.add_user("d", "department", fonds=["S001", "G002"], password="long-enough")
    assert principal.fonds == ("G002", "S001") and principal.clearance == "公开"
    with pytest.raises(UserError, match="exists"):
        store.add_user("d", "auditor")


def test_tokens_are_stored_as_sha256_and_can_be_revoked(store: UserStore) -> None:
    token_id, token = store.create_token("handling-system", "submitter")
    with store.engine.connect() as conn:
        row = conn.execute(select(api_tokens)).one()
    secret = token.split("_", 2)[2]
    assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(tuple(row))
    principal = store.token_principal(token)
    assert principal is not None and principal.kind == "token"
    assert principal.can(Permission.UPLOAD) and not principal.can(Permission.SEARCH)
    assert store.token_principal(token[:-1] + ("A" if token[-1] != "A" else "B")) is None
    store.revoke_token(token_id)
    assert store.token_principal(token) is None


def test_session_cookie_is_signed(tmp_path: Path) -> None:
    secret = load_secret(tmp_path)
    assert (tmp_path / "session-secret").stat().st_mode & 0o777 == 0o600
    codec = SessionCodec(secret)
    value = codec.dumps("li", "stamp", "session-id")
    assert codec.loads(value) == ("li", "stamp", "session-id")
    assert codec.loads(value[:-2] + "xx") is None
    assert SessionCodec("another secret").loads(value) is None


def test_clearance_order() -> None:
    assert allowed_classifications("公开") == ("公开",)
    assert allowed_classifications("秘密") == ("公开", "内部", "秘密")


def test_cli_user_and_token_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from earchive.cli.app import app

    monkeypatch.setenv("EARCHIVE_HOME", str(tmp_path / "home"))
    runner = CliRunner()
    added = runner.invoke(app, ["user", "add", "wang", "--role", "department", "--fonds", "S001"])
    assert added.exit_code == 0, added.output
    assert "password: " in added.output
    piped = runner.invoke(
        app, ["user", "add", "zhao", "--role", "auditor", "--password-stdin"], input="s3cret-pw\n"
    )
    assert piped.exit_code == 0 and "s3cret-pw" not in piped.output
    refused = runner.invoke(app, ["user", "add", "x", "--role", "department"])
    assert refused.exit_code == 2
    token = runner.invoke(app, ["token", "create", "hs", "--role", "submitter"])
    assert token.exit_code == 0 and token.stdout.strip().startswith("eat_")
    listed = runner.invoke(app, ["user", "list"])
    assert "wang" in listed.output and "zhao" in listed.output

"""``earchive user …`` and ``earchive token …``: people and systems that may use the archive.

Passwords are generated (printed once) or read from stdin with ``--password-stdin``; tokens are
printed once at creation and kept only as a SHA-256. Exit codes: 0 done, 2 usage error.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from earchive.auth import Principal, Role, UserStore
from earchive.auth.passwords import generate_password
from earchive.cli.support import Commands, err, initialised, out
from earchive.core.archive import Archive

__all__ = ["ensure_demo_users", "print_demo_users", "register"]


RoleOpt = Annotated[str, typer.Option("--role", help=f"One of: {', '.join(Role)}.")]
FondsOpt = Annotated[
    list[str] | None,
    typer.Option("--fonds", help="Fonds the principal is bound to (repeat); none: every fonds."),
]
ClearanceOpt = Annotated[
    str | None, typer.Option("--clearance", help="密级 clearance: 公开, 内部 or 秘密.")
]


def _store() -> UserStore:
    archive = initialised()
    return UserStore(archive.engine, archive.clock)


def _scope(p: Principal) -> str:
    fonds = ",".join(p.fonds) if p.fonds is not None else "*"
    return f"role={p.role.value} fonds={fonds} clearance={p.clearance}"


def ensure_demo_users(archive: Archive, department_fonds: str) -> list[tuple[str, str, str]]:
    """Create (or reset) ``demo-admin`` and ``demo-dept``; returns (name, password, scope)."""
    store = UserStore(archive.engine, archive.clock)
    made: list[tuple[str, str, str]] = []
    for name, role, fonds in (("demo-admin", "admin", ()), ("demo-dept", "department",
                                                            (department_fonds,))):  # fmt: skip
        if store.get_user(name) is None:
            principal, password = store.add_user(name, role, fonds=fonds)
        else:
            password = generate_password()
            store.set_password(name, password)
            user = store.get_user(name)
            assert user is not None
            principal = user.principal
        made.append((name, password, _scope(principal)))
    return made


def print_demo_users(archive: Archive, console: Console) -> None:
    """Make the demo users (department bound to the first archive's fonds) and print them."""
    first = next(archive.catalog.iter_archives(), None)
    fonds = first.fonds_identifier if first is not None else "S001"
    console.print("demo logins (passwords are new on every demo run):")
    for name, password, scope in ensure_demo_users(archive, fonds):
        console.print(f"  {name} / {password}   ({scope})", soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the ``user`` and ``token`` command groups to the CLI."""
    users = Commands(help="Users of the web UI and API.", no_args_is_help=True)
    tokens = Commands(help="API tokens for systems (e.g. a handling system).",
                         no_args_is_help=True)  # fmt: skip

    @users.command("add")
    def user_add(
        name: Annotated[str, typer.Argument(help="Login name.")],
        role: RoleOpt,
        fonds: FondsOpt = None,
        clearance: ClearanceOpt = None,
        password_stdin: Annotated[
            bool, typer.Option("--password-stdin", help="Read the password from stdin.")
        ] = False,
    ) -> None:
        """Add a user; prints a generated password unless --password-stdin is given."""
        password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
        principal, secret = _store().add_user(
            name, role, fonds=fonds or (), clearance=clearance, password=password
        )
        out.print(f"user {principal.name} added ({_scope(principal)})")
        if not password_stdin:
            out.print(f"password: {secret}")

    @users.command("list")
    def user_list() -> None:
        """List users (never their passwords)."""
        table = Table("name", "role", "fonds", "clearance", "disabled")
        for u in _store().list_users():
            p = u.principal
            table.add_row(p.name, p.role.value, ",".join(p.fonds or ("*",)), p.clearance,
                          "yes" if u.disabled else "")  # fmt: skip
        out.print(table)

    @users.command("disable")
    def user_disable(name: Annotated[str, typer.Argument(help="Login name.")]) -> None:
        """Disable a user; its sessions stop working at once."""
        _store().set_disabled(name, True)
        out.print(f"user {name} disabled")

    @tokens.command("create")
    def token_create(
        name: Annotated[str, typer.Argument(help="Name of the system using the token.")],
        role: RoleOpt = "submitter",
        fonds: FondsOpt = None,
        clearance: ClearanceOpt = None,
    ) -> None:
        """Create an API token (printed once; only its SHA-256 is kept)."""
        token_id, token = _store().create_token(name, role, fonds=fonds or (), clearance=clearance)
        err.print(f"token {token_id} for {name} ({role}); shown once, store it safely:")
        sys.stdout.write(token + "\n")

    @tokens.command("list")
    def token_list() -> None:
        """List tokens (id, name, scope, revoked)."""
        table = Table("id", "name", "scope", "revoked")
        for token_id, p, revoked in _store().list_tokens():
            table.add_row(token_id, p.name, _scope(p), "yes" if revoked else "")
        out.print(table)

    @tokens.command("revoke")
    def token_revoke(token_id: Annotated[str, typer.Argument(help="Token id.")]) -> None:
        """Revoke a token."""
        _store().revoke_token(token_id)
        out.print(f"token {token_id} revoked")

    app.add_typer(users, name="user")
    app.add_typer(tokens, name="token")

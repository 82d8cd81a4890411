"""``earchive log seal`` and ``earchive log verify``: the audit trail and its seals in storage."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from earchive.cli.support import Commands, open_archive, out
from standards.finding import Status

log_app = Commands(help="The event log (audit trail): seal it into storage, verify it.")


@log_app.command("seal")
def seal() -> None:
    """Seal the events not yet in storage into a new signed version of the log object."""
    archive = open_archive()
    archive.init()
    result = archive.seal_event_log()
    if result is None:
        out.print("nothing new to seal")
    else:
        out.print(
            f"sealed events {result.first_seq}–{result.head_seq} as {result.version} "
            f"(head {result.head_hash[:16]}…)"
        )


@log_app.command("verify")
def verify(
    trusted_key: Annotated[
        Path | None,
        typer.Option(help="PEM public key the seals must come from (default: the archive's)."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Check the hash chain, the seals' signatures, and that every sealed event is unchanged."""
    archive = open_archive()
    archive.init()
    key = trusted_key.read_text() if trusted_key else archive.trusted_key_pem
    findings = archive.verify_event_log(key)
    for f in findings:
        if as_json:
            sys.stdout.write(json.dumps(f.as_dict(), ensure_ascii=False) + "\n")
        else:
            out.print(f"{f.status.value} {f.code} {f.message}")
    if any(f.status is Status.FAIL for f in findings):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(log_app, name="log")

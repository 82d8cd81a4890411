"""``earchive quarantine list|report|delete|resubmit``: the refused packages and what an
archivist does with them. ``delete`` needs ``--reason`` (kept in the event log); ``resubmit``
ingests a kept package again (after a corrected rule or table) and prints the result as
``earchive ingest --json`` does. Exit codes: 0 done, 1 not found or refused again, 2 usage.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from earchive.cli.support import Commands, JsonOpt, emit, initialised, out

__all__ = ["register"]

quarantine_app = Commands(no_args_is_help=True, help="Refused packages (隔离区) and their reports.")
Name = Annotated[str, typer.Argument(help="The quarantine folder (from 'quarantine list').")]


@quarantine_app.command("list")
def list_cmd(as_json: JsonOpt = False) -> None:
    """Refused packages, newest first, with their reasons."""
    from earchive.services.quarantine import quarantine_dir, read_quarantine

    for entry in read_quarantine(quarantine_dir(initialised())):
        if as_json:
            emit(entry.as_dict())
            continue
        codes = sorted(
            {str(f.get("code", "")) for f in entry.findings if f.get("status") == "FAIL"}
        )
        kept = "" if entry.kept else "  (report only)"
        out.print(f"{entry.name}  {entry.electronic_record_code}  {', '.join(codes)}{kept}")


@quarantine_app.command("report")
def report_cmd(name: Name) -> None:
    """Print the report of one refused package (JSON)."""
    from earchive.services.quarantine import refused_report

    body = refused_report(initialised(), name)
    sys.stdout.write(json.dumps(body, ensure_ascii=False, indent=2) + "\n")


@quarantine_app.command("delete")
def delete_cmd(
    name: Name,
    reason: Annotated[str, typer.Option("--reason", help="Why it is deleted (logged).")],
) -> None:
    """Delete one refused package and its report."""
    from earchive.services.quarantine import delete_refused

    archive = initialised()
    delete_refused(archive, name, reason, archive.settings.agent)
    out.print(f"deleted {name}")


@quarantine_app.command("resubmit")
def resubmit_cmd(name: Name, as_json: JsonOpt = False) -> None:
    """Ingest one refused package again."""
    from earchive.services.quarantine import resubmit

    archive = initialised()
    result = resubmit(archive, name, archive.settings.agent)
    if as_json:
        emit(result.as_dict())
    else:
        out.print(f"{result.status} {result.archival_code or ''} {result.electronic_record_code}")
    if result.status == "refused":
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``quarantine`` to the ``earchive`` command line."""
    app.add_typer(quarantine_app, name="quarantine")

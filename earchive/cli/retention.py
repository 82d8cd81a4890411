"""``earchive retention schedule``: each archive's disposition — transfer or disposal review.

Calls ``earchive.services.transfer.disposition.retention_schedule``. ``--json`` prints one object
per
archive (fields only ever added); ``--on DATE`` evaluates the transfer status as of that day.
Exit codes: 0 success, 2 usage or configuration error.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from typing import Annotated

import typer

from earchive.cli.support import Commands, UsageError, open_archive, out

__all__ = ["register"]

retention_app = Commands(no_args_is_help=True, help="Retention schedule and disposition.")


def _day(value: date | None) -> str:
    return "-" if value is None else value.isoformat()


@retention_app.command("schedule")
def schedule_cmd(
    on: Annotated[
        str | None, typer.Option("--on", help="Evaluate as of this day (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
) -> None:
    """Per archive: retention, formation year, retention end and its outcome (transfer with
    its deadline and status, or disposal review with its date)."""
    from earchive.services.transfer.disposition import retention_schedule

    try:
        today = None if on is None else date.fromisoformat(on)
    except ValueError as exc:
        raise UsageError(f"--on must be YYYY-MM-DD: {on}") from exc
    entries = retention_schedule(open_archive(), today)
    for e in entries:
        if as_json:
            line = json.dumps(e.as_dict(), ensure_ascii=False, default=str)
            sys.stdout.write(line + "\n")
            continue
        if e.outcome == "transfer":
            then = f"transfer by {_day(e.transfer_deadline)} ({e.transfer_status})"
            if e.kept_until is not None:
                then += f", kept here until {_day(e.kept_until)}"
        else:
            then = f"disposal review {_day(e.disposal_review)}"
        out.print(
            f"{e.retention:<4} {e.formation_year}  end {_day(e.retention_end):<10}  "
            f"{e.archival_code}  {then}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(retention_app, name="retention")

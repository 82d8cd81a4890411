"""``earchive identities backfill|status``: the identity table for the applicant view.

``backfill`` keys every catalogued archive that has no identity row under the current key (an
archive catalogued before migration 0003, or keyed under an older key), reading its case.xml
from storage; ``--all`` keys every archive again. ``status`` counts rows and archives still
unkeyed. Neither prints an identifier. Exit codes: 0 done, 1 some archive could not be read,
2 configuration error.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from earchive.cli.support import Commands, initialised, open_archive
from earchive.cli.support import err as _err
from earchive.cli.support import out as _out
from search.identities import ALGORITHM, IdentityTable

__all__ = ["register"]


identities_app = Commands(help="Identity keys (keyed hashes of applicants' identifiers).")


@identities_app.command("backfill")
def backfill_command(
    everything: Annotated[
        bool, typer.Option("--all", help="Key every archive again (e.g. after a new key).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object (the report).")] = False,
) -> None:
    """Key the applicants of archives that have no identity row under the current key."""
    from earchive.services.maintenance import run_backfill

    report = run_backfill(open_archive(), everything)
    out = {
        "keyed": report.keyed,
        "skipped": report.skipped,
        "problems": [{"id": i, "message": m} for i, m in report.problems],
    }
    if as_json:
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        _out.print(f"keyed {report.keyed} archives, {report.skipped} already keyed ({ALGORITHM})")
        for archive_id, message in report.problems:
            _err.print(f"[red]not keyed[/red] {archive_id}: {message}")
    if report.problems:
        raise typer.Exit(1)


@identities_app.command("status")
def status_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """How many identity rows there are and how many archives have none under the current key."""
    archive = initialised()
    keyed = IdentityTable(archive.engine).keyed_archives(archive.identities.key_id)
    archives = archive.catalog.count()
    rows = IdentityTable(archive.engine).count()
    out = {
        "algorithm": ALGORITHM,
        "key_id": archive.identities.key_id,
        "rows": rows,
        "archives": archives,
        "unkeyed": archives - len(keyed),
    }
    if as_json:
        sys.stdout.write(json.dumps(out) + "\n")
    else:
        _out.print(
            f"{rows} identity rows ({ALGORITHM}, key {out['key_id']}); "
            f"{out['unkeyed']} of {archives} archives not keyed"
        )


def register(app: typer.Typer) -> None:
    """Add ``identities backfill|status`` to the ``earchive`` command line."""
    app.add_typer(identities_app, name="identities")

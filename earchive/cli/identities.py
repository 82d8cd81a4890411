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

from earchive.cli.support import err as _err
from earchive.cli.support import out as _out
from earchive.core.archive import Archive, ConfigurationError
from earchive.settings import Settings
from ingest.identities import BackfillReport, backfill_identities
from preservation.events import Event
from search.catalog import CatalogError
from search.identities import ALGORITHM, IdentityTable

__all__ = ["register", "run_backfill"]


identities_app = typer.Typer(help="Identity keys (keyed hashes of applicants' identifiers).")


def run_backfill(archive: Archive, everything: bool = False) -> BackfillReport:
    """Fill ``archive_identities`` from storage; log one ``identities`` event."""
    archive.init()
    report = backfill_identities(
        archive.storage, archive.catalog, archive.writer, archive.identities, everything=everything
    )
    detail = {
        "keyed": report.keyed,
        "skipped": report.skipped,
        "problems": [archive_id for archive_id, _ in report.problems],
        "key_id": archive.identities.key_id,
    }
    outcome = "failed" if report.problems else "done"
    archive.events.record(
        Event(archive.settings.agent, "identities", "catalog", outcome, archive.clock(), detail)
    )
    return report


def _open() -> Archive:
    try:
        return Archive(Settings())
    except ConfigurationError as exc:
        _err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc


@identities_app.command("backfill")
def backfill_command(
    everything: Annotated[
        bool, typer.Option("--all", help="Key every archive again (e.g. after a new key).")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object (the report).")] = False,
) -> None:
    """Key the applicants of archives that have no identity row under the current key."""
    archive = _open()
    try:
        report = run_backfill(archive, everything)
    except (ConfigurationError, CatalogError) as exc:
        _err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
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
    archive = _open()
    try:
        archive.init()
        keyed = IdentityTable(archive.engine).keyed_archives(archive.identities.key_id)
        archives = archive.catalog.count()
        rows = IdentityTable(archive.engine).count()
    except (ConfigurationError, CatalogError) as exc:
        _err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
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

"""``earchive audit`` (fixity audit of a storage location) and ``earchive restore ID``.

Thin: builds the ``Archive`` and calls ``earchive.services.audit.service``. ``audit --json`` prints
one object per
finding (``id`` archive id, ``code``, ``status``, ``message``, ``path``, ``location`` and the
evidence); a run summary goes to stderr. Exit codes: 0 clean, 1 a problem remains (after
``--repair``, the re-check of the restored objects decides), 2 usage or configuration error.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from earchive.cli.support import err as _err
from earchive.cli.support import open_archive
from earchive.cli.support import out as _out
from earchive.core.stores import PRIMARY, REPLICA
from standards.finding import Finding, Status

if TYPE_CHECKING:
    from earchive.services.audit.service import AuditReport

__all__ = ["register"]

_COLOURS = {"PASS": "green", "FAIL": "red"}


def _row(archive_id: str, location: str, f: Finding) -> dict[str, object]:
    row: dict[str, object] = {"id": archive_id, **f.as_dict(), "path": f.path, "location": location}
    if f.detail.get("object_id"):
        row["object_id"] = f.detail["object_id"]
    return row


def _print(report: AuditReport, as_json: bool, quiet_pass: bool) -> None:
    for archive_id, f in report.findings():
        location = f.detail.get("location", report.location)
        if as_json:
            sys.stdout.write(json.dumps(_row(archive_id, location, f), ensure_ascii=False) + "\n")
        elif not (quiet_pass and f.status is Status.PASS):
            colour = _COLOURS.get(f.status.value, "yellow")
            _out.print(f"[{colour}]{f.status.value}[/{colour}] {f.code} {archive_id} {f.message}")


def _summary(report: AuditReport) -> None:
    run = report.run
    mb = run.bytes / 1e6
    rate = mb / run.seconds if run.seconds else 0.0
    _err.print(
        f"audit {report.location}: {len(run.objects)} objects, {len(run.failed)} failed, "
        f"{mb:.1f} MB in {run.seconds:.2f} s ({rate:.0f} MB/s), {run.remaining} left for the "
        f"next run"
        + (f"; restored {len(report.restores)}" if report.restores else "")
        + (f"; {len(report.pending)} replica writes owed" if report.pending else "")
    )


def audit(
    limit: Annotated[int | None, typer.Option("--limit", help="Most objects this run.")] = None,
    seconds: Annotated[
        float | None, typer.Option("--seconds", help="Start no object after this many seconds.")
    ] = None,
    location: Annotated[str, typer.Option("--location", help=f"{PRIMARY} or {REPLICA}.")] = PRIMARY,
    repair: Annotated[
        bool, typer.Option("--repair", help="Restore failed objects from the other location.")
    ] = False,
    workers: Annotated[
        int, typer.Option(help="Worker processes (threads for storage that is not local).")
    ] = 2,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per finding.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show PASS lines.")] = False,
) -> None:
    """Fixity audit: re-hash stored files (SM3 + SHA-256) against inventories and signed
    manifests, oldest-audited objects first; every run is logged as an event."""
    from earchive.services.audit.service import run_audit
    from preservation.audit import AuditLimits

    limits = AuditLimits(max_objects=limit, max_seconds=seconds, workers=workers, processes=True)
    report = run_audit(open_archive(), location=location, limits=limits, repair=repair)
    _print(report, as_json, quiet_pass=not verbose)
    _summary(report)
    if report.failed:
        raise typer.Exit(1)


def restore(
    archive_id: Annotated[str, typer.Argument(help="Archive id (from ingest, search, audit).")],
    source: Annotated[str, typer.Option("--from", help="Location to copy from.")] = REPLICA,
    target: Annotated[str, typer.Option("--to", help="Location to repair.")] = PRIMARY,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per file.")] = False,
) -> None:
    """Restore an archive's stored object from the replica: copy missing files, replace corrupt
    ones, verifying SM3/SHA-256 as they stream; logged as a ``restore`` event."""
    from earchive.services.audit.service import restore_archive

    outcome = restore_archive(open_archive(), archive_id, source=source, target=target)
    for f in outcome.findings:
        if as_json:
            row = _row(archive_id, target, f)
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        else:
            colour = _COLOURS.get(f.status.value, "yellow")
            _out.print(f"[{colour}]{f.status.value}[/{colour}] {f.code} {f.message}")
    _err.print(
        f"restore {archive_id} {source} → {target}: {len(outcome.copied)} copied, "
        f"{len(outcome.repaired)} repaired"
        + ("" if outcome.ok else ", [red]some files could not be restored[/red]")
    )
    if not outcome.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("audit")(audit)
    app.command("restore")(restore)

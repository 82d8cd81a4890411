"""``earchive normalise`` and ``earchive migrate``: preservation copies and OCR text of stored
archives, as the format policy says (``docs/formats.md``); each archive that gets any is written
as one new signed OCFL version. Exit codes: 0 done, 1 some file needs manual review
(MANUAL_REVIEW), 2 usage or configuration error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from earchive.cli.support import JsonOpt, UsageError, emit, open_archive, out
from standards.finding import Status

if TYPE_CHECKING:
    from earchive.services.preservation.service import PreserveReport

__all__ = ["register"]


def _show(report: PreserveReport, as_json: bool) -> None:
    if as_json:
        emit(
            {
                "id": report.archive_id,
                "version": report.version,
                "derived": list(report.derived),
                "findings": [f.as_dict() for f in report.findings],
            }
        )
        return
    done = f"new version v{report.version}" if report.version else "nothing new"
    out.print(f"{report.archive_id}: {done}")
    for finding in report.findings:
        colour = "yellow" if finding.status is Status.MANUAL_REVIEW else "green"
        out.print(f"  [{colour}]{finding.status.value}[/{colour}] {finding.code} {finding.message}")


def normalise_command(
    archive_ids: Annotated[list[str] | None, typer.Argument(help="Archive ids.")] = None,
    every: Annotated[bool, typer.Option("--all", help="Every archive in the catalog.")] = False,
    copies: Annotated[
        bool, typer.Option("--copies/--no-copies", help="Make preservation copies.")
    ] = True,
    ocr: Annotated[bool, typer.Option("--ocr/--no-ocr", help="Read scans with OCR.")] = True,
    as_json: JsonOpt = False,
) -> None:
    """Make the preservation copies (PDF/A-2b) and OCR text the format policy asks for."""
    from earchive.services.preservation.options import PreserveOptions
    from earchive.services.preservation.service import preserve_archive

    if bool(archive_ids) == every:
        raise UsageError("name archive ids or give --all (not both)")
    archive = open_archive()
    ids = [r.id for r in archive.catalog.iter_archives()] if every else list(archive_ids or [])
    options = PreserveOptions(copies=copies, ocr=ocr)
    review = False
    for archive_id in ids:
        report = preserve_archive(archive, archive_id, options)
        review = review or report.needs_review
        _show(report, as_json)
    if review:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``normalise`` to the ``earchive`` command line."""
    app.command("normalise")(normalise_command)
    app.command("migrate")(migrate_command)


def migrate_command(
    source: Annotated[str, typer.Option("--from", help="Format of the originals, e.g. PDF.")],
    target: Annotated[str, typer.Option("--to", help="Format of the copies, e.g. PDF/A-2b.")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Only show the plan.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Migrate originals of one format: a plan, then one new version per archive (resumable)."""
    from earchive.services.preservation.migrate import migrate, plan_migration

    archive = open_archive()
    plan = plan_migration(archive, source, target)
    if as_json:
        emit({"plan": plan.as_dict()})
    else:
        out.print(
            f"plan: {plan.files} {source} file(s) in {len(plan.archives)} archive(s), "
            f"{plan.bytes} bytes → {target}; {plan.signed_kept} signed file(s) kept as they are"
        )
    if dry_run:
        return
    review = False
    for report in migrate(archive, source, target):
        review = review or report.needs_review
        _show(report, as_json)
    if review:
        raise typer.Exit(1)

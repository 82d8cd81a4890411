"""``earchive rebuild``: the catalog, the 档号 counters, the search index and the objections table
again from storage.

Thin: builds the ``Archive`` from settings, hands its backends to ``ingest.rebuild.rebuild``, then
restores the ``objections`` table from the stored signed annotations
(``earchive.services.objections.restore``). The report (``--json``: one object) adds ``objections``:
restored, open, skipped (not restored, and why), damaged (attachment files), id_numbers_missing
(rows whose clear ID number could not be restored: it is not in the signed annotation).
Exit codes: 0 everything rebuilt, 1 some object could not be read or an objection was left out
(or has a damaged attachment), 2 configuration error.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from earchive.cli.support import err as _err
from earchive.cli.support import open_archive
from earchive.cli.support import out as _out
from earchive.core.archive import Archive

if TYPE_CHECKING:
    from earchive.services.maintenance import ArchiveRebuildReport
    from earchive.services.objections.restore import ObjectionRestoreReport

__all__ = ["register"]


def _run(archive: Archive, show_progress: bool) -> ArchiveRebuildReport:
    from earchive.services.maintenance import run_rebuild  # loads the transfer package

    object_count = sum(1 for _ in archive.storage.object_ids())
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err,
        disable=not show_progress,
    )
    with progress:
        task = progress.add_task("rebuilding", total=object_count)
        return run_rebuild(archive, on_object=lambda _oid: progress.advance(task))


def rebuild_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object (the report).")] = False,
) -> None:
    """Rebuild the catalog, the 档号 counters, the search index and the objections from storage."""
    from earchive.services.maintenance import rebuild_report_dict

    report = _run(open_archive(), show_progress=not as_json)
    if as_json:
        sys.stdout.write(json.dumps(rebuild_report_dict(report), ensure_ascii=False) + "\n")
    else:
        _out.print(
            f"rebuilt {report.archives} archives ({report.versions} versions), "
            f"indexed {report.indexed}, {len(report.counters)} 档号 classes"
        )
        for problem in report.problems:
            _err.print(f"[red]not rebuilt[/red] {problem.object_id}: {problem.message}")
        _print_objections(report.objections)
    if report.failed:
        raise typer.Exit(1)


def _print_objections(found: ObjectionRestoreReport) -> None:
    _out.print(f"restored {found.restored} objections ({found.open} open)")
    for issue in found.skipped:
        _err.print(f"[red]objection not restored[/red] {issue.objection}: {issue.message}")
    for issue in found.damaged:
        _err.print(f"[red]objection attachment damaged[/red] {issue.objection}: {issue.message}")
    for oid in found.id_numbers_missing:
        _err.print(
            f"[yellow]objection {oid}:[/yellow] the data subject's ID number is not in the signed "
            "annotation (only its mask and keyed hash) and was not found again: left empty"
        )
    for folder in found.unfinished:
        _err.print(
            f"[yellow]annotation folder without entry.json (not an objection)[/yellow] {folder}"
        )


def register(app: typer.Typer) -> None:
    """Add ``rebuild`` to the ``earchive`` command line."""
    app.command("rebuild")(rebuild_command)

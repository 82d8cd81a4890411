"""``earchive rebuild``: the catalog, the 档号 counters and the search index again from storage.

Thin: builds the ``Archive`` from settings and hands its backends to ``ingest.rebuild.rebuild``.
Exit codes: 0 every object rebuilt, 1 some object could not be read, 2 configuration error.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from earchive.archive import Archive, ConfigurationError
from earchive.settings import Settings
from ingest.rebuild import RebuildReport, rebuild
from preservation.events import Event
from standards import archival_code as ac

__all__ = ["register"]

_err = Console(stderr=True)
_out = Console()


def _report_dict(report: RebuildReport) -> dict[str, object]:
    return {
        "archives": report.archives,
        "versions": report.versions,
        "indexed": report.indexed,
        "counters": dict(report.counters),
        "problems": [{"object_id": p.object_id, "message": p.message} for p in report.problems],
    }


def run_rebuild(archive: Archive, show_progress: bool = True) -> RebuildReport:
    """Rebuild ``archive``'s catalog and index from its storage; log one ``rebuild`` event."""
    archive.init()
    object_ids = list(archive.storage.object_ids())
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=_err,
        disable=not show_progress,
    )
    with progress:
        task = progress.add_task("rebuilding", total=len(object_ids))
        report = rebuild(
            archive.storage,
            archive.catalog,
            archive.index,
            archive.writer,
            ac.ArchivalCodeRule.load(),
            on_object=lambda _oid: progress.advance(task),
            identities=archive.identities,
        )
    outcome = "failed" if report.problems else "done"
    detail = {k: v for k, v in _report_dict(report).items() if k != "counters"}
    archive.events.record(
        Event(archive.settings.agent, "rebuild", "catalog", outcome, archive.clock(), detail)
    )
    return report


def rebuild_command(
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object (the report).")] = False,
) -> None:
    """Rebuild the catalog, the 档号 counters and the search index from storage alone."""
    try:
        archive = Archive(Settings())
        report = run_rebuild(archive, show_progress=not as_json)
    except ConfigurationError as exc:
        _err.print(f"[red]configuration error:[/red] {exc}")
        raise typer.Exit(2) from exc
    if as_json:
        sys.stdout.write(json.dumps(_report_dict(report), ensure_ascii=False) + "\n")
    else:
        _out.print(
            f"rebuilt {report.archives} archives ({report.versions} versions), "
            f"indexed {report.indexed}, {len(report.counters)} 档号 classes"
        )
        for problem in report.problems:
            _err.print(f"[red]not rebuilt[/red] {problem.object_id}: {problem.message}")
    if report.problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add ``rebuild`` to the ``earchive`` command line."""
    app.command("rebuild")(rebuild_command)

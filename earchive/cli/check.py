"""``earchive check ID --stage gd|yj|bc`` (or ``--all``): the 四性 checks from the command line.

``--json`` prints one object per finding (``id``, ``code`` = DA/T 70 item, ``finding``,
``status``, ``message``, ``path`` …); ``--report DIR`` writes JSON, HTML and the PDF 四性检测报告.
Exit 1 when any finding FAILs, 2 on usage or configuration errors.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from earchive.cli.support import UsageError, err, open_archive, out

if TYPE_CHECKING:
    from preservation.checks import CheckRun

__all__ = ["register"]

_COLOURS = {"PASS": "green", "FAIL": "red", "WARN": "yellow", "MANUAL_REVIEW": "cyan"}


def _print(run: CheckRun, as_json: bool) -> None:
    if as_json:
        for result in run.results:
            sys.stdout.write(json.dumps(result.as_dict(run.archive_id), ensure_ascii=False) + "\n")
        return
    out.print(f"[bold]{run.archive_id}[/bold] {run.stage} v{run.version}: {run.summary()}")
    for result in run.results:
        f = result.finding
        colour = _COLOURS.get(f.status.value, "white")
        where = f" {f.path}" if f.path else ""
        out.print(f"  [{colour}]{f.status.value:<14}[/{colour}] {result.item:<9} {f.code}{where}")


def check(
    archive_id: Annotated[str | None, typer.Argument(help="Archive id (omit with --all).")] = None,
    stage: Annotated[str, typer.Option(help="gd (归档), yj (移交与接收) or bc (长期保存).")] = "gd",
    all_: Annotated[bool, typer.Option("--all", help="Check every archive.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per finding.")] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="Write report.json/.html/.pdf here.")
    ] = None,
) -> None:
    """Run the 四性 checks (DA/T 70-2018) on one archive or on all of them."""
    from earchive.services.checks.service import (
        STAGES,
        CheckOptions,
        antivirus_from_settings,
        check_all,
        check_archive,
        forms_for,
        write_reports,
    )

    if stage.lower() not in STAGES or (archive_id is None) == (not all_):
        raise UsageError("give an archive id or --all, and --stage gd|yj|bc")
    archive = open_archive()
    options = CheckOptions(antivirus=antivirus_from_settings(archive))
    runs: list[CheckRun] = []
    source = (
        check_all(archive, stage, options)
        if all_
        else iter([check_archive(archive, str(archive_id), stage, options)])
    )
    for run in source:
        runs.append(run)
        _print(run, as_json)
    if report is not None:
        name = "batch" if all_ else str(archive_id)
        paths = write_reports(archive, report, runs, forms=forms_for(archive, runs), name=name)
        err.print(f"report written: {', '.join(map(str, paths))}")
    if any(run.failed for run in runs):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command(name="check")(check)

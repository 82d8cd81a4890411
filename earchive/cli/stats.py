"""``earchive stats``: the archive's statistics — holdings by year, 事项, 保管期限, 密级 and
department (件, GB), ingests, refusals by reason and fixity audits per month — and, with
``--year``, that year's annual summary, also written as a PDF (``--pdf``) or XLSX (``--xlsx``)
in Chinese.

Reads the whole archive (the command line is the operator's). ``--json`` prints one JSON object
(fields only ever added). Exit codes: 0 success, 2 usage or configuration error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from earchive.cli.support import open_archive, out

__all__ = ["register"]


def stats_cmd(
    year: Annotated[
        int | None, typer.Option("--year", min=1900, max=9999, help="年度 of the annual summary.")
    ] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Write the annual summary PDF.")] = None,
    xlsx: Annotated[Path | None, typer.Option("--xlsx", help="Write it as XLSX.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object.")] = False,
) -> None:
    """Holdings, ingests, refusals and fixity audits; the annual summary with ``--year``."""
    from earchive.services.statistics import GB, annual_summary, statistics
    from earchive.services.table_files import workbook_bytes
    from earchive.web.annual_report import annual_pdf, annual_tables
    from earchive.web.i18n import translator

    archive = open_archive()
    found = statistics(archive, lambda _r: True, storage_wide=True)
    wanted = year if year is not None else (archive.clock().year if pdf or xlsx else None)
    summary = None if wanted is None else annual_summary(archive, lambda _r: True, wanted,
                                                         storage_wide=True)  # fmt: skip
    if summary is not None:
        t = translator("zh")
        if pdf is not None:
            when = archive.clock().strftime("%Y-%m-%d %H:%M")
            pdf.write_bytes(annual_pdf(summary, t, "zh", archive.settings.agent, when))
        if xlsx is not None:
            xlsx.write_bytes(workbook_bytes(annual_tables(summary, t, "zh")))
    if as_json:
        body = found.as_dict()
        if summary is not None:
            body["annual"] = summary.as_dict()
        sys.stdout.write(json.dumps(body, ensure_ascii=False) + "\n")
        return
    out.print(f"馆藏 {found.total} 件 · {found.total_bytes / GB:.3f} GB")
    for title, held in (
        ("年度", found.by_year),
        ("事项", found.by_task),
        ("保管期限", found.by_retention),
        ("密级", found.by_classification),
        ("受理部门", found.by_department),
    ):
        table = Table(title=f"按{title}")
        table.add_column(title)
        table.add_column("件", justify="right")
        table.add_column("GB", justify="right")
        for key, n in held.counts.items():
            table.add_row(key, str(n), f"{held.bytes[key] / GB:.4f}")
        out.print(table)
    if found.refusals_by_reason:
        reasons = found.refusals_by_reason.items()
        out.print("拒收原因：" + "，".join(f"{c} {n}" for c, n in reasons))
    runs = sum(v[0] for v in found.fixity_by_month.values())
    failed = sum(v[2] for v in found.fixity_by_month.values())
    out.print(f"固定性审计 {runs} 次，失败对象 {failed}")
    if summary is not None:
        out.print(
            f"{summary.year} 年度：归档 {summary.ingested[0]} 件，"
            f"移交 {summary.transferred[0]} 件，"
            f"利用 {sum(r[1] for r in summary.use_by_purpose)} 人次 / "
            f"{sum(r[2] for r in summary.use_by_purpose)} 件次"
        )
        for path in (pdf, xlsx):
            if path is not None:
                out.print(f"写入 {path}")


def register(app: typer.Typer) -> None:
    app.command("stats")(stats_cmd)

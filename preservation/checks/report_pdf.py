"""四性检测报告 as a PDF in Chinese (reportlab platypus with a CJK TrueType font).

The caller passes the font file (the application finds one, as the sample generator does).
Writes: the PDF at ``dest``. Raises: ``ReportError`` when the font cannot be used.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from standards.dat70 import dat70_items

from .engine import CheckRun
from .registration import FORM_NAME, RegistrationForm
from .reports import STAGE_ZH, STATUS_ZH

__all__ = ["ReportError", "write_report_pdf"]

FONT_NAME = "EarchiveReportCJK"
_COLOURS = {
    "FAIL": colors.HexColor("#f4c7c3"),
    "WARN": colors.HexColor("#fce8b2"),
    "MANUAL_REVIEW": colors.HexColor("#d2e3fc"),
    "PASS": colors.white,
    "NOT_APPLICABLE": colors.HexColor("#eeeeee"),
}


_BASIS = (
    "依据：DA/T 70-2018《文书类电子档案检测一般要求》。状态：通过 / 不通过 / 警告 / 需人工检测 / "
    "不适用；未做的检测从不记为通过。"
)


_BASIS = (
    "依据：DA/T 70-2018《文书类电子档案检测一般要求》。状态：通过 / 不通过 / 警告 / "
    "需人工检测 / 不适用；未做的检测从不记为通过。"
)


class ReportError(Exception):
    """The PDF report cannot be written."""


def _font(path: Path, subfont: int) -> str:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=subfont))
        except (TTFError, OSError) as exc:
            raise ReportError(f"cannot load the CJK font {path.name}: {exc}") from exc
    return FONT_NAME


def _styles(font: str) -> dict[str, ParagraphStyle]:
    return {
        "title": ParagraphStyle("t", fontName=font, fontSize=18, leading=24, spaceAfter=6),
        "h": ParagraphStyle("h", fontName=font, fontSize=12, leading=16, spaceBefore=8),
        "p": ParagraphStyle("p", fontName=font, fontSize=9, leading=12),
        "cell": ParagraphStyle("c", fontName=font, fontSize=7, leading=9, wordWrap="CJK"),
    }


def _grid(
    rows: list[list[object]], widths: Sequence[float], shades: list[str] | None = None
) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    style = [
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for n, status in enumerate(shades or [], start=1):
        style.append(("BACKGROUND", (0, n), (-1, n), _COLOURS.get(status, colors.white)))
    table.setStyle(TableStyle(style))
    return table


def _run_story(run: CheckRun, st: dict[str, ParagraphStyle]) -> list[object]:
    items = dat70_items()
    cell = st["cell"]
    summary = "，".join(f"{STATUS_ZH[k]} {v}" for k, v in run.summary().items() if v)
    tools = "；".join(f"{k} {v}" for k, v in run.tools.items())
    story: list[object] = [
        Paragraph(
            escape(
                f"{run.archive_id} — {STAGE_ZH.get(run.stage, run.stage)}检测"
                f"（{run.stage}，v{run.version}）"
            ),
            st["h"],
        ),
        Paragraph(
            escape(
                f"检测时间 {run.started:%Y-%m-%d %H:%M:%S %z} ；检测系统 {run.agent} ；"
                f"结论：{'不通过' if run.failed else '未发现不通过项'}（{summary}）"
            ),
            st["p"],
        ),
        Paragraph(escape(f"工具版本：{tools}"), st["p"]),
        Spacer(1, 2 * mm),
    ]
    head = ["检测项", "名称", "状态", "结果代码", "说明", "证据（期望/实际/路径）", "工具"]
    rows: list[list[object]] = [[Paragraph(h, cell) for h in head]]
    shades = []
    for r in run.results:
        f = r.finding
        evidence = " / ".join(x for x in (f.expected, f.found, f.path) if x)
        name = items[r.item].name_zh if r.item in items else ""
        values = [
            r.item,
            name,
            STATUS_ZH[f.status.value],
            f.code,
            f.detail.get("zh", f.message),
            evidence[:300],
            f.tool,
        ]
        rows.append([Paragraph(escape(v), cell) for v in values])
        shades.append(f.status.value)
    widths = [20 * mm, 38 * mm, 18 * mm, 38 * mm, 70 * mm, 55 * mm, 28 * mm]
    story.append(_grid(rows, widths, shades))
    return story


def _form_story(form: RegistrationForm, st: dict[str, ParagraphStyle]) -> list[object]:
    cell = st["cell"]
    head = ["序号", "档号", "题名", "版本", "文件数", "字节数"]
    rows: list[list[object]] = [[Paragraph(h, cell) for h in head]]
    rows += [[Paragraph(escape(c), cell) for c in row] for row in form.rows()]
    rows.append(
        [
            Paragraph(x, cell)
            for x in (
                "合计",
                "",
                f"{len(form.entries)} 件",
                "",
                str(form.total_files),
                str(form.total_bytes),
            )
        ]
    )
    return [
        Paragraph(escape(f"{FORM_NAME}（批次 {form.batch_id}）"), st["h"]),
        Paragraph(
            escape(
                f"归档单位：{form.unit}；归档时间：{form.created_at:%Y-%m-%d %H:%M}；"
                f"载体：{form.carrier}；归档人：{form.agent}"
            ),
            st["p"],
        ),
        _grid(rows, [12 * mm, 60 * mm, 100 * mm, 15 * mm, 20 * mm, 30 * mm]),
    ]


def write_report_pdf(
    dest: Path,
    runs: Sequence[CheckRun],
    font: Path,
    *,
    subfont: int = 0,
    forms: Sequence[RegistrationForm] = (),
    who: str = "",
    when: datetime | None = None,
) -> Path:
    """Write the 四性检测报告 PDF to ``dest`` and return it."""
    st = _styles(_font(font, subfont))
    failed = sum(1 for r in runs if r.failed)
    stamp = when.isoformat() if when else ""
    story: list[object] = [
        Paragraph("电子档案四性检测报告", st["title"]),
        Paragraph(
            escape(
                f"检测对象 {len(runs)} 件档案，其中 {failed} 件有不通过项。"
                f"报告人：{who}；生成时间：{stamp}"
            ),
            st["p"],
        ),
        Paragraph(_BASIS, st["p"]),
    ]
    for form in forms:
        story += _form_story(form, st)
    for run in runs:
        story += _run_story(run, st)
    doc = SimpleDocTemplate(
        str(dest),
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=10 * mm,
        bottomMargin=10 * mm,
        title="电子档案四性检测报告",
        author=who,
    )
    doc.build(story)
    return dest

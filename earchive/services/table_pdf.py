"""Printable reports made of titled tables (the audit report, the annual summary, the 移交清单,
a printed list) as a PDF in Chinese: reportlab platypus with the CJK TrueType font that the
四性 report uses (``preservation.fonts``).

Reads: the installed fonts. Writes nothing (returns the PDF's bytes). Raises
``ConfigurationError`` when no CJK font is installed.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from earchive.core.errors import ConfigurationError
from preservation.fonts import FontNotFoundError, find_cjk_font, reportlab_font_name

__all__ = ["Section", "report_pdf"]

Cell = str | int | float | None


@dataclass(frozen=True)
class Section:
    """A heading, an optional note and a table (the first row of ``rows`` is not the header:
    ``headers`` is)."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""


def _font() -> str:
    try:
        return reportlab_font_name(find_cjk_font())
    except FontNotFoundError as exc:
        raise ConfigurationError(f"no CJK font for the PDF: {exc}") from exc


def _table(section: Section, font: str, width: float, empty: str) -> Table:
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    head = ParagraphStyle("head", parent=cell, textColor=colors.black)

    def para(value: Cell, style: ParagraphStyle) -> Paragraph:
        return Paragraph(escape("" if value is None else str(value)), style)

    rows = [[para(h, head) for h in section.headers]]
    rows += [[para(v, cell) for v in row] for row in section.rows]
    if not section.rows:
        rows.append([para(empty, cell)] + [para("", cell)] * (len(section.headers) - 1))
    n = max(1, len(section.headers))
    table = Table(rows, colWidths=[width / n] * n, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e4e4e4")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def report_pdf(
    title: str,
    lines: Sequence[str],
    sections: Sequence[Section],
    *,
    wide: bool = False,
    empty: str = "—",
) -> bytes:
    """A PDF: ``title``, the ``lines`` under it (period, who, when), then each section; A4
    portrait, or landscape when ``wide``."""
    font = _font()
    size = landscape(A4) if wide else A4
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=size,
        leftMargin=14 * mm,
        rightMargin=14 * mm,
        topMargin=14 * mm,
        bottomMargin=14 * mm,
        title=title,
    )
    big = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, spaceAfter=4)
    text = ParagraphStyle("text", fontName=font, fontSize=9, leading=12)
    heading = ParagraphStyle("h", fontName=font, fontSize=11.5, leading=15, spaceBefore=8,
                             spaceAfter=3)  # fmt: skip
    story: list[object] = [Paragraph(escape(title), big)]
    story += [Paragraph(escape(line), text) for line in lines]
    width = size[0] - 28 * mm
    for section in sections:
        story.append(Paragraph(escape(section.title), heading))
        if section.note:
            story.append(Paragraph(escape(section.note), text))
            story.append(Spacer(1, 2 * mm))
        story.append(_table(section, font, width, empty))
    doc.build(story)
    return out.getvalue()

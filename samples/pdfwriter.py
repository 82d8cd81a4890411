"""A tiny flowing layout on a reportlab canvas: titles, CJK paragraphs, tables, seal blocks.

Text is set in an embedded CJK TrueType font (reportlab subsets and embeds it with a ToUnicode
map, so ``pdftotext`` extracts the Chinese). Output is byte-deterministic: reportlab's invariant
mode plus the document's own creation date.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

__all__ = ["PdfSheet", "SealBox"]

MARGIN = 64.0
NO_LINE_START = "，。、；：？！）》」』”’"


@dataclass(frozen=True)
class SealBox:
    """Where a seal goes: 0-based page index and a box (x1, y1, x2, y2) in PDF points."""

    page: int
    box: tuple[float, float, float, float]


def _pdf_date(when: datetime) -> str:
    offset = when.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"D:{when:%Y%m%d%H%M%S}{sign}{abs(minutes) // 60:02d}'{abs(minutes) % 60:02d}'"


class PdfSheet:
    """Writes flowing content page by page; ``finish()`` returns the PDF bytes."""

    def __init__(self, font: str, *, title: str, author: str, created: datetime) -> None:
        self.font = font
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, invariant=True, pageCompression=1)
        stamp = _pdf_date(created)
        self.canvas.setDateFormatter(lambda *_: stamp)
        self.canvas.setTitle(title)
        self.canvas.setAuthor(author)
        self.canvas.setCreator("earchive samples (政务服务办理系统模拟)")
        self.canvas.setSubject(title)
        self.width, self.height = A4
        self.page = 0
        self.y = self.height - MARGIN
        self.footer = title
        self._start_page()

    def _start_page(self) -> None:
        self.canvas.setFont(self.font, 8)
        self.canvas.setFillGray(0.45)
        self.canvas.drawCentredString(self.width / 2, 32, f"{self.footer}　第{self.page + 1}页")
        self.canvas.setFillGray(0)
        self.y = self.height - MARGIN

    def new_page(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self._start_page()

    def _need(self, height: float) -> None:
        if self.y - height < MARGIN:
            self.new_page()

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        """Break ``text`` into lines of at most ``width`` points (CJK: any character)."""
        lines: list[str] = []
        for part in text.split("\n"):
            line, used = "", 0.0
            for ch in part:
                w = stringWidth(ch, self.font, size)
                if line and used + w > width and ch not in NO_LINE_START:
                    lines.append(line)
                    line, used = "", 0.0
                line += ch  # closing punctuation stays on its line even if it overhangs
                used += w
            lines.append(line)
        return lines

    def title(self, text: str, size: float = 20, space_after: float = 18) -> None:
        self._need(size * 2)
        self.canvas.setFont(self.font, size)
        self.canvas.drawCentredString(self.width / 2, self.y - size, text)
        self.y -= size + space_after

    def line(self, text: str, size: float = 11, align: str = "left") -> None:
        self._need(size * 1.8)
        self.canvas.setFont(self.font, size)
        if align == "right":
            self.canvas.drawRightString(self.width - MARGIN, self.y - size, text)
        elif align == "center":
            self.canvas.drawCentredString(self.width / 2, self.y - size, text)
        else:
            self.canvas.drawString(MARGIN, self.y - size, text)
        self.y -= size * 1.8

    def paragraph(self, text: str, size: float = 11, indent: bool = True) -> None:
        lead = size * 1.75
        body = ("\u3000\u3000" if indent else "") + text
        for row in self.wrap(body, size, self.width - 2 * MARGIN):
            self._need(lead)
            self.canvas.setFont(self.font, size)
            self.canvas.drawString(MARGIN, self.y - size, row)
            self.y -= lead
        self.y -= size * 0.4

    def space(self, points: float) -> None:
        self.y -= points

    def table(
        self, rows: Sequence[Sequence[str]], widths: Sequence[float], size: float = 10
    ) -> None:
        """A ruled table; ``widths`` are fractions of the text width; cells wrap."""
        total = self.width - 2 * MARGIN
        cols = [w * total for w in widths]
        pad = 4.0
        for row in rows:
            cells = [self.wrap(str(c), size, w - 2 * pad) for c, w in zip(row, cols, strict=True)]
            height = max(len(c) for c in cells) * size * 1.5 + 2 * pad
            self._need(height)
            x = MARGIN
            self.canvas.setFont(self.font, size)
            self.canvas.setLineWidth(0.6)
            for lines, w in zip(cells, cols, strict=True):
                self.canvas.rect(x, self.y - height, w, height)
                ty = self.y - pad - size
                for text in lines:
                    self.canvas.drawString(x + pad, ty, text)
                    ty -= size * 1.5
                x += w
            self.y -= height
        self.y -= size

    def seal_block(self, issuer: str, when: datetime, size: float = 12) -> SealBox:
        """Issuer and date at the bottom right; returns the box the seal should cover."""
        self._need(150)
        self.y -= 30
        self.line(issuer, size, align="right")
        self.line(f"{when.year}年{when.month}月{when.day}日", size, align="right")
        centre_x = self.width - MARGIN - stringWidth(issuer, self.font, size) / 2
        centre_y = self.y + size * 1.9
        r = 58.0
        return SealBox(self.page, (centre_x - r, centre_y - r, centre_x + r, centre_y + r))

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()

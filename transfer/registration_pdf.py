"""The printable 《电子档案移交与接收登记表》 (``登记表.pdf``) of a ``RegistrationForm``.

Reads: the CJK font file the caller names (the application finds one). Writes: ``dest``.
Raises ``TransferPackageError`` when the font cannot be loaded or the PDF cannot be written.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .errors import TransferPackageError
from .registration import PROPERTIES, RegistrationForm, verdict

__all__ = ["write_registration_pdf"]

FONT_NAME = "earchive-transfer-cjk"
TITLE = "电子档案移交与接收登记表"


def _font(path: Path, subfont: int) -> str:
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        try:
            pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=subfont))
        except (TTFError, OSError) as exc:
            raise TransferPackageError(f"cannot load the CJK font {path.name}: {exc}") from exc
    return FONT_NAME


def _table(rows: list[list[str]], style: ParagraphStyle, widths: list[float]) -> Table:
    cells = [[Paragraph(escape(c), style) for c in row] for row in rows]
    table = Table(cells, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")]
        )
    )
    return table


def write_registration_pdf(
    dest: Path, form: RegistrationForm, font: Path, subfont: int = 0
) -> Path:
    """Write the form as a one-table-per-section A4 PDF; return ``dest``."""
    name = _font(font, subfont)
    title = ParagraphStyle("t", fontName=name, fontSize=16, leading=22, alignment=1)
    head = ParagraphStyle("h", fontName=name, fontSize=11, leading=15, spaceBefore=6)
    cell = ParagraphStyle("c", fontName=name, fontSize=8, leading=10, wordWrap="CJK")
    general = [
        ["项目", "内容"],
        ["交接工作名称", form.task_name],
        ["内容描述", form.content],
        ["移交电子档案数量", f"{form.archives} 件，{form.files} 个计算机文件"],
        ["移交数据量", f"{form.gigabytes} GB（{form.data_bytes} 字节）"],
        ["载体起止顺序号 / 载体类型", f"— / {form.carrier}"],
        ["移交单位", form.sender],
        ["接收单位", form.receiver],
        ["移交时间", form.created.isoformat()],
        ["未移交（检测不通过）", "、".join(form.refused) or "无"],
    ]
    checks = [["检验项目", "结论", "通过", "不通过", "警告", "待人工确认", "不适用"]]
    for code, label in PROPERTIES.items():
        c = form.checks.get(code, {})
        checks.append(
            [f"{label}检测", verdict(c)]
            + [
                str(c.get(s, 0))
                for s in ("PASS", "FAIL", "WARN", "MANUAL_REVIEW", "NOT_APPLICABLE")
            ]
        )
    sheet = [["封装包", "摘要算法", "摘要值", "大小（字节）"]]
    sheet += [[e.path, "SM3", e.sm3, str(e.size)] for e in form.sheet]
    signatures = [
        ["移交单位（签章）", "接收单位（签章）"],
        ["电子签名：manifest.sig.json", "电子签名：接收回执 receipt.json"],
    ]
    story: list[object] = [
        Paragraph(TITLE, title),
        Spacer(1, 4 * mm),
        _table(general, cell, [45 * mm, 135 * mm]),
        Paragraph("检验结果（DA/T 70-2018 移交与接收阶段）", head),
        _table(checks, cell, [30 * mm, 25 * mm] + [25 * mm] * 5),
        Paragraph("摘要清单", head),
        _table(sheet, cell, [70 * mm, 18 * mm, 72 * mm, 20 * mm]),
        Spacer(1, 4 * mm),
        _table(signatures, cell, [90 * mm, 90 * mm]),
    ]
    try:
        doc = SimpleDocTemplate(
            str(dest),
            pagesize=A4,
            leftMargin=15 * mm,
            rightMargin=15 * mm,
            topMargin=15 * mm,
            bottomMargin=15 * mm,
            title=TITLE,
        )
        doc.build(story)
    except OSError as exc:
        raise TransferPackageError(f"cannot write {dest.name}: {exc}") from exc
    return dest

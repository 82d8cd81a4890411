"""The printable 《电子档案移交与接收登记表》 (``其他/登记表.pdf``) of a ``RegistrationForm``, with
the 移交单位's electronic signature of the XML form rendered (signer, certificate, time, digest):
PDF signing libraries here have no SM2, so the signature is the detached one over the XML form.

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

from package.certificates import load_certificate
from package.errors import CertificateError
from package.manifest import SignatureRecord

from .errors import TransferPackageError
from .registration import CHECK_ROWS, PROPERTIES, RegistrationForm, Signatory

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


def _signature_lines(signature: SignatureRecord, signer_name: str) -> str:
    cert = "无证书（仅公钥）"
    if signature.certificates:
        try:
            parsed = load_certificate(signature.certificates[0])
            cert = f"{parsed.subject}；序列号 {parsed.serial:x}；颁发者 {parsed.issuer}"
        except CertificateError as exc:
            cert = f"证书无法读取：{exc}"
    return (
        f"签名人：{signer_name or '（未命名）'}\n证书：{cert}\n"
        f"签名时间：{signature.signed_at.isoformat()}\n算法：{signature.algorithm}\n"
        f"被签名对象：其他/登记表.xml（SM3 {signature.manifest_sm3}）\n"
        "签名文件：其他/登记表.sig.json"
    )


def write_registration_pdf(
    dest: Path,
    form: RegistrationForm,
    signature: SignatureRecord,
    signer_name: str,
    font: Path,
    subfont: int = 0,
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
        ["载体起止顺序号", form.carrier_numbers or "不适用（在线移交）"],
        ["移交载体类型、规格", form.carrier],
        ["未移交（检测不通过）", "、".join(form.refused) or "无"],
    ]
    checks = [["检验项目", "结论", "说明", "通过", "不通过", "警告", "待人工确认", "不适用"]]
    for row in CHECK_ROWS:
        result, note = form.row(row)
        code = next((c for c, label in PROPERTIES.items() if f"{label}检验" == row), None)
        counts = form.checks.get(code, {}) if code else {}
        statuses = ("PASS", "FAIL", "WARN", "MANUAL_REVIEW", "NOT_APPLICABLE")
        numbers = [str(counts.get(s, 0)) if code else "—" for s in statuses]
        checks.append([row, result, note, *numbers])
    sheet = [["封装包", "摘要算法", "摘要值", "大小（字节）"]]
    sheet += [[e.path, "SM3", e.sm3, str(e.size)] for e in form.sheet]

    def who(signatory: Signatory | None) -> str:
        return f"{signatory.name}  {signatory.at.date().isoformat()}" if signatory else ""

    signatures = [
        ["", "移交单位", "接收单位"],
        ["单位名称", form.sender, form.receiver],
        ["填表人", who(form.preparer), ""],
        ["审核人", who(form.reviewer), ""],
        [
            "单位（签章）",
            _signature_lines(signature, signer_name),
            "电子签名：接收回执 receipt.json",
        ],
        ["日期", form.created.date().isoformat(), ""],
    ]
    story: list[object] = [
        Paragraph(TITLE, title),
        Spacer(1, 4 * mm),
        _table(general, cell, [45 * mm, 135 * mm]),
        Paragraph("检验结果（DA/T 70-2018 移交与接收阶段）", head),
        _table(checks, cell, [24 * mm, 22 * mm, 44 * mm] + [18 * mm] * 5),
        Paragraph("摘要清单", head),
        _table(sheet, cell, [70 * mm, 18 * mm, 72 * mm, 20 * mm]),
        Spacer(1, 4 * mm),
        _table(signatures, cell, [24 * mm, 96 * mm, 60 * mm]),
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

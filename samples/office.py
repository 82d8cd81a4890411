"""Office documents and scans whose text is known: the inputs of the preservation paths.

``docx_bytes`` writes a minimal Office Open XML word-processing package with ``zipfile`` (the
parts Word and LibreOffice require: content types, relationships, the main document);
``xlsx_bytes`` writes a workbook with openpyxl; ``plain_pdf_bytes`` a one-page PDF that is not
PDF/A (reportlab, the CJK font embedded); ``scan_png`` / ``scan_pdf_bytes`` draw lines of text
into a page image (Pillow, the same CJK font) with no text layer, so only OCR can read them.
Output is deterministic for the same input.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

from openpyxl import Workbook
from PIL import Image, ImageDraw
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from preservation.fonts import find_cjk_font, pil_font, reportlab_font_name

from .plan import CasePlan, FileSpec

__all__ = [
    "OFFICE_FORMATS",
    "docx_bytes",
    "plain_pdf_bytes",
    "render_office",
    "scan_lines",
    "scan_pdf_bytes",
    "scan_png",
    "xlsx_bytes",
]

#: The formats ``render_office`` writes for a case's attachment (samples.casegen.OFFICE_KINDS).
OFFICE_FORMATS = frozenset({"DOCX", "XLSX", "PNG"})

_FIXED_TIME = (2024, 1, 1, 0, 0, 0)
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/>'
    "</Relationships>"
)


def _zip_entry(archive: zipfile.ZipFile, name: str, text: str) -> None:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, text.encode("utf-8"))


def docx_bytes(paragraphs: Sequence[str]) -> bytes:
    """A DOCX holding ``paragraphs`` (one ``w:p`` each, East Asian font hint SimSun)."""
    body = "".join(
        f'<w:p><w:r><w:rPr><w:rFonts w:eastAsia="SimSun"/></w:rPr><w:t xml:space="preserve">'
        f"{escape(text)}</w:t></w:r></w:p>"
        for text in paragraphs
    )
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<w:document xmlns:w="{_W}"><w:body>{body}<w:sectPr/></w:body></w:document>'
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        _zip_entry(archive, "[Content_Types].xml", _CONTENT_TYPES)
        _zip_entry(archive, "_rels/.rels", _RELS)
        _zip_entry(archive, "word/document.xml", document)
    return out.getvalue()


def xlsx_bytes(rows: Sequence[Sequence[object]], title: str = "Sheet1") -> bytes:
    """An XLSX with one sheet holding ``rows`` (openpyxl); the ZIP entries carry a fixed time."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    raw = io.BytesIO()
    book.save(raw)
    out = io.BytesIO()  # re-zipped with fixed times: openpyxl stamps the clock into entries
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            _zip_entry(target, info.filename, source.read(info).decode("utf-8"))
    return out.getvalue()


def plain_pdf_bytes(lines: Sequence[str]) -> bytes:
    """A one-page A4 PDF (not PDF/A) with ``lines`` in the embedded CJK font."""
    font = reportlab_font_name(find_cjk_font())
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, invariant=True)
    canvas.setFont(font, 14)
    y = A4[1] - 80
    for line in lines:
        canvas.drawString(60, y, line)
        y -= 24
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def scan_png(lines: Sequence[str], size: int = 40, dpi: int = 200) -> bytes:
    """A page image (grey, PNG) with ``lines`` drawn at ``size`` pixels: a scan with no text
    layer."""
    font = pil_font(find_cjk_font(), size)
    width = int(8.27 * dpi)
    height = max(int(size * 2 * (len(lines) + 2)), size * 6)
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    y = size
    for line in lines:
        draw.text((size * 2, y), line, font=font, fill=20)
        y += size * 2
    out = io.BytesIO()
    page.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


def scan_pdf_bytes(lines: Sequence[str], size: int = 40, dpi: int = 200) -> bytes:
    """``scan_png`` wrapped in a one-page PDF (an image-only PDF, as scanners write them)."""
    page = Image.open(io.BytesIO(scan_png(lines, size, dpi)))
    out = io.BytesIO()
    page.save(out, "PDF", resolution=float(dpi))
    return out.getvalue()


def scan_lines(plan: CasePlan, spec: FileSpec) -> list[str]:
    """The known text of a case's scanned attachment (what OCR should read back)."""
    return [
        spec.title,
        f"申请人：{plan.applicant.name}",
        f"事项：{plan.item.task_name}",
        f"受理编号：{plan.accept_number}",
        "本人承诺以上材料真实有效",
    ]


def render_office(plan: CasePlan, spec: FileSpec) -> bytes:
    """The bytes of an office or scanned attachment of a generated case."""
    if spec.format == "DOCX":
        return docx_bytes(
            [
                spec.title,
                f"申请人：{plan.applicant.name}",
                f"办理事项：{plan.item.task_name}（{plan.item.task_code}）",
                f"受理编号：{plan.accept_number}",
                f"受理部门：{plan.receive_department}",
                f"日期：{spec.created:%Y年%m月%d日}",
            ]
        )
    if spec.format == "XLSX":
        rows: list[list[object]] = [["序号", "材料", "份数", "备注"]]
        rows += [[n, f.title, 1, f.format] for n, f in enumerate(plan.files, start=1)]
        return xlsx_bytes(rows, title="材料清单")
    if spec.format == "PNG":
        return scan_png(scan_lines(plan, spec), size=32, dpi=150)
    raise ValueError(f"not an office attachment format: {spec.format}")

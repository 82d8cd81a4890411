"""A minimal GB/T 33190 OFD writer: one document, one A4 page of text objects.

Parts written: ``OFD.xml`` (DocBody: DocInfo, DocRoot, Signatures when the document will be
signed), ``Doc_0/Document.xml``, ``Doc_0/PublicRes.xml`` (one font, referenced by name, not
embedded) and ``Doc_0/Pages/Page_0/Content.xml``. Coordinates are millimetres, origin top left,
``Y`` of a TextCode is the baseline. Pure: returns bytes, writes no files.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

__all__ = [
    "A4_MM",
    "OFD_NS",
    "PAGE_ID",
    "SIGNATURES_PART",
    "OfdDocument",
    "TextLine",
    "document_parts",
    "element",
    "ofd_zip",
    "sub_element",
    "text_width",
    "xml_bytes",
]

OFD_NS = "http://www.ofdspec.org/2016"
PAGE_ID = 2
FONT_ID = 1
LAYER_ID = 3
FIRST_OBJECT_ID = 4
SIGNATURES_PART = "Doc_0/Signs/Signatures.xml"
A4_MM = (210.0, 297.0)


@dataclass(frozen=True)
class TextLine:
    """One line of text: left edge and baseline in mm, font size in mm."""

    text: str
    x: float
    y: float
    size: float


@dataclass(frozen=True)
class OfdDocument:
    """What goes into the package: metadata and the text of the single page."""

    doc_id: str
    title: str
    author: str
    created: datetime
    lines: tuple[TextLine, ...]
    creator: str = "earchive samples"
    font_name: str = "SimSun"
    font_family: str = "宋体"


def _q(tag: str) -> str:
    return f"{{{OFD_NS}}}{tag}"


def sub_element(
    parent: etree._Element, tag: str, text: str | None = None, **attrs: str
) -> etree._Element:
    node = etree.SubElement(parent, _q(tag), {k: v for k, v in attrs.items()})
    if text is not None:
        node.text = text
    return node


def element(tag: str, **attrs: str) -> etree._Element:
    return etree.Element(_q(tag), {k: v for k, v in attrs.items()}, nsmap={"ofd": OFD_NS})


def xml_bytes(root: etree._Element) -> bytes:
    """UTF-8 XML with declaration, no pretty-printing (bytes are what signatures protect)."""
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _advance(ch: str, size: float) -> float:
    return size * (0.5 if ord(ch) < 0x2E80 else 1.0)


def text_width(text: str, size: float) -> float:
    """Advance width in mm of ``text`` (CJK full width, Latin half width)."""
    return sum(_advance(ch, size) for ch in text)


def _ofd_xml(doc: OfdDocument, signed: bool) -> bytes:
    root = element("OFD", Version="1.1", DocType="OFD")
    body = sub_element(root, "DocBody")
    info = sub_element(body, "DocInfo")
    sub_element(info, "DocID", doc.doc_id)
    sub_element(info, "Title", doc.title)
    sub_element(info, "Author", doc.author)
    sub_element(info, "CreationDate", doc.created.date().isoformat())
    sub_element(info, "Creator", doc.creator)
    sub_element(body, "DocRoot", "Doc_0/Document.xml")
    if signed:
        sub_element(body, "Signatures", SIGNATURES_PART)
    return xml_bytes(root)


def _document_xml(max_id: int) -> bytes:
    root = element("Document")
    common = sub_element(root, "CommonData")
    sub_element(common, "MaxUnitID", str(max_id))
    area = sub_element(common, "PageArea")
    sub_element(area, "PhysicalBox", f"0 0 {_num(A4_MM[0])} {_num(A4_MM[1])}")
    sub_element(common, "PublicRes", "PublicRes.xml")
    pages = sub_element(root, "Pages")
    sub_element(pages, "Page", ID=str(PAGE_ID), BaseLoc="Pages/Page_0/Content.xml")
    return xml_bytes(root)


def _public_res_xml(doc: OfdDocument) -> bytes:
    root = element("Res", BaseLoc="Res")
    fonts = sub_element(root, "Fonts")
    sub_element(fonts, "Font", ID=str(FONT_ID), FontName=doc.font_name, FamilyName=doc.font_family)
    return xml_bytes(root)


def _content_xml(doc: OfdDocument) -> tuple[bytes, int]:
    root = element("Page")
    layer = sub_element(sub_element(root, "Content"), "Layer", ID=str(LAYER_ID))
    next_id = FIRST_OBJECT_ID
    for line in doc.lines:
        width = text_width(line.text, line.size)
        top = line.y - line.size
        obj = sub_element(
            layer,
            "TextObject",
            ID=str(next_id),
            Boundary=f"{_num(line.x)} {_num(top)} {_num(width)} {_num(line.size * 1.3)}",
            Font=str(FONT_ID),
            Size=_num(line.size),
        )
        sub_element(obj, "FillColor", Value="0 0 0")
        gaps = " ".join(_num(_advance(ch, line.size)) for ch in line.text[:-1])
        attrs = {"X": "0", "Y": _num(line.size)}
        if gaps:
            attrs["DeltaX"] = gaps
        sub_element(obj, "TextCode", line.text, **attrs)
        next_id += 1
    return xml_bytes(root), next_id - 1


def document_parts(doc: OfdDocument, *, signed: bool) -> dict[str, bytes]:
    """The unsigned parts of the package, by ZIP entry name (``OFD.xml`` names the Signatures
    part when ``signed``, so the signature that follows protects its final bytes)."""
    content, max_id = _content_xml(doc)
    return {
        "OFD.xml": _ofd_xml(doc, signed),
        "Doc_0/Document.xml": _document_xml(max_id),
        "Doc_0/PublicRes.xml": _public_res_xml(doc),
        "Doc_0/Pages/Page_0/Content.xml": content,
    }


def ofd_zip(parts: Mapping[str, bytes], when: datetime) -> bytes:
    """The OFD package: a ZIP of ``parts`` with ``OFD.xml`` first and fixed timestamps."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    names = sorted(parts, key=lambda name: (name != "OFD.xml", name))
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=stamp)
            # XML deflated; binary parts (DER seals holding PNGs) stored, so sizes stay fixed
            xml = name.endswith(".xml")
            info.compress_type = zipfile.ZIP_DEFLATED if xml else zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            archive.writestr(info, parts[name])
    return out.getvalue()

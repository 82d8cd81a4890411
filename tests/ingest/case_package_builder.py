"""Builds small, valid case packages in tests; each test then changes one thing.

The files are real (tiny PDFs, a PDF/A-2b, a JPEG, an XML) and made here, so format
identification and digests are exercised for real.
"""

from __future__ import annotations

import copy
import hashlib
import io
import warnings
import zipfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pikepdf
from lxml import etree
from PIL import Image

NS = "urn:earchive:case:1"
ERC = "310115-S001-SBCB-2024-000001"


@cache
def pdf_bytes(pdfa: str = "") -> bytes:
    """A one-page PDF; ``pdfa`` like ``2B`` adds XMP pdfaid part/conformance."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if pdfa:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfaid:part"] = pdfa[0]
            meta["pdfaid:conformance"] = pdfa[1:]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


@cache
def image_bytes(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "white").save(out, kind)
    return out.getvalue()


@cache
def ofd_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("OFD.xml", '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"/>')
        archive.writestr("Doc_0/Document.xml", "<ofd:Document/>")
    return out.getvalue()


XML_BYTES = b'<?xml version="1.0" encoding="UTF-8"?>\n<licence number="1"/>\n'


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _files() -> list[dict[str, Any]]:
    return [
        {
            "path": "A/参保登记表.pdf",
            "material_code": "A1",
            "title": "社会保险参保登记表",
            "format": "PDF",
            "content": pdf_bytes(),
        },
        {
            "path": "A/营业执照.xml",
            "material_code": "A2",
            "title": "营业执照(调用)",
            "format": "XML",
            "content": XML_BYTES,
            "licence": {
                "type": "营业执照",
                "number": "91350100M000100Y43",
                "issuer": "市场监督管理局",
            },
        },
        {
            "path": "B/收件凭证.pdf",
            "material_code": "B1",
            "title": "收件凭证",
            "format": "PDF/A-2b",
            "content": pdf_bytes("2B"),
        },
        {
            "path": "B/办结通知书.jpg",
            "material_code": "B13",
            "title": "办结通知书",
            "format": "JPEG",
            "content": image_bytes("JPEG"),
        },
    ]


def _fields() -> dict[str, Any]:
    return {
        "electronic_record_code": ERC,
        "region_code": "310115",
        "fonds_identifier": "R005",
        "fonds_name": "上海市浦江区人力资源和社会保障局",
        "organization_code": "SBK",
        "task_code": "SB-CB-007",
        "task_name": "社会保险参保登记",
        "task_version": "1.0",
        "task_type": "公共服务",
        "project_id": "P20240301000123",
        "project_name": "某某科技有限公司社会保险参保登记",
        "accept_number": "SL-2024-000123",
        "applicant": {
            "name": "某某科技有限公司",
            "type": "法人",
            "id_type": "统一社会信用代码",
            "id_number": "91350100M000100Y43",
            "address": "上海市浦江区某路1号",
            "legal_representative": "张三",
        },
        "receive_department": "浦江区人力资源和社会保障局",
        "receive_time": "2024-03-01T09:30:00+08:00",
        "transact_time": "2024-03-05T16:00:00+08:00",
        "result": "准予",
        "result_certificate": None,
        "security_classification": "公开",
        "sharing": "01",
        "source_system": "一网通办受理平台",
        "submitted_at": "2024-03-06T10:00:00+08:00",
        "process": [
            {
                "code": "1",
                "actor": "李四",
                "department": "综合窗口",
                "time": "2024-03-01T09:00:00+08:00",
            },
            {
                "code": "2",
                "actor": "李四",
                "department": "综合窗口",
                "time": "2024-03-01T09:30:00+08:00",
                "opinion": "材料齐全，予以受理",
            },
            {
                "code": "3",
                "actor": "王五",
                "department": "社保科",
                "time": "2024-03-04T11:00:00+08:00",
            },
            {
                "code": "4",
                "actor": "王五",
                "department": "社保科",
                "time": "2024-03-05T16:00:00+08:00",
            },
        ],
    }


@dataclass
class CasePackage:
    """A case package as data: case fields, files (with content), extra undeclared files."""

    fields: dict[str, Any] = field(default_factory=_fields)
    files: list[dict[str, Any]] = field(default_factory=_files)
    extra: dict[str, bytes] = field(default_factory=dict)
    count: int | None = None  # files/@count; None = the number of file elements

    def copy(self) -> CasePackage:
        return copy.deepcopy(self)

    def file(self, path: str) -> dict[str, Any]:
        return next(f for f in self.files if f["path"] == path)

    def xml(self) -> bytes:
        root = etree.Element(f"{{{NS}}}case", nsmap={None: NS}, version="1")
        for name, value in self.fields.items():
            if name != "process" and value is not None:
                _add(root, name, value)
        process = self.fields.get("process")
        if process is not None:
            element = etree.SubElement(root, f"{{{NS}}}process")
            for step in process:
                _add(element, "step", step)
        files = etree.SubElement(root, f"{{{NS}}}files")
        files.set("count", str(len(self.files) if self.count is None else self.count))
        for entry in self.files:
            content: bytes = entry["content"]
            declared = {
                "path": entry["path"],
                "material_code": entry["material_code"],
                "title": entry["title"],
                "format": entry["format"],
                "size": str(entry.get("size", len(content))),
                "created": entry.get("created", "2024-03-01T09:00:00+08:00"),
                "sm3": entry.get("sm3", sm3(content)),
                "sha256": entry.get("sha256", sha256(content)),
                "signed": entry.get("signed", "false"),
                "licence": entry.get("licence"),
            }
            _add(files, "file", {k: v for k, v in declared.items() if v is not None})
        return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))

    def disk_files(self) -> dict[str, bytes]:
        out = {f["path"]: f["content"] for f in self.files if not f.get("absent")}
        out.update(self.extra)
        return out

    def write_dir(self, base: Path, name: str | None = None) -> Path:
        target = base / (name or self.fields["electronic_record_code"])
        target.mkdir(parents=True)
        (target / "case.xml").write_bytes(self.xml())
        for rel, data in self.disk_files().items():
            path = target / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        return target

    def write_zip(self, base: Path, name: str | None = None) -> Path:
        target = base / f"{name or self.fields['electronic_record_code']}.zip"
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("case.xml", self.xml())
            for rel, data in self.disk_files().items():
                archive.writestr(rel, data)
        return target


def _add(parent: etree._Element, name: str, value: Any) -> None:
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if isinstance(value, dict):
        for key, sub in value.items():
            if sub is not None:
                _add(element, key, sub)
    else:
        element.text = str(value)


def zip_bytes(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    """A ZIP made of (name or ZipInfo, content) pairs, deflated."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # duplicate names are wanted by some tests
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries:
                archive.writestr(name, data)
    return out.getvalue()


def patch_entry(
    data: bytes,
    name: str,
    *,
    flags: int = 0,
    method: int | None = None,
    size: int | None = None,
    raw_name: bytes | None = None,
) -> bytes:
    """Rewrite header fields of one entry in both its local and central headers."""
    buf = bytearray(data)
    wanted = name.encode("utf-8")
    for signature, name_len_at, name_at, flag_at, method_at, size_at in (
        (b"PK\x03\x04", 26, 30, 6, 8, 22),
        (b"PK\x01\x02", 28, 46, 8, 10, 24),
    ):
        pos = buf.find(signature)
        while pos != -1:
            length = int.from_bytes(buf[pos + name_len_at : pos + name_len_at + 2], "little")
            if bytes(buf[pos + name_at : pos + name_at + length]) == wanted:
                old = int.from_bytes(buf[pos + flag_at : pos + flag_at + 2], "little")
                buf[pos + flag_at : pos + flag_at + 2] = (old | flags).to_bytes(2, "little")
                if method is not None:
                    buf[pos + method_at : pos + method_at + 2] = method.to_bytes(2, "little")
                if size is not None:
                    buf[pos + size_at : pos + size_at + 4] = size.to_bytes(4, "little")
                if raw_name is not None:
                    if len(raw_name) != length:
                        raise ValueError("replacement name must keep its length")
                    buf[pos + name_at : pos + name_at + length] = raw_name
            pos = buf.find(signature, pos + 4)
    return bytes(buf)

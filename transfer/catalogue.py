"""``文件目录.XML`` of a transfer package: one 条目 per archive (顺序号, 档号, 责任者, 题名, 日期,
密级, 电子档案名称, 备注), validated by ``standards/data/transfer-catalogue.xsd``.

Reads and writes nothing (bytes in, bytes out). ``parse_catalogue`` raises ``TransferError``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from standards.errors import DataFileError
from standards.schemas import load_schema

from .errors import TransferError

__all__ = [
    "CATALOGUE_NAME",
    "CATALOGUE_SCHEMA",
    "CatalogueEntry",
    "catalogue_xml",
    "parse_catalogue",
]

CATALOGUE_NAME = "文件目录.XML"
CATALOGUE_SCHEMA = "transfer-catalogue.xsd"
_FIELDS = ("顺序号", "档号", "责任者", "题名", "日期", "密级", "电子档案名称", "备注")


@dataclass(frozen=True)
class CatalogueEntry:
    number: int  # 顺序号
    archival_code: str  # 档号
    author: str  # 责任者
    title: str  # 题名
    date: str  # 日期, ISO
    classification: str  # 密级
    name: str  # 电子档案名称: the EEP's path in the package
    note: str = ""  # 备注


def catalogue_xml(batch_id: str, entries: Sequence[CatalogueEntry]) -> bytes:
    """The bytes of 文件目录.XML (UTF-8, declaration, indented)."""
    root = etree.Element("文件目录", 批次=batch_id, 条目数=str(len(entries)))
    for e in entries:
        item = etree.SubElement(root, "条目")
        values = (
            e.number,
            e.archival_code,
            e.author,
            e.title,
            e.date,
            e.classification,
            e.name,
            e.note,
        )
        for name, value in zip(_FIELDS, values, strict=True):
            etree.SubElement(item, name).text = str(value)
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def parse_catalogue(data: bytes) -> tuple[str, tuple[CatalogueEntry, ...]]:
    """(batch id, entries) of 文件目录.XML after schema validation; raises ``TransferError``."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
        schema = load_schema(CATALOGUE_SCHEMA)
    except (etree.XMLSyntaxError, DataFileError) as exc:
        raise TransferError(f"{CATALOGUE_NAME}: {exc}") from exc
    if not schema.validate(root):
        raise TransferError(f"{CATALOGUE_NAME}: {schema.error_log.last_error}")
    entries = []
    for item in root.iter("条目"):
        v = [item.findtext(name) or "" for name in _FIELDS]
        entries.append(CatalogueEntry(int(v[0]), *v[1:]))
    if len(entries) != int(root.get("条目数", "-1")):
        raise TransferError(f"{CATALOGUE_NAME}: 条目数 differs from the entries")
    return root.get("批次", ""), tuple(entries)

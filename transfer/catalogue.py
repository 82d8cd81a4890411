"""``文件目录.XML`` of a transfer package (档发〔2012〕7号 附件2): ``<文件目录>`` with one
``<文件>`` per archive (顺序号, 档号, 责任者, 题名, 日期, 密级, 电子档案名称, 备注) and nothing
else, validated by ``standards/data/transfer-catalogue.xsd``. Packages made before this layout
listed ``<条目>`` under a root with 批次/条目数 attributes: ``parse_catalogue(…, legacy=True)``
still reads those, and only then.

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


def catalogue_xml(entries: Sequence[CatalogueEntry]) -> bytes:
    """The bytes of 文件目录.XML (UTF-8, declaration, indented)."""
    root = etree.Element("文件目录")
    for e in entries:
        item = etree.SubElement(root, "文件")
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


def parse_catalogue(data: bytes, *, legacy: bool = False) -> tuple[CatalogueEntry, ...]:
    """The entries of 文件目录.XML after schema validation; raises ``TransferError`` (also for
    the earlier ``<条目>`` form unless ``legacy``)."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
        schema = load_schema(CATALOGUE_SCHEMA)
    except (etree.XMLSyntaxError, DataFileError) as exc:
        raise TransferError(f"{CATALOGUE_NAME}: {exc}") from exc
    old = root.tag == "文件目录" and root.find("条目") is not None
    if old and not legacy:
        raise TransferError(
            f"{CATALOGUE_NAME}: <条目> entries of the earlier layout; 档发〔2012〕7号 lists <文件>"
        )
    if not old and not schema.validate(root):
        raise TransferError(f"{CATALOGUE_NAME}: {schema.error_log.last_error}")
    entries = []
    for item in root.iter("条目" if old else "文件"):
        v = [item.findtext(name) or "" for name in _FIELDS]
        try:
            entries.append(CatalogueEntry(int(v[0]), *v[1:]))
        except ValueError as exc:
            raise TransferError(f"{CATALOGUE_NAME}: 顺序号 {v[0]!r} is not a number") from exc
    return tuple(entries)

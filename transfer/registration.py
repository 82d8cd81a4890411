"""《电子档案移交与接收登记表》 of a transfer: ``登记表.xml`` (and, in ``registration_pdf``, the
printable PDF): task, content, counts, data volume in GB (1 GB = 1024³ bytes, 3 decimals),
carrier, the 四性 results of the sender's YJ checks and the digest sheet (each EEP's path, SM3
digest with the algorithm named, size).

Reads and writes nothing (values in, bytes out). ``parse_digest_sheet`` raises ``TransferError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from .errors import TransferError

__all__ = [
    "PROPERTIES",
    "REGISTRATION_NAME",
    "RegistrationForm",
    "SheetEntry",
    "parse_digest_sheet",
    "registration_xml",
    "verdict",
]

REGISTRATION_NAME = "登记表.xml"
PROPERTIES = {"1": "真实性", "2": "完整性", "3": "可用性", "4": "安全性"}
GB = 1024**3


@dataclass(frozen=True)
class SheetEntry:
    path: str  # the EEP's path in the package
    sm3: str
    size: int


@dataclass(frozen=True)
class RegistrationForm:
    batch_id: str
    task_name: str  # 交接工作名称
    content: str  # 内容描述
    sender: str  # 移交单位
    receiver: str  # 接收单位
    created: datetime
    archives: int  # 电子档案件数
    files: int  # 计算机文件数 in the EEPs
    data_bytes: int  # EEPs plus external files
    checks: Mapping[str, Mapping[str, int]]  # property "1".."4" → status → count
    sheet: tuple[SheetEntry, ...]
    refused: tuple[str, ...] = ()  # archive ids withheld by the pre-transfer checks
    carrier: str = "在线"

    @property
    def gigabytes(self) -> str:
        return f"{self.data_bytes / GB:.3f}"


def verdict(counts: Mapping[str, int]) -> str:
    """不通过 with any FAIL, 待人工确认 with any MANUAL_REVIEW, 通过 only when neither."""
    if counts.get("FAIL", 0):
        return "不通过"
    if counts.get("MANUAL_REVIEW", 0):
        return "待人工确认"
    return "通过" if counts.get("PASS", 0) else "未检测"


def _add(parent: etree._Element, name: str, text: object = None, **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, name, attrs)
    if text is not None:
        node.text = str(text)
    return node


def registration_xml(form: RegistrationForm) -> bytes:
    root = etree.Element("电子档案移交与接收登记表", 批次=form.batch_id)
    _add(root, "交接工作名称", form.task_name)
    _add(root, "内容描述", form.content)
    _add(root, "移交单位", form.sender)
    _add(root, "接收单位", form.receiver)
    _add(root, "载体类型", form.carrier)
    _add(root, "移交时间", form.created.isoformat())
    amount = _add(root, "数量")
    _add(amount, "电子档案件数", form.archives)
    _add(amount, "计算机文件数", form.files)
    _add(amount, "数据量", form.gigabytes, 单位="GB", 字节数=str(form.data_bytes))
    checks = _add(root, "检验结果", 检测阶段="YJ", 依据="DA/T 70-2018")
    for code, name in PROPERTIES.items():
        counts = form.checks.get(code, {})
        item = _add(checks, "检验项目", 名称=name, 结论=verdict(counts))
        for status in ("PASS", "FAIL", "WARN", "MANUAL_REVIEW", "NOT_APPLICABLE"):
            _add(item, "计数", counts.get(status, 0), 状态=status)
    if form.refused:
        withheld = _add(root, "未移交", 件数=str(len(form.refused)))
        for archive_id in form.refused:
            _add(withheld, "电子档案", archive_id)
    sheet = _add(root, "摘要清单", 条目数=str(len(form.sheet)))
    for entry in form.sheet:
        _add(sheet, "封装包", entry.sm3, 路径=entry.path, 算法="SM3", 大小=str(entry.size))
    _add(root, "移交单位签名", "见 manifest.sig.json（对 manifest.txt 的签名，清单含本登记表）")
    _add(root, "接收单位签名", "见接收回执（receipt.json）")
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def parse_digest_sheet(data: bytes) -> tuple[SheetEntry, ...]:
    """The 摘要清单 of 登记表.xml; raises ``TransferError`` when it is unreadable."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
        entries = tuple(
            SheetEntry(node.get("路径", ""), node.text or "", int(node.get("大小", "")))
            for node in root.iter("封装包")
            if node.get("算法") == "SM3"
        )
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise TransferError(f"{REGISTRATION_NAME}: {exc}") from exc
    if root.tag != "电子档案移交与接收登记表":
        raise TransferError(f"{REGISTRATION_NAME}: unexpected root {root.tag}")
    return entries


def checks_total(forms: Sequence[Mapping[str, Mapping[str, int]]]) -> dict[str, dict[str, int]]:
    """Sum per-archive property counts into one table."""
    out: dict[str, dict[str, int]] = {}
    for counts in forms:
        for prop, statuses in counts.items():
            row = out.setdefault(prop, {})
            for status, n in statuses.items():
                row[status] = row.get(status, 0) + n
    return out

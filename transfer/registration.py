"""《电子档案移交与接收登记表》 (档发〔2012〕7号 附件2) of a transfer: ``其他/登记表.xml``, signed
by the 移交单位 with its certificate (``其他/登记表.sig.json``, detached), and ``其他/登记表.pdf``
(``registration_pdf``) for print.

The form's own rows: 交接工作名称, 内容描述, 移交电子档案数量 (件 and 计算机文件) and 移交数据量 (as
measured: bytes, and GB = 1024³ bytes with 3 decimals), 载体起止顺序号, 载体类型/规格; the 检验 rows
准确性检验, 完整性检验, 可用性检验, 安全性检验 (the sender's DA/T 70 YJ checks by property, with how
many manual-review items an archivist signed off), 病毒检验 and 载体外观检验 (not applicable to an
online transfer); 填表人 and 审核人 with their dates; the 移交单位 and 接收单位. Beside the form:
the digest sheet (each EEP's path, SM3, size) and the archives withheld.

Reads and writes nothing (values in, bytes out). ``parse_registration`` raises ``TransferError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from lxml import etree

from .errors import TransferError

__all__ = [
    "CHECK_ROWS",
    "PROPERTIES",
    "REGISTRATION_NAME",
    "REGISTRATION_SIGNATURE_NAME",
    "RegisteredTotals",
    "RegistrationForm",
    "SheetEntry",
    "Signatory",
    "checks_total",
    "parse_digest_sheet",
    "parse_registration",
    "registration_xml",
    "verdict",
]

REGISTRATION_NAME = "其他/登记表.xml"
REGISTRATION_SIGNATURE_NAME = "其他/登记表.sig.json"
#: DA/T 70 property (the digit of a ``YJ-n-m`` item) → the form's 检验 row
PROPERTIES = {"1": "准确性", "2": "完整性", "3": "可用性", "4": "安全性"}
CHECK_ROWS = (*(f"{name}检验" for name in PROPERTIES.values()), "病毒检验", "载体外观检验")
GB = 1024**3
_STATUSES = ("PASS", "FAIL", "WARN", "MANUAL_REVIEW", "NOT_APPLICABLE")


@dataclass(frozen=True)
class SheetEntry:
    path: str  # the EEP's path in the package
    sm3: str
    size: int


@dataclass(frozen=True)
class Signatory:
    """A person who signs the form (填表人, 审核人) and when."""

    name: str
    at: datetime


@dataclass(frozen=True)
class RegistrationForm:
    batch_id: str
    task_name: str  # 交接工作名称
    content: str  # 内容描述
    sender: str  # 移交单位 (one 立档单位)
    receiver: str  # 接收单位
    created: datetime
    archives: int  # 电子档案件数
    files: int  # 计算机文件数 in the EEPs
    data_bytes: int  # the EEPs' bytes as measured
    checks: Mapping[str, Mapping[str, int]]  # property "1".."4" → status → count
    sheet: tuple[SheetEntry, ...]
    refused: tuple[str, ...] = ()  # archive ids withheld by the pre-transfer checks
    carrier: str = "在线"  # 载体类型: 在线 or 离线
    carrier_numbers: str = ""  # 载体起止顺序号 ("" for an online transfer)
    preparer: Signatory | None = None  # 填表人
    reviewer: Signatory | None = None  # 审核人
    antivirus: str = ""  # the engine that scanned every file ("" = none: see signed_off)
    signed_off: Mapping[str, int] = field(default_factory=dict)  # property → items signed off

    @property
    def gigabytes(self) -> str:
        return f"{self.data_bytes / GB:.3f}"

    def row(self, name: str) -> tuple[str, str]:
        """(结论, 说明) of one 检验 row of ``CHECK_ROWS``."""
        if name == "载体外观检验":
            if self.carrier == "在线":
                return "不适用", "在线移交，无载体"
            return "待人工确认", f"载体 {self.carrier_numbers or '—'} 由审核人检查"
        if name == "病毒检验":
            if self.antivirus:
                return "通过", f"全部文件经 {self.antivirus} 扫描"
            return "待人工确认", "未配置防病毒引擎：移交前已由档案员签核"
        code = next(c for c, label in PROPERTIES.items() if f"{label}检验" == name)
        counts = self.checks.get(code, {})
        result = verdict(counts)
        signed = self.signed_off.get(code, 0)
        if result == "待人工确认" and signed >= counts.get("MANUAL_REVIEW", 0):
            return "通过（人工确认）", f"{signed} 项人工检测已由档案员签核"
        return result, ""


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


def _signatory(parent: etree._Element, name: str, who: Signatory | None) -> None:
    node = _add(parent, name)
    _add(node, "姓名", who.name if who else "")
    _add(node, "日期", who.at.date().isoformat() if who else "")


def registration_xml(form: RegistrationForm) -> bytes:
    root = etree.Element("电子档案移交与接收登记表")
    _add(root, "批次号", form.batch_id)
    _add(root, "交接工作名称", form.task_name)
    _add(root, "内容描述", form.content)
    amount = _add(root, "移交电子档案数量")
    _add(amount, "件数", form.archives)
    _add(amount, "计算机文件数", form.files)
    _add(root, "移交数据量", form.gigabytes, 单位="GB", 字节数=str(form.data_bytes))
    _add(root, "载体起止顺序号", form.carrier_numbers or "不适用（在线移交）")
    _add(root, "移交载体类型规格", form.carrier)
    checks = _add(root, "检验", 依据="DA/T 70-2018 移交与接收阶段")
    for name in CHECK_ROWS:
        result, note = form.row(name)
        item = _add(checks, "检验项目", 名称=name)
        _add(item, "结论", result)
        if note:
            _add(item, "说明", note)
        code = next((c for c, label in PROPERTIES.items() if f"{label}检验" == name), None)
        if code is not None:
            counts = form.checks.get(code, {})
            for status in _STATUSES:
                _add(item, "计数", counts.get(status, 0), 状态=status)
    sender = _add(root, "移交单位")
    _add(sender, "单位名称", form.sender)
    _signatory(sender, "填表人", form.preparer)
    _signatory(sender, "审核人", form.reviewer)
    _add(sender, "单位签章", "电子签名：其他/登记表.sig.json（移交单位证书）")
    _add(sender, "日期", form.created.date().isoformat())
    receiver = _add(root, "接收单位")
    _add(receiver, "单位名称", form.receiver)
    _add(receiver, "单位签章", "电子签名：接收回执（receipt.json）")
    if form.refused:
        withheld = _add(root, "未移交", 件数=str(len(form.refused)))
        for archive_id in form.refused:
            _add(withheld, "电子档案", archive_id)
    sheet = _add(root, "摘要清单", 条目数=str(len(form.sheet)))
    for entry in form.sheet:
        _add(sheet, "封装包", entry.sm3, 路径=entry.path, 算法="SM3", 大小=str(entry.size))
    etree.indent(root, space="  ")
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


@dataclass(frozen=True)
class RegisteredTotals:
    """What a received form declares, to compare with what arrived."""

    batch_id: str
    sender: str
    archives: int
    files: int
    data_bytes: int
    sheet: tuple[SheetEntry, ...]


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise TransferError(f"登记表.xml: {exc}") from exc
    if root.tag != "电子档案移交与接收登记表":
        raise TransferError(f"登记表.xml: unexpected root {root.tag}")
    return root


def _sheet(root: etree._Element) -> tuple[SheetEntry, ...]:
    try:
        return tuple(
            SheetEntry(node.get("路径", ""), node.text or "", int(node.get("大小", "")))
            for node in root.iter("封装包")
            if node.get("算法") == "SM3"
        )
    except ValueError as exc:
        raise TransferError(f"登记表.xml: {exc}") from exc


def parse_digest_sheet(data: bytes) -> tuple[SheetEntry, ...]:
    """The 摘要清单 of a 登记表 (either layout); raises ``TransferError`` when unreadable."""
    return _sheet(_parse(data))


def parse_registration(data: bytes) -> RegisteredTotals:
    """The totals a 登记表 of this layout declares; raises ``TransferError``."""
    root = _parse(data)
    try:
        return RegisteredTotals(
            batch_id=root.findtext("批次号") or "",
            sender=root.findtext("移交单位/单位名称") or "",
            archives=int(root.findtext("移交电子档案数量/件数") or ""),
            files=int(root.findtext("移交电子档案数量/计算机文件数") or ""),
            data_bytes=int(root.find("移交数据量").get("字节数", "")),  # type: ignore[union-attr]
            sheet=_sheet(root),
        )
    except (ValueError, AttributeError) as exc:
        raise TransferError(f"登记表.xml lacks a count of this layout: {exc}") from exc


def checks_total(forms: Sequence[Mapping[str, Mapping[str, int]]]) -> dict[str, dict[str, int]]:
    """Sum per-archive property counts into one table."""
    out: dict[str, dict[str, int]] = {}
    for counts in forms:
        for prop, statuses in counts.items():
            row = out.setdefault(prop, {})
            for status, n in statuses.items():
                row[status] = row.get(status, 0) + n
    return out

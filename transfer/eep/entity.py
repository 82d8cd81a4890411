"""The descriptive part of 文件实体, from 聚合层次 to 附注, out of the archive's metadata.

Only the standard's elements are written. What the standard has no element for — the 档号 as one
text, 门类代码, the service item, the case numbers, applicant, department and times, result and
licence, the sharing attribute, the retention rule — goes into 附注 as ``标签：值`` lines (one
附注 each); the handling and archiving systems go into 信息系统描述. The applicant's ID number is
masked there (the full record travels in ``metadata/archival.xml``, a document of the package).
Reads the metadata mapping (``package.metadata.read_archival_metadata`` output); writes through
an ``EepWriter``. Raises ``EepError`` when a required value is missing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from standards.codes import code_tables
from standards.personal_data import mask_id

from ..errors import EepError
from .common import MANIFEST_FILE_NAME, MANIFEST_ID
from .source import EepOptions
from .writer import EepWriter

__all__ = ["ARCHIVAL_CODE_NOTE", "NOTE_SEPARATOR", "notes", "required", "write_description"]

NOTE_SEPARATOR = "："
ARCHIVAL_CODE_NOTE = "档号"
AGGREGATION_LEVEL = "文件"


def required(m: Mapping[str, Any], key: str) -> str:
    """The metadata value ``key`` as text; raises ``EepError`` when absent or empty."""
    value = m.get(key)
    if value is None or str(value).strip() == "":
        raise EepError(f"the archive's metadata lacks {key}, which the EEP requires")
    return _text(value)


def _text(value: object) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


def _optional(m: Mapping[str, Any], key: str) -> str:
    value = m.get(key)
    return "" if value is None else _text(value).strip()


def _applicant(m: Mapping[str, Any]) -> list[tuple[str, str]]:
    applicant = m.get("applicant") or {}
    name, kind = applicant.get("name", ""), applicant.get("type", "")
    number = applicant.get("idNumber", "")
    out = []
    if name:
        out.append(("申请人", f"{name}（{kind}）" if kind else name))
    if number:
        out.append(("申请人证件", f"{applicant.get('idType', '')} {mask_id(number)}".strip()))
    return out


def _licence(m: Mapping[str, Any]) -> list[tuple[str, str]]:
    cert = m.get("result_certificate") or {}
    if not cert.get("number"):
        return []
    text = f"{cert.get('type', '')} {cert['number']}".strip()
    return [("结果证照", f"{text}（{cert['issuer']}）" if cert.get("issuer") else text)]


def _sharing(m: Mapping[str, Any]) -> str:
    code = _optional(m, "sharing")
    if not code:
        return ""
    name = code_tables().sharing.get(code, "")
    return f"共享属性 {code}（{name}）" if name else f"共享属性 {code}"


def notes(m: Mapping[str, Any]) -> list[str]:
    """The 附注 lines (``标签：值``) of an archive's metadata, empty values left out."""
    rule = _optional(m, "retention_rule")
    table = _optional(m, "retention_table_version")
    pairs = [
        (ARCHIVAL_CODE_NOTE, _optional(m, "archival_code")),
        ("门类代码", _optional(m, "category")),
        ("行政区划代码", _optional(m, "region_code")),
        ("事项编码", _optional(m, "task_code")),
        ("事项名称", _optional(m, "task_name")),
        ("事项版本", _optional(m, "task_version")),
        ("事项类型", _optional(m, "task_type")),
        ("办件编号", _optional(m, "project_id")),
        ("受理编号", _optional(m, "accept_number")),
        *_applicant(m),
        ("受理部门", _optional(m, "receive_department")),
        ("受理时间", _optional(m, "receive_time")),
        ("办结时间", _optional(m, "transact_time")),
        ("办理结果", _optional(m, "result")),
        *_licence(m),
        ("保管期限依据", f"规则 {rule}（保管期限表 {table}）" if rule else ""),
        ("提交归档时间", _optional(m, "submitted_at")),
        ("归档时间", _optional(m, "ingested_at")),
        (
            "文档清单",
            f"各文档在移交单位档案信息包中的逻辑路径、字节数及 SM3、SHA-256 摘要见文档标识符为 "
            f"{MANIFEST_ID} 的文档（{MANIFEST_FILE_NAME}）",
        ),
    ]
    return [f"{label}{NOTE_SEPARATOR}{value}" for label, value in pairs if value]


def _systems(m: Mapping[str, Any]) -> list[str]:
    pairs = [("办理系统", _optional(m, "source_system")), ("归档系统", _optional(m, "agent"))]
    return [f"{label}{NOTE_SEPARATOR}{value}" for label, value in pairs if value]


def _location(m: Mapping[str, Any]) -> str:
    object_id, version = _optional(m, "object_id"), _optional(m, "version")
    if not object_id:
        return ""
    return f"{object_id}（第 {version} 版）" if version else object_id


def write_description(
    w: EepWriter, m: Mapping[str, Any], options: EepOptions, originals: int
) -> None:
    """聚合层次 … 附注 of the 文件实体; ``originals`` is the number of the case's own files."""
    fonds_name = required(m, "fonds_name")
    w.leaf("聚合层次", AGGREGATION_LEVEL)
    with w.element("来源"):
        w.leaf("全宗名称", fonds_name)
        w.leaf("立档单位名称", fonds_name)
    w.leaf("电子文件号", required(m, "electronic_record_code"))
    with w.element("档号"):
        w.leaf("全宗号", required(m, "fonds_identifier"))
        w.leaf("年度", required(m, "year"))
        w.leaf("保管期限", required(m, "retention_period"))
        if _optional(m, "organization_code"):
            w.leaf("机构或问题", _optional(m, "organization_code"))
        w.leaf("室编件号", _item_number(m))
    with w.element("内容描述"):
        w.leaf("题名", required(m, "title"))
        w.leaf("责任者", required(m, "author"))
        w.leaf("日期", required(m, "date"))
        w.leaf("密级", required(m, "security_classification"))
    with w.element("形式特征"):
        w.leaf("文件组合类型", "组合文件" if originals > 1 else "单件")
    with w.element("存储位置"):
        if _location(m):
            w.leaf("当前位置", _location(m))
        w.leaf("脱机载体编号", options.carrier or "在线")
    with w.element("权限管理"):
        if _sharing(m):
            w.leaf("控制标识", _sharing(m))
    w.leaves("信息系统描述", _systems(m))
    w.leaves("附注", notes(m))


def _item_number(m: Mapping[str, Any]) -> int:
    try:
        number = int(required(m, "item_number"))
    except ValueError as exc:
        raise EepError(f"item_number is not a number: {m.get('item_number')!r}") from exc
    if number < 1:
        raise EepError(f"item_number must be positive (室编件号): {number}")
    return number

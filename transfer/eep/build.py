"""Build one DA/T 48 EEP (``电子文件封装包``, 原始型) for one archive version, and sign it.

Small documents are embedded as Base64 under 文档 → 文档数据 → 编码 → 编码数据; documents above
``inline_limit`` bytes are copied beside the EEP (``<name>.files/``) and referenced by
``外部文件引用`` with their SM3 and SHA-256 digests, which sit inside the signed object.
The ``被签名对象`` is signed over its Canonical XML bytes; ``锁定签名`` signs the canonical
``电子签名块``. Reads: the documents' streams. Writes: ``dest`` and its ``.files`` folder
(temporary name, renamed when complete). Raises ``EepError``.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from lxml import etree

from package.digest import Digests, digest_bytes, digest_file
from package.errors import PackageError
from package.signature import Signer

from ..errors import EepError
from .common import ALGORITHM_OIDS, EEP_NAMESPACE, LOCK_ID, SIGNATURE_ID, canonical, q

__all__ = ["BuiltEep", "EepDocument", "EepOptions", "EepSource", "ExternalFile", "build_eep"]

STEP_NAMES = {"1": "收件", "2": "受理", "3": "审核", "4": "办结", "11": "补齐补正", "12": "挂起"}
FORMAT_DESCRIPTION = (
    "本封装包依据 DA/T 48-2009《基于XML的电子文件封装规范》生成，"
    "元数据依据 DA/T 46-2009《文书类电子文件元数据方案》"
)
TYPE_DESCRIPTION = "本封装包为原始型：封装一件电子档案的元数据与全部计算机文件，未经修改"
SIGNATURE_RULE = (
    "对“{target}”元素按 Canonical XML 1.0（不含注释）规范化后的 UTF-8 字节签名；"
    "算法 {algorithm}（SM2 签名者 ID 1234567812345678），签名结果为 DER 编码的 Base64"
)


@dataclass(frozen=True)
class EepDocument:
    """One file of the archive version: its logical path and how to open it."""

    path: str
    open: Callable[[], BinaryIO]


@dataclass(frozen=True)
class EepSource:
    """An archive version: its parsed ``archival.xml`` and its files."""

    metadata: Mapping[str, Any]  # package.metadata.read_archival_metadata output
    documents: tuple[EepDocument, ...]


@dataclass(frozen=True)
class EepOptions:
    unit: str  # 封装包创建单位
    created: datetime  # aware
    signer_name: str  # 签名人
    inline_limit: int = 1 << 20  # larger documents go to the external folder


@dataclass(frozen=True)
class ExternalFile:
    path: str  # relative to the EEP's folder, e.g. "X.files/0003-a.pdf"
    digests: Digests


@dataclass(frozen=True)
class BuiltEep:
    path: Path
    digests: Digests  # of the EEP file itself
    documents: int
    external: tuple[ExternalFile, ...]


def _add(parent: etree._Element, name: str, text: object = None, **attrs: str) -> etree._Element:
    child = etree.SubElement(parent, q(name), attrs)
    if text is not None and text != "":
        child.text = str(text)
    return child


def _files_by_path(metadata: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    return {str(f.get("path", "")): f for f in metadata.get("files", [])}


def _archival_code(parent: etree._Element, m: Mapping[str, Any]) -> None:
    node = _add(parent, "档号")
    _add(node, "档号全文", m["archival_code"])
    _add(node, "全宗号", m["fonds_identifier"])
    _add(node, "门类代码", m["category"])
    _add(node, "年度", m["year"])
    _add(node, "保管期限", m["retention_period"])
    _add(node, "机构或问题", m["organization_code"])
    _add(node, "件号", f"{int(m['item_number']):04d}")


def _entity_metadata(entity: etree._Element, m: Mapping[str, Any], count: int) -> None:
    _add(entity, "聚合层次", "件")
    source = _add(entity, "来源")
    _add(source, "全宗名称", m["fonds_name"])
    _add(source, "立档单位名称", m["fonds_name"])
    _add(entity, "电子文件号", m["electronic_record_code"])
    _archival_code(entity, m)
    content = _add(entity, "内容描述")
    _add(content, "题名", m["title"])
    _add(content, "责任者", m["author"])
    _add(content, "日期", m["date"])
    _add(content, "密级", m["security_classification"])
    _add(content, "保管期限", m["retention_period"])
    form = _add(entity, "形式特征")
    _add(form, "文件组合类型", "单件")
    _add(form, "文档数", count)
    case = _add(entity, "政务服务信息")
    _add(case, "事项编码", m.get("task_code", ""))
    _add(case, "事项名称", m.get("task_name", ""))
    _add(case, "办件编号", m.get("project_id", ""))
    _add(case, "受理编号", m.get("accept_number", ""))
    _add(case, "办理结果", m.get("result", ""))


@dataclass(frozen=True)
class _Placed:
    embedded: bytes | None
    external: ExternalFile | None
    digests: Digests


def _place(doc: EepDocument, index: int, limit: int, folder: Path, folder_name: str) -> _Placed:
    """Read a small document into memory, or stream a large one into the external folder."""
    try:
        with doc.open() as fp:
            head = fp.read(limit + 1)
            if len(head) <= limit:
                return _Placed(head, None, digest_bytes(head))
            folder.mkdir(parents=True, exist_ok=True)
            name = f"{index:04d}-{doc.path.rsplit('/', 1)[-1]}"
            target = folder / name
            with open(target, "xb") as out:
                out.write(head)
            with open(target, "ab") as out:
                while chunk := fp.read(1 << 20):
                    out.write(chunk)
            digests = digest_file(target)
    except (OSError, PackageError, KeyError) as exc:
        raise EepError(f"cannot read {doc.path}: {exc}") from exc
    return _Placed(None, ExternalFile(f"{folder_name}/{name}", digests), digests)


def _document(
    entity: etree._Element, doc: EepDocument, index: int, placed: _Placed, facts: Mapping[str, Any]
) -> None:
    name = doc.path.rsplit("/", 1)[-1]
    node = _add(entity, "文档")
    _add(node, "文档标识符", doc.path)
    _add(node, "文档序号", index)
    _add(node, "题名", facts.get("title") or name)
    data = _add(node, "文档数据", 文档数据ID=f"D{index}")
    coding = _add(data, "编码", 编码ID=f"E{index}")
    props = _add(coding, "电子属性")
    fmt = facts.get("format") or (name.rsplit(".", 1)[-1].upper() if "." in name else "")
    _add(props, "格式信息", fmt)
    _add(props, "计算机文件名", name)
    _add(props, "计算机文件大小", placed.digests.size)
    if placed.embedded is not None:
        _add(coding, "编码描述", "“编码数据”为计算机文件二进制流的 Base64 编码")
        _add(coding, "反编码关键字", "base64")
        _add(coding, "编码数据", base64.b64encode(placed.embedded).decode("ascii"))
    else:
        assert placed.external is not None
        _add(coding, "编码描述", "计算机文件存于封装包之外，以相对路径引用")
        _add(coding, "反编码关键字", "external")
        _add(coding, "外部文件引用", placed.external.path)
    _add(coding, "摘要", placed.digests.sm3, 算法="SM3")
    _add(coding, "摘要", placed.digests.sha256, 算法="SHA-256")


def _business(content: etree._Element, process: Sequence[Mapping[str, str]]) -> dict[str, str]:
    people: dict[str, str] = {}
    block = _add(content, "业务实体块")
    for n, step in enumerate(process, 1):
        who = (step.get("agentName", ""), step.get("department", ""))
        pid = people.setdefault("\t".join(who), f"P{len(people) + 1}")
        node = _add(block, "业务实体")
        _add(node, "业务标识符", f"B{n}")
        _add(node, "机构人员标识符", pid)
        code = step.get("activity", "")
        _add(node, "业务状态", code)
        _add(node, "业务行为", STEP_NAMES.get(code, "其他"))
        _add(node, "行为时间", step.get("actionTime", ""))
        _add(node, "行为描述", step.get("actionDescription", ""))
    return people


def _agents(content: etree._Element, people: Mapping[str, str], unit: str) -> None:
    block = _add(content, "机构人员实体块")
    node = _add(block, "机构人员实体")
    _add(node, "机构人员标识符", "U1")
    _add(node, "机构人员类型", "单位")
    _add(node, "机构人员名称", unit)
    for key, pid in people.items():
        name, department = key.split("\t")
        node = _add(block, "机构人员实体")
        _add(node, "机构人员标识符", pid)
        _add(node, "机构人员类型", "个人")
        _add(node, "机构人员名称", name)
        _add(node, "所属机构", department)


def _signature(
    parent: etree._Element, name: str, ident: str, signer: Signer, options: EepOptions, target: str
) -> etree._Element:
    node = _add(parent, name)
    _add(node, "签名标识符" if name == "电子签名" else "被锁定签名标识符", ident)
    _add(node, "签名规则", SIGNATURE_RULE.format(target=target, algorithm=signer.algorithm))
    _add(node, "签名时间", options.created.isoformat())
    _add(node, "签名人", options.signer_name)
    result = _add(node, "签名结果")
    certs = _add(node, "证书块")
    _add(certs, "证书", signer.public_key_pem.strip(), 类型="SubjectPublicKeyInfo-PEM")
    _add(certs, "证书引证", signer.key_id)
    _add(node, "签名算法标识", ALGORITHM_OIDS[signer.algorithm])
    return result


def _tree(
    source: EepSource, placed: Sequence[_Placed], options: EepOptions, signer: Signer
) -> tuple[etree._Element, etree._Element, etree._Element]:
    m = source.metadata
    root = etree.Element(q("电子文件封装包"), nsmap={None: EEP_NAMESPACE})
    _add(root, "封装包格式描述", FORMAT_DESCRIPTION)
    _add(root, "版本", "2009")
    signed = _add(root, "被签名对象", eep版本="2009")
    _add(signed, "封装包类型", "原始型")
    _add(signed, "封装包类型描述", TYPE_DESCRIPTION)
    _add(signed, "封装包创建时间", options.created.isoformat())
    _add(signed, "封装包创建单位", options.unit)
    content = _add(signed, "封装内容")
    entity = _add(_add(content, "文件实体块"), "文件实体")
    _entity_metadata(entity, m, len(source.documents))
    facts = _files_by_path(m)
    for n, (doc, item) in enumerate(zip(source.documents, placed, strict=True), 1):
        _document(entity, doc, n, item, facts.get(doc.path, {}))
    people = _business(content, m.get("process", []))
    _agents(content, people, options.unit)
    block = _add(root, "电子签名块")
    sig_value = _signature(block, "电子签名", SIGNATURE_ID, signer, options, "被签名对象")
    lock_value = _signature(root, LOCK_ID, SIGNATURE_ID, signer, options, "电子签名块")
    etree.indent(root, space=" ")
    return root, sig_value, lock_value


def _sign(root: etree._Element, sig: etree._Element, lock: etree._Element, signer: Signer) -> None:
    signed = root.find(q("被签名对象"))
    block = root.find(q("电子签名块"))
    assert signed is not None and block is not None
    sig.text = base64.b64encode(signer.sign(canonical(signed))).decode("ascii")
    lock.text = base64.b64encode(signer.sign(canonical(block))).decode("ascii")


def build_eep(source: EepSource, signer: Signer, dest: Path, options: EepOptions) -> BuiltEep:
    """Write the signed EEP of ``source`` to ``dest`` (``…/<档号>.eep.xml``); return its facts."""
    if options.created.tzinfo is None:
        raise EepError("created must be timezone-aware")
    stem = dest.name.removesuffix(".xml").removesuffix(".eep")
    folder_name = f"{stem}.files"
    folder = dest.parent / folder_name
    if dest.exists() or folder.exists():
        raise EepError(f"EEP exists already, not overwritten: {dest.name}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    placed = [
        _place(doc, n, options.inline_limit, folder, folder_name)
        for n, doc in enumerate(source.documents, 1)
    ]
    try:
        root, sig, lock = _tree(source, placed, options, signer)
        _sign(root, sig, lock, signer)
    except (KeyError, ValueError, TypeError) as exc:  # missing metadata, text XML cannot hold
        raise EepError(f"cannot build the EEP: {exc}") from exc
    except PackageError as exc:
        raise EepError(f"cannot sign the EEP: {exc}") from exc
    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    partial = dest.with_name(f".{dest.name}.partial")
    try:
        with open(partial, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, dest)
    except OSError as exc:
        raise EepError(f"cannot write {dest.name}: {exc}") from exc
    external = tuple(p.external for p in placed if p.external is not None)
    return BuiltEep(dest, digest_bytes(data), len(placed), external)

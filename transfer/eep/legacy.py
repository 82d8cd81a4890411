"""Read the computer files back out of a DA/T 48 EEP: the bureau's first step of ingest.

``read_eep`` parses an EEP (``<档号>.eep.xml``) and returns who it is (电子文件号, 档号) and its
documents (文档标识符, embedded Base64 or an external file of the directory form, declared SM3 /
SHA-256 / size). ``extract_documents`` writes the documents whose identifier starts with a
prefix (``original/`` for the submitted case package) under a folder, decoding Base64 or copying
the external file, measuring both digests while writing and refusing any byte that differs
from the declared digests. It does not check signatures (``verify_eep`` does, before).
Reads: the EEP and its ``.files`` folder. Writes: only under ``dest``. Raises ``EepError``.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from package.digest import Digests, digest_bytes
from package.errors import UnsafePathError
from package.paths import safe_logical_path
from package.streamcopy import copy_and_digest

from ..errors import EepError
from .common import q, safe_parse

__all__ = ["EepContents", "EepEntry", "extract_documents", "read_eep"]


@dataclass(frozen=True)
class EepEntry:
    """One 文档 of an EEP: its identifier (the logical path in the sender's AIP) and data."""

    identifier: str
    declared: Digests  # the SM3 / SHA-256 / size the signed object states
    embedded: bytes | None  # decoded Base64, or None for an external file
    external: str  # path relative to the EEP's folder ("" when embedded)


@dataclass(frozen=True)
class EepContents:
    path: Path
    electronic_record_code: str  # 电子文件号
    archival_code: str  # 档号全文 as the sender assigned it
    unit: str  # 封装包创建单位: the sender
    entries: tuple[EepEntry, ...]


def _text(node: etree._Element, path: str) -> str:
    return (node.findtext(path) or "").strip()


def _entry(doc: etree._Element) -> EepEntry:
    identifier = _text(doc, q("文档标识符"))
    coding = doc.find(f"{q('文档数据')}/{q('编码')}")
    if not identifier or coding is None:
        raise EepError(f"文档 without 文档标识符 or 编码: {identifier!r}")
    digests = {n.get("算法", ""): (n.text or "").strip() for n in coding.findall(q("摘要"))}
    try:
        size = int(_text(coding, f"{q('电子属性')}/{q('计算机文件大小')}"))
    except ValueError as exc:
        raise EepError(f"{identifier}: 计算机文件大小 is not a number") from exc
    if not digests.get("SM3") or not digests.get("SHA-256"):
        raise EepError(f"{identifier}: SM3 and SHA-256 摘要 are both required")
    declared = Digests(sm3=digests["SM3"], sha256=digests["SHA-256"], size=size)
    data = coding.find(q("编码数据"))
    if data is not None:
        try:
            raw = base64.b64decode(data.text or "", validate=True)
        except binascii.Error as exc:
            raise EepError(f"{identifier}: 编码数据 is not valid Base64") from exc
        return EepEntry(identifier, declared, raw, "")
    ref = _text(coding, q("外部文件引用"))
    if not ref:
        raise EepError(f"{identifier}: neither 编码数据 nor 外部文件引用")
    return EepEntry(identifier, declared, None, ref)


def read_eep(path: Path) -> EepContents:
    """The identity and documents of the EEP at ``path`` (embedded data decoded in memory)."""
    try:
        root = safe_parse(path.read_bytes())
    except (OSError, etree.XMLSyntaxError) as exc:
        raise EepError(f"cannot read {path.name}: {exc}") from exc
    entity = root.find(f"{q('被签名对象')}/{q('封装内容')}/{q('文件实体块')}/{q('文件实体')}")
    if entity is None:
        raise EepError(f"{path.name}: no 文件实体")
    entries = tuple(_entry(doc) for doc in entity.findall(q("文档")))
    return EepContents(
        path,
        _text(entity, q("电子文件号")),
        _text(entity, f"{q('档号')}/{q('档号全文')}"),
        _text(root, f"{q('被签名对象')}/{q('封装包创建单位')}"),
        entries,
    )


def _write(entry: EepEntry, base: Path, target: Path) -> Digests:
    if entry.embedded is not None:
        target.write_bytes(entry.embedded)
        return digest_bytes(entry.embedded)
    try:
        safe_logical_path(entry.external)
    except UnsafePathError as exc:
        raise EepError(f"{entry.identifier}: unsafe 外部文件引用 {entry.external!r}") from exc
    source = base / entry.external
    if not source.is_file():
        raise EepError(f"{entry.identifier}: external file missing: {entry.external}")
    return copy_and_digest(source, target)


def extract_documents(contents: EepContents, dest: Path, prefix: str) -> dict[str, Digests]:
    """Write every document under ``prefix`` to ``dest/<identifier without prefix>``.

    Returns {relative path: digests measured while writing}. Raises ``EepError`` when no document
    matches, a path is unsafe, an external file is missing, or a digest or size differs.
    """
    written: dict[str, Digests] = {}
    for entry in contents.entries:
        if not entry.identifier.startswith(prefix):
            continue
        relative = entry.identifier[len(prefix) :]
        try:
            safe_logical_path(relative)
        except UnsafePathError as exc:
            raise EepError(f"unsafe 文档标识符 {entry.identifier!r}: {exc}") from exc
        target = dest / relative
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            found = _write(entry, contents.path.parent, target)
        except OSError as exc:
            raise EepError(f"cannot write {relative}: {exc}") from exc
        if found != entry.declared:
            raise EepError(
                f"{entry.identifier}: digest differs from the EEP "
                f"(expected SM3 {entry.declared.sm3} {entry.declared.size} bytes, "
                f"found SM3 {found.sm3} {found.size} bytes)"
            )
        written[relative] = found
    if not written:
        raise EepError(f"{contents.path.name}: no document under {prefix!r}")
    return written

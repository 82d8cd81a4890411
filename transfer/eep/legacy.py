"""earchive's previous EEP form, read and verified only when asked for (``legacy=True``).

That form deviated from DA/T 48-2009: documents over a size limit stayed outside the package
(``外部文件引用``, beside it in ``<name>.files/``), digests sat in ``摘要`` elements inside
``编码``, ``档号全文``, ``门类代码``, ``件号`` and ``政务服务信息`` were added, 文档标识符 was the
logical path, 证书 a bare PEM public key, and the signatures covered the Canonical XML of the
parsed 被签名对象 and 电子签名块. Its embedded documents were small by construction, so the tree is
parsed whole. ``legacy_reason`` tells the form apart; ``read_legacy`` and ``verify_legacy`` are
the old reader and verifier (signer identity: MANUAL_REVIEW, a bare key names no one).
Reads: the EEP and its ``.files`` folder. Writes: nothing. Raises ``EepError`` (reading only).
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from lxml import etree

from package.digest import Digests, digest_bytes, digest_file
from package.errors import PackageError, UnsafePathError
from package.paths import safe_logical_path
from package.signature import verify
from standards.finding import Finding

from ..errors import EepError
from ..findings import transfer_finding
from .common import OID_ALGORITHMS, q
from .contents import EepContents, EepEntry
from .identity import SignerIdentity, identity_findings

__all__ = ["legacy_reason", "read_legacy", "verify_legacy"]

_TOOL = "transfer.eep.legacy"
_MARKS = (
    (f".//{q('编码')}/{q('外部文件引用')}", "外部文件引用 (a document outside the package)"),
    (f".//{q('编码')}/{q('摘要')}", "摘要 inside 编码"),
    (f".//{q('档号')}/{q('档号全文')}", "档号全文 inside 档号"),
    (f".//{q('文件实体')}/{q('政务服务信息')}", "政务服务信息 inside 文件实体"),
)


def legacy_reason(root: etree._Element) -> str:
    """Why ``root`` is an EEP of the previous form ("" when it is not)."""
    for path, reason in _MARKS:
        if root.find(path) is not None:
            return reason
    return ""


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    root = etree.fromstring(data, parser)
    if root.getroottree().docinfo.doctype:
        raise etree.XMLSyntaxError("DOCTYPE not allowed", None, 0, 0)
    return root


def _canonical(element: etree._Element) -> bytes:
    return bytes(etree.tostring(element, method="c14n", exclusive=False, with_comments=False))


def _entry(doc: etree._Element) -> EepEntry:
    identifier = (doc.findtext(q("文档标识符")) or "").strip()
    coding = doc.find(f"{q('文档数据')}/{q('编码')}")
    if not identifier or coding is None:
        raise EepError(f"文档 without 文档标识符 or 编码: {identifier!r}")
    digests = {n.get("算法", ""): (n.text or "").strip() for n in coding.findall(q("摘要"))}
    try:
        size = int((coding.findtext(f"{q('电子属性')}/{q('计算机文件大小')}") or "").strip())
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
        return EepEntry(identifier, identifier, declared, embedded=raw)
    ref = (coding.findtext(q("外部文件引用")) or "").strip()
    if not ref:
        raise EepError(f"{identifier}: neither 编码数据 nor 外部文件引用")
    return EepEntry(identifier, identifier, declared, external=ref)


def read_legacy(path: Path) -> EepContents:
    """Identity and documents of a previous-form EEP (embedded data decoded in memory)."""
    try:
        root = _parse(path.read_bytes())
    except (OSError, etree.XMLSyntaxError) as exc:
        raise EepError(f"cannot read {path.name}: {exc}") from exc
    entity = root.find(f"{q('被签名对象')}/{q('封装内容')}/{q('文件实体块')}/{q('文件实体')}")
    if entity is None:
        raise EepError(f"{path.name}: no 文件实体")
    return EepContents(
        path,
        (entity.findtext(q("电子文件号")) or "").strip(),
        (entity.findtext(f"{q('档号')}/{q('档号全文')}") or "").strip(),
        (root.findtext(f"{q('被签名对象')}/{q('封装包创建单位')}") or "").strip(),
        tuple(_entry(doc) for doc in entity.findall(q("文档"))),
        legacy=True,
    )


def _signature(
    node: etree._Element | None, target: etree._Element | None, which: str, trusted: str | None
) -> list[Finding]:
    if node is None or target is None:
        return [transfer_finding("EEP_SIGNATURE_INVALID", which=which, reason="element missing")]
    oid = (node.findtext(q("签名算法标识")) or "").strip()
    algorithm = OID_ALGORITHMS.get(oid)
    if algorithm is None:
        reason = f"unknown algorithm {oid}"
        return [transfer_finding("EEP_SIGNATURE_INVALID", which=which, reason=reason)]
    key = (node.findtext(f"{q('证书块')}/{q('证书')}") or "").strip() + "\n"
    try:
        value = base64.b64decode(node.findtext(q("签名结果")) or "", validate=True)
        valid = verify(algorithm, key, _canonical(target), value)
    except (binascii.Error, PackageError, ValueError) as exc:
        return [transfer_finding("EEP_SIGNATURE_INVALID", which=which, reason=str(exc))]
    if not valid:
        reason = "signature does not verify over the canonical bytes"
        return [transfer_finding("EEP_SIGNATURE_INVALID", which=which, reason=reason, tool=_TOOL)]
    signer = SignerIdentity(which, algorithm, key, (), None)
    return [
        transfer_finding("EEP_SIGNATURE_VALID", which=which, tool=_TOOL, found=algorithm),
        *identity_findings(signer, trusted_key_pem=trusted, roots=(), at=None),
    ]


def _measure(coding: etree._Element, base: Path | None, path: str) -> Digests | Finding:
    embedded = coding.find(q("编码数据"))
    if embedded is not None:
        try:
            return digest_bytes(base64.b64decode(embedded.text or "", validate=True))
        except binascii.Error:
            return transfer_finding("EEP_CONTENT_UNDECODABLE", path=path)
    ref = (coding.findtext(q("外部文件引用")) or "").strip()
    try:
        safe_logical_path(ref)
    except UnsafePathError:
        return transfer_finding("EEP_EXTERNAL_UNSAFE", path=ref)
    target = None if base is None else base / ref
    if target is None or not target.is_file():
        return transfer_finding("EEP_EXTERNAL_MISSING", path=ref)
    try:
        return digest_file(target)
    except OSError:
        return transfer_finding("EEP_EXTERNAL_MISSING", path=ref)


def _contents(root: etree._Element, base: Path | None) -> list[Finding]:
    out: list[Finding] = []
    count = 0
    for count, doc in enumerate(root.iter(q("文档")), 1):
        path = (doc.findtext(q("文档标识符")) or "").strip() or f"文档 {count}"
        for coding in doc.iter(q("编码")):
            measured = _measure(coding, base, path)
            if isinstance(measured, Finding):
                out.append(measured)
                continue
            for node in coding.findall(q("摘要")):
                algorithm = node.get("算法", "")
                found = {"SM3": measured.sm3, "SHA-256": measured.sha256}.get(algorithm, "")
                if found != (node.text or "").strip():
                    out.append(
                        transfer_finding(
                            "EEP_CONTENT_DIGEST_MISMATCH",
                            path=path,
                            algorithm=algorithm,
                            expected=(node.text or "").strip(),
                            found=found,
                            tool=_TOOL,
                        )
                    )
    if not out:
        out.append(transfer_finding("EEP_CONTENT_VERIFIED", count=count, tool=_TOOL))
    return out


def verify_legacy(data: bytes, base: Path | None, trusted_key_pem: str | None) -> list[Finding]:
    """Findings on a previous-form EEP (``base``: its folder, where external files are)."""
    try:
        root = _parse(data)
    except etree.XMLSyntaxError as exc:
        return [transfer_finding("EEP_MALFORMED", error=str(exc))]
    out = [transfer_finding("EEP_LEGACY_READ", reason=legacy_reason(root) or "asked for")]
    signature = root.find(f"{q('电子签名块')}/{q('电子签名')}")
    out += _signature(signature, root.find(q("被签名对象")), "电子签名", trusted_key_pem)
    block = root.find(q("电子签名块"))
    out += _signature(root.find(q("锁定签名")), block, "锁定签名", trusted_key_pem)
    return out + _contents(root, base)

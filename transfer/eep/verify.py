"""Verify a DA/T 48 EEP offline: schema, both signatures, every embedded and external digest.

``verify_eep`` collects every problem as a coded ``Finding`` (see ``transfer.findings``); it
never raises for a bad package. Signature verdicts stay apart (pyHanko style): a valid signature
by an unknown key is MANUAL_REVIEW for trust, not a pass. Reads: the EEP and, for the directory
form, the external files beside it. Writes: nothing.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from lxml import etree

from package.digest import Digests, digest_bytes, digest_file
from package.errors import PackageError, UnsafePathError
from package.paths import safe_logical_path
from package.signature import key_id_from_pem, verify
from standards.errors import DataFileError
from standards.finding import Finding
from standards.schemas import load_schema

from ..findings import transfer_finding
from .common import EEP_SCHEMA, OID_ALGORITHMS, canonical, q, safe_parse

__all__ = ["verify_eep"]

_TOOL = "transfer.eep"


def _schema_findings(root: etree._Element) -> list[Finding]:
    try:
        schema = load_schema(EEP_SCHEMA)
    except DataFileError as exc:
        return [transfer_finding("EEP_SCHEMA", error=f"schema unavailable: {exc}")]
    if schema.validate(root.getroottree()):
        return []
    return [
        transfer_finding("EEP_SCHEMA", error=f"line {e.line}: {e.message}", tool=_TOOL)
        for e in schema.error_log
    ][:20]


def _check_signature(
    node: etree._Element | None, target: etree._Element | None, which: str, trusted: str | None
) -> list[Finding]:
    if node is None or target is None:
        return [transfer_finding("EEP_SIGNATURE_INVALID", which=which, reason="element missing")]
    oid = node.findtext(q("签名算法标识")) or ""
    pem = (node.findtext(f"{q('证书块')}/{q('证书')}") or "").strip() + "\n"
    value = node.findtext(q("签名结果")) or ""
    algorithm = OID_ALGORITHMS.get(oid)
    if algorithm is None:
        return [
            transfer_finding(
                "EEP_SIGNATURE_INVALID", which=which, reason=f"unknown algorithm {oid}", found=oid
            )
        ]
    try:
        signature = base64.b64decode(value, validate=True)
        ok = verify(algorithm, pem, canonical(target), signature)
        key_id = key_id_from_pem(algorithm, pem)
    except (binascii.Error, PackageError, ValueError) as exc:
        return [transfer_finding("EEP_SIGNATURE_INVALID", which=which, reason=str(exc))]
    if not ok:
        return [
            transfer_finding(
                "EEP_SIGNATURE_INVALID",
                which=which,
                reason="signature does not verify over the canonical bytes",
                tool=_TOOL,
            )
        ]
    out = [transfer_finding("EEP_SIGNATURE_VALID", which=which, tool=_TOOL, found=algorithm)]
    if trusted is None:
        out.append(transfer_finding("EEP_SIGNER_TRUST_UNKNOWN", found=key_id))
    else:
        try:
            trusted_id = key_id_from_pem(algorithm, trusted)
        except PackageError:
            trusted_id = ""
        code = "EEP_SIGNER_TRUSTED" if trusted_id == key_id else "EEP_SIGNER_UNTRUSTED"
        out.append(transfer_finding(code, expected=trusted_id, found=key_id))
    return out


def _measure(coding: etree._Element, base: Path | None, path: str) -> Digests | Finding:
    embedded = coding.find(q("编码数据"))
    if embedded is not None:
        try:
            return digest_bytes(base64.b64decode(embedded.text or "", validate=True))
        except binascii.Error:
            return transfer_finding("EEP_CONTENT_UNDECODABLE", path=path)
    ref = coding.findtext(q("外部文件引用")) or ""
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


def _content_findings(root: etree._Element, base: Path | None) -> list[Finding]:
    out: list[Finding] = []
    documents = root.iter(q("文档"))
    count = 0
    for doc in documents:
        count += 1
        path = doc.findtext(q("文档标识符")) or f"文档 {count}"
        for coding in doc.iter(q("编码")):
            measured = _measure(coding, base, path)
            if isinstance(measured, Finding):
                out.append(measured)
                continue
            for node in coding.findall(q("摘要")):
                algorithm = node.get("算法", "")
                found = {"SM3": measured.sm3, "SHA-256": measured.sha256}.get(algorithm)
                if found != (node.text or ""):
                    out.append(
                        transfer_finding(
                            "EEP_CONTENT_DIGEST_MISMATCH",
                            path=path,
                            algorithm=algorithm,
                            expected=node.text or "",
                            found=found or "",
                            tool=_TOOL,
                        )
                    )
    if not out:
        out.append(transfer_finding("EEP_CONTENT_VERIFIED", count=count, tool=_TOOL))
    return out


def verify_eep(source: Path | bytes, trusted_key_pem: str | None = None) -> list[Finding]:
    """All findings on one EEP: schema, 电子签名 over 被签名对象, 锁定签名 over 电子签名块,
    trust of the signer (only against ``trusted_key_pem``), and every document's digests.

    ``source`` is a path (external files are resolved beside it) or the EEP's bytes (then
    external references are reported missing).
    """
    base = source.parent if isinstance(source, Path) else None
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
        root = safe_parse(data)
    except (OSError, etree.XMLSyntaxError) as exc:
        return [transfer_finding("EEP_MALFORMED", error=str(exc))]
    findings = _schema_findings(root)
    signature = root.find(f"{q('电子签名块')}/{q('电子签名')}")
    findings += _check_signature(signature, root.find(q("被签名对象")), "电子签名", trusted_key_pem)
    findings += _check_signature(
        root.find(q("锁定签名")), root.find(q("电子签名块")), "锁定签名", trusted_key_pem
    )
    findings += _content_findings(root, base)
    return findings

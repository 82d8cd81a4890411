"""Verify a DA/T 48 EEP offline, as a stream: schema, identifiers, every document, both signatures,
the signer's certificate.

One pass (``scan``) decodes and hashes every 编码数据 and locates the signed bytes; the skeleton
(the tree without the Base64 text) is validated against ``eep.xsd``; every document's size,
SM3 and SHA-256 are compared with the signed 文档清单; then the 电子签名 and the 锁定签名
(``signatures``) and who signed (``identity``). Every problem is collected as a coded finding
(``transfer.findings``); nothing is raised for a bad package. An EEP of earchive's previous form
is refused (``EEP_LEGACY_REFUSED``) unless ``legacy`` is asked for.
Reads: the EEP (and, in the previous form, the external files beside it). Writes: nothing.
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from package.certificates import Certificate, load_certificate
from package.errors import CertificateError
from standards.errors import DataFileError
from standards.finding import Finding
from standards.schemas import load_schema

from ..errors import EepError
from ..findings import transfer_finding
from .common import EEP_SCHEMA, MANIFEST_ID, q
from .legacy import legacy_reason, verify_legacy
from .manifest import ManifestRow, parse_manifest
from .scan import Coding, Scan, scan_eep
from .signatures import signature_findings

__all__ = ["verify_eep"]

_TOOL = "transfer.eep"
_ID_ELEMENTS = ("文档标识符", "签名标识符", "修改标识符")
_ID_ATTRIBUTES = ("文档数据ID", "编码ID", "编码数据ID")


def _schema_findings(root: etree._Element) -> list[Finding]:
    try:
        schema = load_schema(EEP_SCHEMA)
    except DataFileError as exc:
        return [transfer_finding("EEP_SCHEMA", error=f"schema unavailable: {exc}")]
    if schema.validate(root.getroottree()):
        return []
    return [
        transfer_finding("EEP_SCHEMA", error=f"{e.path}: {e.message}", tool=_TOOL)
        for e in schema.error_log
    ][:20]


def _id_findings(root: etree._Element) -> list[Finding]:
    """XML IDs unique, IDREFs resolved: lxml's schema check does neither for element content."""
    ids = [(n.text or "").strip() for name in _ID_ELEMENTS for n in root.iter(q(name))]
    ids += [str(n.get(a)) for a in _ID_ATTRIBUTES for n in root.iter() if n.get(a) is not None]
    out = [
        transfer_finding("EEP_ID_INVALID", error=f"ID {value!r} used {count} times", tool=_TOOL)
        for value, count in Counter(ids).items()
        if count > 1
    ]
    refs = [(n.text or "").strip() for n in root.iter(q("被锁定签名标识符"))]
    refs += [str(n.get("引用编码数据ID")) for n in root.iter() if n.get("引用编码数据ID")]
    known = set(ids)
    out += [
        transfer_finding("EEP_ID_INVALID", error=f"IDREF {ref!r} names no ID", tool=_TOOL)
        for ref in refs
        if ref not in known
    ]
    return out


def _manifest(codings: Sequence[Coding]) -> tuple[ManifestRow, ...] | Finding:
    found = [c for c in codings if c.document == MANIFEST_ID]
    reason = "" if len(found) == 1 else f"{len(found)} documents {MANIFEST_ID}, expected one"
    if not reason and found[0].data is None:
        reason = found[0].error or "not readable"
    if not reason:
        try:
            return parse_manifest(found[0].data or b"")
        except EepError as exc:
            reason = str(exc)
    return transfer_finding("EEP_MANIFEST_MISMATCH", path=MANIFEST_ID, reason=reason)


def _coding_findings(coding: Coding, row: ManifestRow) -> list[Finding]:
    if coding.error or coding.digests is None:
        found = coding.error
        return [transfer_finding("EEP_CONTENT_UNDECODABLE", path=row.path, found=found)]
    out = []
    measured = coding.digests
    if {coding.declared_size, str(row.digests.size)} != {str(measured.size)}:
        declared = f"计算机文件大小 {coding.declared_size}, 文档清单 {row.digests.size}"
        out.append(
            transfer_finding(
                "EEP_CONTENT_SIZE_MISMATCH",
                path=row.path,
                expected=declared,
                found=str(measured.size),
            )
        )
    for algorithm, label in (("sm3", "SM3"), ("sha256", "SHA-256")):
        expected, found = getattr(row.digests, algorithm), getattr(measured, algorithm)
        if expected != found:
            out.append(
                transfer_finding(
                    "EEP_CONTENT_DIGEST_MISMATCH",
                    path=row.path,
                    algorithm=label,
                    expected=expected,
                    found=found,
                    tool=_TOOL,
                )
            )
    return out


def _content_findings(scan: Scan) -> list[Finding]:
    rows = _manifest(scan.codings)
    if isinstance(rows, Finding):
        return [rows]
    listed = {row.identifier: row for row in rows}
    out: list[Finding] = []
    seen: set[str] = set()
    for coding in scan.codings:
        if coding.document == MANIFEST_ID:
            continue
        row = listed.get(coding.document)
        if row is None or coding.document in seen:
            reason = "not listed" if row is None else "a second coding of one document"
            out.append(
                transfer_finding("EEP_MANIFEST_MISMATCH", path=coding.document, reason=reason)
            )
            continue
        seen.add(coding.document)
        out += _coding_findings(coding, row)
    for row in rows:
        if row.identifier not in seen:
            reason = f"listed as {row.identifier} but not in the package"
            out.append(transfer_finding("EEP_MANIFEST_MISMATCH", path=row.path, reason=reason))
    if not out:
        out.append(transfer_finding("EEP_CONTENT_VERIFIED", count=len(seen), tool=_TOOL))
    return out


def _roots(trust_roots: Sequence[bytes]) -> list[Certificate]:
    roots = []
    for der in trust_roots:
        try:
            roots.append(load_certificate(der))
        except CertificateError:
            continue  # an unusable root trusts nothing; the chain finding names the rest
    return roots


def _verify(
    fp: BinaryIO,
    trusted_key_pem: str | None,
    trust_roots: Sequence[bytes],
    at: datetime | None,
) -> list[Finding] | str:
    """Findings on a new-form EEP, or the reason it is of the previous form."""
    try:
        scan = scan_eep(fp, measure=True, capture=frozenset({MANIFEST_ID}))
    except EepError as exc:
        return [transfer_finding("EEP_MALFORMED", error=str(exc))]
    reason = legacy_reason(scan.root)
    if reason:
        return reason
    findings = _schema_findings(scan.root) + _id_findings(scan.root)
    findings += signature_findings(
        fp, scan, trusted_key_pem=trusted_key_pem, roots=_roots(trust_roots), at=at
    )
    return findings + _content_findings(scan)


def verify_eep(
    source: Path | bytes,
    trusted_key_pem: str | None = None,
    *,
    trust_roots: Sequence[bytes] = (),
    at: datetime | None = None,
    legacy: bool = False,
) -> list[Finding]:
    """All findings on one EEP (a path, or its bytes).

    Schema validity (``eep.xsd``), unique IDs, every document decoded and matching the size,
    SM3 and SHA-256 of the signed 文档清单, the 电子签名 over 被签名对象 and the 锁定签名 over the
    电子签名 (each over its canonical bytes), and each signer's certificate: valid at
    签名时间 (or ``at``), chaining to one of ``trust_roots`` (DER or PEM certificates) when
    given — else MANUAL_REVIEW — and, when ``trusted_key_pem`` is given, holding that key.
    An EEP of earchive's previous form is ``EEP_LEGACY_REFUSED`` unless ``legacy``.
    """
    try:
        with open(source, "rb") if isinstance(source, Path) else io.BytesIO(source) as fp:
            found = _verify(fp, trusted_key_pem, trust_roots, at)
    except OSError as exc:
        return [transfer_finding("EEP_MALFORMED", error=str(exc))]
    if not isinstance(found, str):
        return found
    if not legacy:
        return [transfer_finding("EEP_LEGACY_REFUSED", reason=found)]
    try:
        data = source.read_bytes() if isinstance(source, Path) else source
    except OSError as exc:
        return [transfer_finding("EEP_MALFORMED", error=str(exc))]
    base = source.parent if isinstance(source, Path) else None
    return verify_legacy(data, base, trusted_key_pem)

"""The 电子签名 over 被签名对象 and the 锁定签名 over that 电子签名, checked as streams.

The bytes each signs are located by the scan (``scan``): the element's raw bytes in the file,
which must also be its canonical form (else ``EEP_SIGNED_FORM``). For SM2 the message digest is
SM3(Z ‖ M), and Z needs the signer's key, which comes after the data; so the range is read a
second time, from its offsets, through ``Sm3Z`` (ECDSA reuses the SHA-256 the scan computed).
Each signature's certificate gives the key; its identity is judged in ``identity``.
Reads: the package (its signed ranges). Raises nothing: every problem is a finding.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from datetime import datetime
from typing import BinaryIO

from lxml import etree

from package.certificates import Certificate, load_certificate
from package.errors import CertificateError, KeyFormatError
from package.signature import ECDSA_P256_SHA256, message_hasher, verify_digest
from standards.finding import Finding

from ..findings import transfer_finding
from .common import OID_ALGORITHMS, q
from .identity import SignerIdentity, identity_findings
from .scan import ElementBytes, Scan

__all__ = ["decode_base64", "signature_findings"]

_TOOL = "transfer.eep"
_BLOCK = 1 << 20


class _Refused(Exception):
    """One signature cannot be checked; carries its finding."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def decode_base64(text: str) -> bytes:
    """xs:base64Binary text (whitespace allowed) to bytes; raises ``binascii.Error``."""
    return base64.b64decode("".join(text.split()), validate=True)


def _time(node: etree._Element) -> datetime | None:
    text = (node.findtext(q("签名时间")) or "").strip()
    try:
        when = datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
    return when if when is None or when.tzinfo is not None else None


def _signer(node: etree._Element, which: str) -> SignerIdentity:
    """Algorithm, key and chain of a signature element; raises ``_Refused``."""
    oid = (node.findtext(q("签名算法标识")) or "").strip()
    algorithm = OID_ALGORITHMS.get(oid)
    if algorithm is None:
        reason = f"unknown 签名算法标识 {oid!r}"
        raise _Refused(transfer_finding("EEP_SIGNATURE_INVALID", which=which, reason=reason))
    texts = [n.text or "" for n in node.iterfind(f"{q('证书块')}/{q('证书')}")]
    if texts and texts[0].lstrip().startswith("-----BEGIN PUBLIC KEY-----"):
        return SignerIdentity(which, algorithm, texts[0].strip() + "\n", (), _time(node))
    chain: list[Certificate] = []
    try:
        for text in texts:
            chain.append(load_certificate(decode_base64(text)))
    except (binascii.Error, ValueError, CertificateError) as exc:
        error = f"证书 {len(chain) + 1}: {exc}"
        finding = transfer_finding("EEP_CERTIFICATE_INVALID", which=which, error=error)
        raise _Refused(finding) from exc
    if not chain:
        error = "证书块 holds no 证书"
        raise _Refused(transfer_finding("EEP_CERTIFICATE_INVALID", which=which, error=error))
    return SignerIdentity(which, algorithm, chain[0].public_key_pem, tuple(chain), _time(node))


def _digest(fp: BinaryIO, element: ElementBytes, signer: SignerIdentity) -> bytes:
    """The message digest of the element's bytes for the signer's algorithm and key."""
    if signer.algorithm == ECDSA_P256_SHA256:
        return element.raw_sha256
    hasher = message_hasher(signer.algorithm, signer.key_pem)
    if element.data is not None:
        hasher.update(element.data)
        return hasher.digest()
    fp.seek(element.start)
    left = element.end - element.start
    while left > 0:
        block = fp.read(min(_BLOCK, left))
        if not block:
            break
        hasher.update(block)
        left -= len(block)
    return hasher.digest()


def _check(
    fp: BinaryIO,
    node: etree._Element,
    target: ElementBytes | None,
    which: str,
    trust: tuple[str | None, Sequence[Certificate], datetime | None],
) -> list[Finding]:
    if target is None:
        return [transfer_finding("EEP_SIGNATURE_INVALID", which=which, reason="nothing to check")]
    try:
        signer = _signer(node, which)
        value = decode_base64(node.findtext(q("签名结果")) or "")
        valid = verify_digest(signer.algorithm, signer.key_pem, _digest(fp, target, signer), value)
    except _Refused as refused:
        return [refused.finding]
    except (binascii.Error, KeyFormatError, OSError) as exc:
        return [transfer_finding("EEP_SIGNATURE_INVALID", which=which, reason=str(exc))]
    out = []
    if not target.canonical:
        out.append(transfer_finding("EEP_SIGNED_FORM", which=which, tool=_TOOL))
    if not valid:
        reason = f"the signature does not verify over the bytes of {target.name}"
        return [*out, transfer_finding("EEP_SIGNATURE_INVALID", which=which, reason=reason)]
    subject = signer.chain[0].subject if signer.chain else "bare public key"
    out.append(
        transfer_finding(
            "EEP_SIGNATURE_VALID", which=which, found=f"{signer.algorithm} {subject}", tool=_TOOL
        )
    )
    trusted_key_pem, roots, at = trust
    return out + identity_findings(signer, trusted_key_pem=trusted_key_pem, roots=roots, at=at)


def signature_findings(
    fp: BinaryIO,
    scan: Scan,
    *,
    trusted_key_pem: str | None,
    roots: Sequence[Certificate],
    at: datetime | None,
) -> list[Finding]:
    """The 电子签名 (the first of the 电子签名块) and the 锁定签名: valid, and by whom."""
    root = scan.root
    trust = (trusted_key_pem, roots, at)
    nodes = root.findall(f"{q('电子签名块')}/{q('电子签名')}")
    if not nodes:
        return [transfer_finding("EEP_SIGNATURE_INVALID", which="电子签名", reason="absent")]
    out = _check(fp, nodes[0], scan.signed_object, "电子签名", trust)
    lock = root.find(q("锁定签名"))
    if lock is None:
        return [*out, transfer_finding("EEP_SIGNATURE_INVALID", which="锁定签名", reason="absent")]
    name = (lock.findtext(q("被锁定签名标识符")) or "").strip()
    ids = [(n.findtext(q("签名标识符")) or "").strip() for n in nodes]
    if name not in ids or len(scan.signatures) != len(nodes):
        reason = f"被锁定签名标识符 {name!r} names no 电子签名"
        return [*out, transfer_finding("EEP_SIGNATURE_INVALID", which="锁定签名", reason=reason)]
    return out + _check(fp, lock, scan.signatures[ids.index(name)], "锁定签名", trust)

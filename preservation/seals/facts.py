"""What each signature of an OFD document says — rule, time, signer, value, certificate and
algorithm — read without judging it (``ofd_verify`` judges): the DA/T 46 M57 group the archival
metadata records for every signature or seal found in a file.

Reads the OFD's bytes; writes nothing. Never raises for a malformed document: what cannot be read
is left out (the 四性 checks report it).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from package.certificates import holder_name, load_certificate
from package.errors import CertificateError
from package.metadata import SignatureFacts

from .cms import read_signed_data
from .errors import SealError
from .ofd_package import OfdPackage, SignatureXml, read_signature_xml, signature_entries
from .sealdata import read_signature
from .signed_value import CMS, RAW, SEAL, classify
from .times import parse_time_text

__all__ = ["ofd_signature_facts"]


def _issuer_serial(der: bytes) -> str:
    """The 证书引证 of a certificate: its issuer and serial number ("" when unreadable)."""
    try:
        cert = load_certificate(der)
    except CertificateError:
        return ""
    return f"{cert.issuer}; serial {cert.serial}"


def _time(text: str) -> datetime | None:
    try:
        return parse_time_text(text).when if text else None
    except SealError:
        return None


def _facts(pkg: OfdPackage, sig: SignatureXml) -> SignatureFacts | None:
    value = classify(pkg.read(sig.signed_value_part))
    if value.kind == SEAL:
        view = read_signature(value.der)
        rule = f"GB/T 38540 电子签章（印章：{view.seal.name or '未命名'}），签名值 {sig.part}"
        return SignatureFacts(
            rule,
            view.signing_time,
            holder_name(view.signer_cert),
            view.signature,
            view.signer_cert,
            _issuer_serial(view.signer_cert),
            view.algorithm,
        )
    if value.kind == CMS:
        data = read_signed_data(value.der)
        signer = data.signers[0] if data.signers else None
        cert = data.certificates[0] if data.certificates else b""
        return SignatureFacts(
            f"GB/T 35275 SM2 密码算法加密签名消息语法，签名值 {sig.part}",
            signer.signing_time if signer else None,
            holder_name(cert) if cert else "",
            signer.signature if signer else b"",
            cert,
            _issuer_serial(cert) if cert else "",
            signer.signature_algorithm if signer else sig.method,
        )
    if value.kind == RAW:
        return SignatureFacts(
            f"OFD 数字签名（SM2 签名值，无证书），{sig.part}",
            _time(sig.date_time),
            "",
            value.der,
            b"",
            "",
            sig.method,
        )
    return None


def ofd_signature_facts(source: Path | bytes) -> tuple[SignatureFacts, ...]:
    """One ``SignatureFacts`` per readable signature of the OFD at ``source``, in order."""
    try:
        pkg = OfdPackage.open(source) if isinstance(source, Path) else OfdPackage.from_bytes(source)
        entries = signature_entries(pkg)
    except (SealError, OSError, ValueError):
        return ()
    found = []
    for entry in entries:
        if entry.problem:
            continue
        try:
            facts = _facts(pkg, read_signature_xml(pkg, entry.part))
        except (SealError, ValueError, KeyError, IndexError):
            continue
        if facts is not None:
            found.append(facts)
    return tuple(found)

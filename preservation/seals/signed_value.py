"""What a ``SignedValue.dat`` holds, told by its structure, not by the ``Type`` attribute.

An electronic seal signature (GB/T 38540 / GM/T 0031 ``SES_Signature``), a GB/T 35275 / PKCS#7
SignedData, or a bare SM2 signature value (DER ``{r, s}`` or a lax form ``sm2_value`` reads).
Producers also write the DER as Base64 text; it is decoded and noted.
``package_certificates`` gathers every certificate a package carries (certificate parts, seal
and SignedData certificates), the only way to verify a bare SM2 value.
Reads/writes nothing; raises nothing.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass

from . import ses, tlv
from .cms import is_signed_data, read_signed_data
from .errors import SealError
from .ofd_package import OfdPackage, SignatureEntry, read_signature_xml
from .sealdata import read_signature
from .sm2_value import read_value

__all__ = ["CMS", "RAW", "SEAL", "UNKNOWN", "SignedValue", "classify", "package_certificates"]

SEAL, CMS, RAW, UNKNOWN = "seal", "cms", "raw", "unknown"
_CERT_SUFFIXES = (".cer", ".crt", ".der", ".pem", ".cert")
_BASE64 = re.compile(rb"[A-Za-z0-9+/=\s]+")


@dataclass(frozen=True)
class SignedValue:
    """The kind of a signature value, its DER bytes, and how it deviated (or why unknown)."""

    kind: str
    der: bytes
    note: str = ""


def _kind(data: bytes) -> tuple[str, str]:
    try:
        top = tlv.read(data, trailing=True)
        if is_signed_data(top):
            return CMS, ""
        ses.signature_shape(top)
        return SEAL, ""
    except SealError as exc:
        why = str(exc)
    try:
        read_value(data)
    except SealError:
        return UNKNOWN, why
    return RAW, ""


def classify(data: bytes) -> SignedValue:
    """The kind of ``data``: ``SEAL``, ``CMS``, ``RAW`` or ``UNKNOWN`` (note says why)."""
    kind, why = _kind(data)
    if kind != UNKNOWN or not _BASE64.fullmatch(data[:65536] or b"-"):
        return SignedValue(kind, data, why)
    try:
        decoded = base64.b64decode(b"".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        return SignedValue(kind, data, why)
    inner, _ = _kind(decoded)
    if inner == UNKNOWN:
        return SignedValue(kind, data, why)
    return SignedValue(inner, decoded, "signature value stored as Base64 text instead of DER")


def _certs_of(data: bytes) -> list[bytes]:
    value = classify(data)
    if value.kind == SEAL:
        view = read_signature(value.der)
        return [view.signer_cert, view.seal.maker_cert]
    if value.kind == CMS:
        return list(read_signed_data(value.der).certificates)
    return []


def package_certificates(
    pkg: OfdPackage, entries: tuple[SignatureEntry, ...]
) -> list[tuple[str, bytes]]:
    """(where found, certificate bytes) for every certificate the package carries."""
    found = [
        (name, data) for name, data in pkg.parts.items() if name.lower().endswith(_CERT_SUFFIXES)
    ]
    for entry in entries:
        try:
            sig = read_signature_xml(pkg, entry.part)
            certs = _certs_of(pkg.read(sig.signed_value_part))
        except SealError:
            continue
        found.extend((sig.signed_value_part, der) for der in certs)
    return found

"""Sealing an OFD package (GB/T 33190 §18 signatures with a GB/T 38540 or GM/T 0031 seal).

Adds ``Doc_0/Signs/Signatures.xml`` and ``Doc_0/Signs/Sign_0/{Signature.xml, SignedValue.dat,
Seal.esl}`` to the parts of an unsigned document. ``Signature.xml`` lists every other part with
its SM3 check value (Base64); the seal signature's ``dataHash`` is SM3(``Signature.xml``).
Pure: bytes in, bytes out. Raises ``SealError`` for an unreadable seal.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from preservation.seals import ses

from .ofd import PAGE_ID, SIGNATURES_PART, element, sub_element, xml_bytes
from .ses_maker import sign_with_seal
from .sm2_authority import Sm2Identity

__all__ = ["SIGN_DIR", "StampBox", "seal_parts"]

SIGN_DIR = "Doc_0/Signs/Sign_0"
PROVIDER = ("earchive samples", "1.0", "earchive")


@dataclass(frozen=True)
class StampBox:
    """Where the seal picture shows: x, y, width, height in mm on the page."""

    x: float
    y: float
    width: float
    height: float

    def boundary(self) -> str:
        return " ".join(f"{v:.2f}".rstrip("0").rstrip(".") for v in self.astuple())

    def astuple(self) -> tuple[float, float, float, float]:
        return (self.x, self.y, self.width, self.height)


def _signatures_xml() -> bytes:
    root = element("Signatures")
    sub_element(root, "MaxSignId", "1")
    sub_element(root, "Signature", ID="1", Type="Seal", BaseLoc=f"/{SIGN_DIR}/Signature.xml")
    return xml_bytes(root)


def _signature_xml(parts: Mapping[str, bytes], when: datetime, stamp: StampBox) -> bytes:
    root = element("Signature")
    info = sub_element(root, "SignedInfo")
    sub_element(
        info, "Provider", ProviderName=PROVIDER[0], Version=PROVIDER[1], Company=PROVIDER[2]
    )
    sub_element(info, "SignatureMethod", ses.OID_SM2_WITH_SM3)
    sub_element(info, "SignatureDateTime", when.astimezone(UTC).strftime("%Y%m%d%H%M%SZ"))
    refs = sub_element(info, "References", CheckMethod=ses.OID_SM3)
    for name in sorted(parts):
        ref = sub_element(refs, "Reference", FileRef=f"/{name}")
        digest = hashlib.new("sm3", parts[name]).digest()
        sub_element(ref, "CheckValue", base64.b64encode(digest).decode("ascii"))
    sub_element(info, "StampAnnot", ID="1", PageRef=str(PAGE_ID), Boundary=stamp.boundary())
    seal = sub_element(info, "Seal")
    sub_element(seal, "BaseLoc", f"/{SIGN_DIR}/Seal.esl")
    sub_element(root, "SignedValue", f"/{SIGN_DIR}/SignedValue.dat")
    return xml_bytes(root)


def seal_parts(
    parts: Mapping[str, bytes],
    seal_der: bytes,
    signer: Sm2Identity,
    when: datetime,
    stamp: StampBox,
) -> dict[str, bytes]:
    """``parts`` plus the signature parts: ``signer`` seals every part with ``seal_der``."""
    if SIGNATURES_PART in parts or any(name.startswith("Doc_0/Signs/") for name in parts):
        raise ValueError("the document is already signed")
    signature_xml = _signature_xml(parts, when, stamp)
    data_hash = hashlib.new("sm3", signature_xml).digest()
    signed_value = sign_with_seal(
        seal_der, signer, data_hash, when, property_info=f"/{SIGN_DIR}/Signature.xml"
    )
    return {
        **parts,
        SIGNATURES_PART: _signatures_xml(),
        f"{SIGN_DIR}/Signature.xml": signature_xml,
        f"{SIGN_DIR}/SignedValue.dat": signed_value,
        f"{SIGN_DIR}/Seal.esl": seal_der,
    }

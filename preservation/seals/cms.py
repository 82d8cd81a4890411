"""GB/T 35275 (SM2 PKCS#7 / CMS) SignedData, as OFD ``Type="Sign"`` signatures carry it.

``ContentInfo{1.2.156.10197.6.1.4.2.2 or 1.2.840.113549.1.7.2, [0] SignedData}`` (a bare
SignedData is read too, and noted), usually detached. Each SignerInfo is read with the exact
bytes its signature covers: the signed attributes re-tagged as ``SET OF`` (also as sorted DER
for producers that signed that), or the content when there are none. Reads/writes nothing.
Raises ``SealError`` from ``read_signed_data``; ``is_signed_data`` never raises.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import tlv
from .errors import SealError
from .times import read_time

__all__ = ["SignedDataView", "SignerView", "is_signed_data", "read_signed_data"]

OID_SIGNED_DATA = ("1.2.156.10197.6.1.4.2.2", "1.2.840.113549.1.7.2")
_MESSAGE_DIGEST = "1.2.840.113549.1.9.4"
_SIGNING_TIME = "1.2.840.113549.1.9.5"


@dataclass(frozen=True)
class SignerView:
    """One SignerInfo: who (issuer and serial, or key identifier), how, and over what."""

    issuer_der: bytes
    serial: int | None
    key_identifier: bytes
    digest_algorithm: str
    signed_attrs: bytes  # as signed (SET OF tag), empty when there are none
    signed_attrs_der: bytes  # sorted canonical DER of the same set
    message_digest: bytes | None
    signing_time: datetime | None
    signature_algorithm: str
    signature: bytes


@dataclass(frozen=True)
class SignedDataView:
    """A SignedData: its content (None when detached), certificates and signers."""

    content_type: str
    content: bytes | None
    certificates: tuple[bytes, ...]
    signers: tuple[SignerView, ...]
    notes: tuple[str, ...] = ()
    time_notes: tuple[str, ...] = ()


def _signed_data(top: tlv.Element, notes: list[str]) -> tlv.Element:
    items = top.children() if top.is_(tlv.SEQUENCE) else ()
    if len(items) >= 2 and items[0].is_(tlv.OID):
        oid = items[0].oid()
        if oid not in OID_SIGNED_DATA:
            raise SealError(f"ContentInfo of type {oid}, not SignedData")
        wrapper = items[1]
        if not (wrapper.cls == tlv.CONTEXT and wrapper.tag == 0 and wrapper.constructed):
            raise SealError("ContentInfo content is not [0] EXPLICIT")
        return wrapper.child(0)
    if len(items) >= 4 and items[0].is_(tlv.INTEGER) and items[1].is_(tlv.SET):
        notes.append("SignedData without its ContentInfo wrapper")
        return top
    raise SealError("not a PKCS#7 / GB/T 35275 SignedData")


def is_signed_data(top: tlv.Element) -> bool:
    try:
        _signed_data(top, [])
    except SealError:
        return False
    return True


def _algorithm(element: tlv.Element) -> str:
    return element.child(0).oid() if element.is_(tlv.SEQUENCE) else element.oid()


def _attributes(
    element: tlv.Element, time_notes: list[str]
) -> tuple[bytes | None, datetime | None]:
    digest: bytes | None = None
    when: datetime | None = None
    for attribute in element.children():
        pair = attribute.children()
        if len(pair) < 2 or not pair[1].constructed or not pair[1].children():
            continue
        kind, value = pair[0].oid(), pair[1].child(0)
        if kind == _MESSAGE_DIGEST:
            digest = value.octets()
        elif kind == _SIGNING_TIME:
            form = "UTCTime" if value.is_(tlv.UTC_TIME) else "GeneralizedTime"
            try:
                parsed = read_time(value, form)
            except SealError as exc:
                time_notes.append(f"signingTime unreadable: {exc}")
                continue
            when = parsed.when
            if parsed.note:
                time_notes.append(f"signingTime: {parsed.note}")
    return digest, when


def _signer(element: tlv.Element, time_notes: list[str]) -> SignerView:
    items = element.children()
    if len(items) < 5:
        raise SealError(f"SignerInfo has {len(items)} fields, expected at least 5")
    sid = items[1]
    issuer, serial, key_id = b"", None, b""
    if sid.is_(tlv.SEQUENCE) and len(sid.children()) >= 2:
        issuer, serial = sid.child(0).raw, sid.child(1).integer()
    elif sid.cls == tlv.CONTEXT and sid.tag == 0:
        key_id = sid.contents
    attrs = items[3] if items[3].cls == tlv.CONTEXT and items[3].tag == 0 else None
    rest = items[4:] if attrs is not None else items[3:]
    if len(rest) < 2:
        raise SealError("SignerInfo lacks its signature algorithm or value")
    signed, canonical, digest, when = b"", b"", None, None
    if attrs is not None:
        signed = b"\x31" + attrs.raw[1:]  # [0] IMPLICIT re-tagged as the SET OF it stands for
        ordered = sorted(child.der() for child in attrs.children())
        canonical = tlv.encode(0, True, tlv.SET, b"".join(ordered))
        digest, when = _attributes(attrs, time_notes)
    return SignerView(
        issuer_der=issuer,
        serial=serial,
        key_identifier=key_id,
        digest_algorithm=_algorithm(items[2]),
        signed_attrs=signed,
        signed_attrs_der=canonical,
        message_digest=digest,
        signing_time=when,
        signature_algorithm=_algorithm(rest[0]),
        signature=rest[1].octets(),
    )


def read_signed_data(der: bytes) -> SignedDataView:
    """Parse a GB/T 35275 / PKCS#7 SignedData; raises ``SealError`` when it is not one."""
    notes: list[str] = []
    time_notes: list[str] = []
    top = tlv.read(der, trailing=True)
    if len(top.raw) != len(der):
        notes.append(f"{len(der) - len(top.raw)} bytes after the SignedData")
    body = _signed_data(top, notes)
    items = body.children()
    if len(items) < 4:
        raise SealError(f"SignedData has {len(items)} fields, expected at least 4")
    encap = items[2].children()
    content_type = encap[0].oid() if encap else ""
    content = None
    if len(encap) > 1:
        inner = encap[1]
        if inner.cls == tlv.CONTEXT and inner.constructed:
            inner = inner.child(0)
        else:
            notes.append(f"encapsulated content is {inner.name} without its [0] EXPLICIT tag")
        is_string = inner.cls == tlv.UNIVERSAL and inner.tag in (tlv.OCTET_STRING, 3)
        content = inner.octets() if is_string else inner.raw
    certificates: list[bytes] = []
    signer_set = items[-1]
    for extra in items[3:-1]:
        if extra.cls == tlv.CONTEXT and extra.tag == 0:
            certificates.extend(ch.raw for ch in extra.children() if ch.is_(tlv.SEQUENCE))
    if not signer_set.is_(tlv.SET):
        raise SealError(f"SignedData ends with {signer_set.name}, not the SignerInfos SET")
    signers = tuple(_signer(item, time_notes) for item in signer_set.children())
    if not signers:
        raise SealError("SignedData has no SignerInfo")
    return SignedDataView(
        content_type=content_type,
        content=content,
        certificates=tuple(certificates),
        signers=signers,
        notes=tuple(notes),
        time_notes=tuple(time_notes),
    )

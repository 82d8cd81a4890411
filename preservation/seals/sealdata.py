"""One view of a seal signature, whatever its generation (GB/T 38540 v4 or GM/T 0031 v1).

``read_signature`` parses ``SignedValue.dat`` by structure (``ses.signature_shape``,
``ses.seal_shape``) and returns what the checks need, including the exact bytes each signature
covers: DER(``TBS_Sign``) for the signer; DER(``SES_SealInfo``) (v4) or
DER(``SEQUENCE{esealInfo, cert, signatureAlgorithm}``) (v1) for the seal maker — as written in
the file, and as canonical DER for producers that signed the re-encoding. Fields that deviate
from the standard but can still be read (time forms, string types, a header version that
contradicts the structure, an unknown certListType) are read and listed in ``notes`` and
``time_notes``; only a signature without its signed data, value or certificate is refused.
Reads/writes nothing. Raises ``SealError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from . import ses, tlv
from .errors import SealError
from .times import SealTime, read_time

__all__ = ["SealView", "SignatureView", "read_signature"]


@dataclass(frozen=True)
class SealView:
    """The seal (印章) inside a signature."""

    version: int  # ses.V4 or ses.V1, from the structure
    header_version: int
    vendor: str
    es_id: str
    name: str
    seal_type: int
    cert_list_type: int
    certs: tuple[bytes, ...]  # signer certificates listed (certListType 1, or v1)
    cert_digests: tuple[tuple[str, bytes], ...]  # (hash algorithm name, digest), certListType 2
    created: datetime | None
    valid_start: datetime | None
    valid_end: datetime | None
    picture_type: str
    picture_mm: tuple[int, int]
    maker_cert: bytes
    maker_algorithm: str
    maker_signature: bytes
    maker_signed_data: bytes
    der: bytes
    maker_signed_der: bytes = b""  # canonical DER of the maker's signed data
    cert_list_problem: str = ""  # why the signer listing cannot be checked, when it cannot
    picture: bytes = b""  # the seal's picture (picture_type: png, jpg, gif, ofd, …)


@dataclass(frozen=True)
class SignatureView:
    """The seal signature (签章): what was signed, by whom, when, with which seal."""

    version: int
    seal: SealView
    signing_time: datetime | None  # None when timeInfo cannot be read
    time_text: str
    data_hash: bytes
    property_info: str
    signer_cert: bytes
    algorithm: str
    signature: bytes
    signed_data: bytes
    has_timestamp: bool
    signed_der: bytes = b""  # canonical DER of TBS_Sign
    notes: tuple[str, ...] = ()  # structural deviations accepted while reading
    time_notes: tuple[str, ...] = ()  # times read with an assumption (no zone, odd form)


class _Reader:
    """Collects what deviated while the fields are read."""

    def __init__(self) -> None:
        self.notes: list[str] = []
        self.time_notes: list[str] = []

    def time(self, element: tlv.Element | None, expected: str, label: str) -> datetime | None:
        if element is None:
            self.notes.append(f"{label} missing")
            return None
        try:
            value: SealTime = read_time(element, expected)
        except SealError as exc:
            self.notes.append(f"{label} unreadable: {exc}")
            return None
        if value.note:
            self.time_notes.append(f"{label}: {value.note}")
        return value.when

    def text(self, element: tlv.Element | None, label: str) -> str:
        if element is None:
            return ""
        try:
            return element.text()
        except SealError as exc:
            self.notes.append(f"{label} unreadable: {exc}")
            return ""

    def integer(self, element: tlv.Element | None, label: str, default: int = 0) -> int:
        if element is None:
            return default
        try:
            return element.integer()
        except SealError:
            self.notes.append(f"{label} is {element.name}, not an INTEGER")
            return default


def _at(items: tuple[tlv.Element, ...], index: int) -> tlv.Element | None:
    return items[index] if index < len(items) else None


def _entries(element: tlv.Element | None, reader: _Reader) -> tuple[bytes, ...]:
    """certList entries (OCTET STRINGs by the standard; other string types read as bytes)."""
    if element is None or not element.constructed:
        raise SealError("seal certificate list is not a SEQUENCE")
    out = []
    for item in element.children():
        if item.cls == tlv.UNIVERSAL and item.tag in (tlv.OCTET_STRING, tlv.BIT_STRING):
            out.append(item.octets())
        else:
            reader.notes.append(f"certList entry is {item.name}, not OCTET STRING")
            out.append(item.raw if item.constructed else item.contents)
    return tuple(out)


def _cert_list(
    prop: tuple[tlv.Element, ...], v4_style: bool, reader: _Reader
) -> tuple[int, tuple[bytes, ...], tuple[tuple[str, bytes], ...], str]:
    """(certListType, certificates, digests, problem) of a property SEQUENCE."""
    if not v4_style:
        certs = _entries(_at(prop, 2), reader)
        kind = ses.CERT_LIST_CERTS
    else:
        kind = reader.integer(_at(prop, 2), "certListType", -1)
        if kind == ses.CERT_LIST_DIGESTS:
            digests = []
            listed = _at(prop, 3)
            for item in listed.children() if listed is not None else ():
                pair = item.children() if item.constructed else ()
                if len(pair) < 2:
                    return kind, (), (), "certList digest entry is not {type, value}"
                digests.append((pair[0].text().strip(), pair[1].octets()))
            return kind, (), tuple(digests), ""
        if kind != ses.CERT_LIST_CERTS:
            problem = (
                f"certListType {kind} is not defined by GB/T 38540 (1 certificates, 2 digests)"
            )
            return kind, (), (), problem
        certs = _entries(_at(prop, 3), reader)
    if certs and not any(c[:1] == b"\x30" for c in certs):
        return kind, certs, (), "certList holds no certificate (entries are not DER)"
    return kind, certs, (), ""


def _picture_data(element: tlv.Element | None) -> bytes:
    """The picture's bytes (an OCTET STRING), empty when absent or of another type."""
    if element is None:
        return b""
    try:
        return element.octets()
    except (SealError, ValueError):
        return b""


def read_seal(seal: tlv.Element, reader: _Reader) -> SealView:
    """The seal inside a signature, read by structure."""
    version = ses.seal_shape(seal)
    items = seal.children()
    info = items[0]
    fields = info.children()
    header = fields[0].children() if fields and fields[0].constructed else ()
    header_version = reader.integer(_at(header, 1), "header version")
    if reader.text(_at(header, 0), "header ID") != "ES":
        reader.notes.append("seal header ID is not 'ES'")
    if header_version >= ses.V4 and version == ses.V1:
        reader.notes.append(f"header version {header_version} on a GM/T 0031 (v1) structure")
    if 0 < header_version < ses.V4 and version == ses.V4:
        reader.notes.append(f"header version {header_version} on a GB/T 38540 (v4) structure")
    prop_el = _at(fields, 2)
    prop = prop_el.children() if prop_el is not None and prop_el.constructed else ()
    v4_style = _at(prop, 2) is not None and prop[2].is_(tlv.INTEGER)
    try:
        kind, certs, digests, problem = _cert_list(prop, v4_style, reader)
    except SealError as exc:
        kind = reader.integer(_at(prop, 2), "certListType") if v4_style else ses.CERT_LIST_CERTS
        certs, digests, problem = (), (), f"certList unreadable: {exc}"
    first_time = 4 if v4_style else 3
    expected = "GeneralizedTime" if v4_style else "UTCTime"
    picture_el = _at(fields, 3)
    picture = picture_el.children() if picture_el is not None and picture_el.constructed else ()
    if version == ses.V4:
        maker_cert, algorithm, value = items[1], items[2], items[3]
        signed = info.raw
        signed_der = info.der()
    else:
        sign_info = items[1].children()
        if len(sign_info) < 3:
            raise SealError("GM/T 0031 seal signInfo lacks cert, algorithm or signature")
        maker_cert, algorithm, value = sign_info[0], sign_info[1], sign_info[2]
        signed = tlv.encode(0, True, tlv.SEQUENCE, info.raw + maker_cert.raw + algorithm.raw)
        signed_der = tlv.encode(
            0, True, tlv.SEQUENCE, info.der() + maker_cert.der() + algorithm.der()
        )
    return SealView(
        version=version,
        header_version=header_version,
        vendor=reader.text(_at(header, 2), "vendor ID"),
        es_id=reader.text(_at(fields, 1), "esID"),
        name=reader.text(_at(prop, 1), "seal name"),
        seal_type=reader.integer(_at(prop, 0), "seal type"),
        cert_list_type=kind,
        certs=certs,
        cert_digests=digests,
        created=reader.time(_at(prop, first_time), expected, "createDate"),
        valid_start=reader.time(_at(prop, first_time + 1), expected, "validStart"),
        valid_end=reader.time(_at(prop, first_time + 2), expected, "validEnd"),
        picture_type=reader.text(_at(picture, 0), "picture type"),
        picture_mm=(
            reader.integer(_at(picture, 2), "picture width"),
            reader.integer(_at(picture, 3), "picture height"),
        ),
        maker_cert=maker_cert.octets(),
        maker_algorithm=algorithm.oid(),
        maker_signature=value.octets(),
        maker_signed_data=signed,
        der=seal.raw,
        maker_signed_der=signed_der,
        cert_list_problem=problem,
        picture=_picture_data(_at(picture, 1)),
    )


def read_signature(der: bytes) -> SignatureView:
    """Parse a DER SES_Signature of either generation; raises ``SealError``."""
    top = tlv.read(der, trailing=True)
    reader = _Reader()
    if len(top.raw) != len(der):
        reader.notes.append(f"{len(der) - len(top.raw)} bytes after the seal signature")
    version = ses.signature_shape(top)
    items = top.children()
    tbs = items[0]
    fields = tbs.children()
    if len(fields) < 5 or (version == ses.V1 and len(fields) < 7):
        raise SealError(f"TBS_Sign has {len(fields)} fields, too few for its structure")
    seal = read_seal(fields[1], reader)
    if version == ses.V4:
        cert, algorithm, value = items[1], items[2], items[3]
        expected = "GeneralizedTime"
    else:
        cert, algorithm, value = fields[5], fields[6], items[1]
        expected = "UTCTime"
    if seal.version != version:
        reader.notes.append(f"v{seal.version} seal inside a v{version} signature structure")
    when = reader.time(fields[2], expected, "timeInfo")
    time_text = fields[2].contents.decode("ascii", errors="replace").strip("\x00 ")
    return SignatureView(
        version=version,
        seal=seal,
        signing_time=when,
        time_text=time_text,
        data_hash=fields[3].octets(),
        property_info=reader.text(fields[4], "propertyInfo"),
        signer_cert=cert.octets(),
        algorithm=algorithm.oid(),
        signature=value.octets(),
        signed_data=tbs.raw,
        has_timestamp=version == ses.V4 and len(items) > 4,
        signed_der=tbs.der(),
        notes=tuple(dict.fromkeys(reader.notes)),
        time_notes=tuple(dict.fromkeys(reader.time_notes)),
    )

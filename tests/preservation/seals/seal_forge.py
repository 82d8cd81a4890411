"""Seals, seal signatures and certificates with the deviations real producers make.

Built as raw DER (a tiny encoder of its own, independent of the verifier's reader), signed with
gmssl-pyx keys from ``samples.sm2_authority``, so every fixture is a real signature
over real bytes: times in any ASN.1 form, GM/T 0031 structures under a v4 header, unknown
certListTypes, SM2 values as raw r‖s or negative INTEGERs, certificates with UTF-8 where
IA5String belongs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from asn1crypto import core, parser, x509

from samples.sm2_authority import Sm2Identity, Sm2Key, issue_certificate

__all__ = [
    "SM2_WITH_SM3",
    "Transform",
    "bare_integers",
    "bits",
    "der",
    "forge_seal",
    "forge_signature",
    "gtime",
    "ia5",
    "integer",
    "negative_integers",
    "octets",
    "oid",
    "padded_integers",
    "raw_rs",
    "reissue",
    "seq",
    "utc",
    "utf8",
]

SM2_WITH_SM3 = "1.2.156.10197.1.501"
Transform = Callable[[bytes], bytes]


def der(tag: int, contents: bytes) -> bytes:
    """One DER element with the identifier octet ``tag`` (single-byte tags only)."""
    n = len(contents)
    if n < 0x80:
        length = bytes([n])
    else:
        body = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(body)]) + body
    return bytes([tag]) + length + contents


def seq(*items: bytes) -> bytes:
    return der(0x30, b"".join(items))


def integer(value: int) -> bytes:
    return der(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def oid(dotted: str) -> bytes:
    return bytes(core.ObjectIdentifier(dotted).dump())


def octets(data: bytes) -> bytes:
    return der(0x04, data)


def bits(data: bytes) -> bytes:
    return der(0x03, b"\x00" + data)


def ia5(text: str) -> bytes:
    return der(0x16, text.encode("ascii"))


def utf8(text: str) -> bytes:
    return der(0x0C, text.encode("utf-8"))


def gtime(text: str) -> bytes:
    """A GeneralizedTime with exactly ``text`` inside (any form, conformant or not)."""
    return der(0x18, text.encode("ascii"))


def utc(text: str) -> bytes:
    return der(0x17, text.encode("ascii"))


def _rs(value: bytes) -> tuple[bytes, bytes]:
    body = value[2:]
    r_len = body[1]
    r = body[2 : 2 + r_len]
    s = body[2 + r_len + 2 :]
    return r, s


def raw_rs(value: bytes) -> bytes:
    """A DER SM2 signature as 64 bytes r ‖ s."""
    r, s = _rs(value)
    return r.lstrip(b"\x00").rjust(32, b"\x00") + s.lstrip(b"\x00").rjust(32, b"\x00")


def negative_integers(value: bytes) -> bytes:
    """r and s without the leading zero DER needs: read as signed, they are negative.
    (``Sm2Key.sign`` gives 33-byte halves, so both have the high bit set.)"""
    r, s = _rs(value)
    assert r[0] == 0 and s[0] == 0, "needs a signature whose r and s have the high bit set"
    return der(0x30, der(0x02, r[1:]) + der(0x02, s[1:]))


def bare_integers(value: bytes) -> bytes:
    """r and s as two DER INTEGERs without the SEQUENCE around them."""
    return value[2:]


def padded_integers(value: bytes) -> bytes:
    """r and s with superfluous leading zero bytes (non-minimal DER INTEGERs)."""
    r, s = _rs(value)
    return der(0x30, der(0x02, b"\x00\x00" + r.lstrip(b"\x00")) + der(0x02, b"\x00" + s))


def forge_seal(
    maker: Sm2Identity,
    signer_certs: Sequence[bytes],
    picture: bytes,
    *,
    shape: str = "v4",
    header_version: int | None = None,
    cert_list_type: int = 1,
    cert_list: bytes | None = None,
    times: tuple[bytes, bytes, bytes] | None = None,
    name: str = "测试电子印章",
    value: Transform = bytes,
) -> bytes:
    """A DER SESeal of ``shape`` (``v4`` GB/T 38540, ``v1`` GM/T 0031) signed by ``maker``;
    every field can be given as it appears in the wild."""
    version = header_version if header_version is not None else (4 if shape == "v4" else 1)
    header = seq(ia5("ES"), integer(version), ia5("forge"))
    listed = cert_list if cert_list is not None else seq(*(octets(c) for c in signer_certs))
    if times is None:
        maker_time = gtime if shape == "v4" else utc
        start, end = (
            ("20200101000000Z", "20301231000000Z")
            if shape == "v4"
            else (
                "200101000000Z",
                "301231000000Z",
            )
        )
        times = (maker_time(start), maker_time(start), maker_time(end))
    kind = integer(cert_list_type) if shape == "v4" else b""
    prop = seq(integer(1), utf8(name), kind, listed, *times)
    pic = seq(ia5("png"), octets(picture), integer(40), integer(40))
    info = seq(header, ia5("3101150000000009"), prop, pic)
    algorithm = oid(SM2_WITH_SM3)
    if shape == "v4":
        signed = maker.key.sign(info)
        return seq(info, octets(maker.cert_der), algorithm, bits(value(signed)))
    signed_range = seq(info, octets(maker.cert_der), algorithm)
    sign_info = seq(octets(maker.cert_der), algorithm, bits(value(maker.key.sign(signed_range))))
    return seq(info, sign_info)


def forge_signature(
    signer: Sm2Identity,
    seal: bytes,
    data_hash: bytes,
    *,
    shape: str = "v4",
    time: bytes | None = None,
    value: Transform = bytes,
    algorithm: str = SM2_WITH_SM3,
    property_info: str = "/Doc_0/Signs/Sign_0/Signature.xml",
) -> bytes:
    """A DER SES_Signature of ``shape`` over ``data_hash`` with ``seal``; ``time`` is the
    timeInfo element as written (default a conformant time of the shape)."""
    if shape == "v4":
        when = time if time is not None else gtime("20240305093000Z")
        tbs = seq(integer(4), seal, when, bits(data_hash), ia5(property_info))
        signature = value(signer.key.sign(tbs))
        return seq(tbs, octets(signer.cert_der), oid(algorithm), bits(signature))
    when = time if time is not None else bits(b"240305093000Z")
    tbs = seq(
        integer(1),
        seal,
        when,
        bits(data_hash),
        ia5(property_info),
        octets(signer.cert_der),
        oid(algorithm),
    )
    return seq(tbs, bits(value(signer.key.sign(tbs))))


def _elements(contents: bytes) -> list[bytes]:
    """The DER elements one after the other in ``contents``."""
    out, offset = [], 0
    while offset < len(contents):
        length = parser.peek(contents[offset:])
        out.append(contents[offset : offset + length])
        offset += length
    return out


def reissue(
    issuer: tuple[bytes, Sm2Key],
    subject_key: Sm2Key,
    *,
    subject_der: bytes | None = None,
    validity: bytes | None = None,
    spki: bytes | None = None,
    not_before: datetime,
    not_after: datetime,
) -> bytes:
    """A certificate for ``subject_key`` signed by ``issuer`` (root DER, key) with the subject
    Name, the Validity or the SubjectPublicKeyInfo given as raw DER (a UTF-8 emailAddress, a
    time without ``Z``, an SM2 key under the SM2 algorithm OID)."""
    root_der, root_key = issuer
    root = x509.Certificate.load(root_der)
    names = (
        str(root.subject.native["common_name"]),
        str(root.subject.native["organization_name"]),
    )
    base = x509.Certificate.load(
        issue_certificate(
            subject=("forge signer", "forge"),
            subject_spki=subject_key.spki_der,
            issuer=names,
            issuer_spki=root_key.spki_der,
            issuer_sign=root_key.sign,
            not_before=not_before,
            not_after=not_after,
            ca=False,
        )
    )
    parts = _elements(bytes(base["tbs_certificate"].contents))
    if subject_der is not None:
        parts[5] = subject_der
    if validity is not None:
        parts[4] = validity
    if spki is not None:
        parts[6] = spki
    tbs = seq(*parts)
    return seq(tbs, bytes(base["signature_algorithm"].dump()), bits(root_key.sign(tbs)))

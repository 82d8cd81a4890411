"""SM2 signature values as producers encode them, and their verification.

GM/T 0009 encodes an SM2 signature as DER ``SEQUENCE {r INTEGER, s INTEGER}``. In the wild there
are also 64-byte raw ``r ‖ s`` values, the two INTEGERs without their SEQUENCE, and DER whose
INTEGERs are written as negative numbers (high bit set, no leading zero) or with superfluous
leading zeros. OpenSSL and other verifiers
read those as unsigned and accept them; so do we, and ``deviation`` names what was not
conformant so the verifier can say so (WARN), never silently. Some signers also hash the message
without the Z value (the SM2 signer ID prefix): accepted the same way, named the same way.

Reads/writes nothing. ``read_value`` raises ``SealError``; ``verify_value`` never raises.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import gmssl_pyx
from asn1crypto import pem

from package.certificates import sm2_verify

from . import tlv
from .errors import SealError

__all__ = ["Sm2Check", "Sm2Value", "read_value", "verify_value"]

_RAW_BYTES = 64
_ORDER_BYTES = 32


@dataclass(frozen=True)
class Sm2Value:
    """The canonical DER form of a signature value, its (r, s), and how the input deviated."""

    der: bytes
    r: int
    s: int
    deviation: str = ""


@dataclass(frozen=True)
class Sm2Check:
    """Whether a value verifies, and the non-conformances accepted on the way."""

    ok: bool
    deviation: str = ""
    reason: str = ""


def _der_integer(value: int) -> bytes:
    body = value.to_bytes(value.bit_length() // 8 + 1, "big")  # leading zero keeps it positive
    return tlv.encode(tlv.UNIVERSAL, False, tlv.INTEGER, body)


def _canonical(r: int, s: int) -> bytes:
    return tlv.encode(tlv.UNIVERSAL, True, tlv.SEQUENCE, _der_integer(r) + _der_integer(s))


def _integer_notes(name: str, contents: bytes) -> list[str]:
    if contents[0] & 0x80:
        return [f"INTEGER {name} encoded as a negative number (read as unsigned)"]
    if len(contents) > 1 and contents[0] == 0 and not contents[1] & 0x80:
        return [f"INTEGER {name} with superfluous leading zero bytes"]
    return []


def _from_der(value: bytes) -> Sm2Value:
    seq = tlv.read(value)
    items = seq.children() if seq.is_(tlv.SEQUENCE) else ()
    if len(items) != 2 or not all(i.is_(tlv.INTEGER) and i.contents for i in items):
        raise SealError("not an SM2 signature value SEQUENCE {r, s}")
    r, s = (int.from_bytes(i.contents, "big") for i in items)
    notes = _integer_notes("r", items[0].contents) + _integer_notes("s", items[1].contents)
    der = _canonical(r, s)
    if not notes and der != value:
        notes.append("non-canonical DER lengths")
    return Sm2Value(der, r, s, "; ".join(notes))


def _bare_integers(value: bytes) -> Sm2Value:
    """``INTEGER r, INTEGER s`` written one after the other, without their SEQUENCE."""
    first = tlv.read(value, trailing=True)
    wrapped = tlv.encode(tlv.UNIVERSAL, True, tlv.SEQUENCE, value)
    if not first.is_(tlv.INTEGER) or len(first.raw) >= len(value):
        raise SealError("not two INTEGERs")
    parsed = _from_der(wrapped)
    note = "INTEGERs r and s without their SEQUENCE"
    return Sm2Value(
        parsed.der, parsed.r, parsed.s, "; ".join(n for n in (note, parsed.deviation) if n)
    )


def read_value(value: bytes) -> Sm2Value:
    """The signature value ``value`` (DER, lax DER, bare INTEGERs or raw ``r ‖ s``) in
    canonical DER."""
    value = bytes(value)
    if value[:1] in (b"\x30", b"\x02"):
        try:
            return _from_der(value) if value[:1] == b"\x30" else _bare_integers(value)
        except SealError:
            if len(value) != _RAW_BYTES:
                raise
    if len(value) == _RAW_BYTES:
        r = int.from_bytes(value[:_ORDER_BYTES], "big")
        s = int.from_bytes(value[_ORDER_BYTES:], "big")
        return Sm2Value(_canonical(r, s), r, s, "64-byte raw r‖s instead of DER SEQUENCE {r, s}")
    raise SealError(f"not an SM2 signature value ({len(value)} bytes)")


def _point(public_key_pem: str) -> bytes | None:
    """The 64-byte X ‖ Y of a PEM SM2 public key (None when it is not one)."""
    try:
        _kind, _headers, der = pem.unarmor(public_key_pem.encode("ascii"))
        bits = tlv.read(bytes(der)).child(1).octets()
        return bytes(gmssl_pyx.normalize_sm2_public_key(bits))
    except (SealError, ValueError, gmssl_pyx.InvalidValueError):
        return None


def _without_z(public_key_pem: str, data: bytes, der: bytes) -> bool:
    point = _point(public_key_pem)
    if point is None:
        return False
    try:
        digest = hashlib.new("sm3", data).digest()
        return bool(gmssl_pyx.sm2_verify_sm3_digest(point, digest, der))
    except (gmssl_pyx.GmsslInnerError, ValueError, TypeError):
        return False


def verify_value(public_key_pem: str, data: bytes, value: bytes) -> Sm2Check:
    """SM2-with-SM3 verification of ``value`` over ``data`` (default signer ID); a conformant
    signature first, then the tolerated encodings and the hash without Z."""
    try:
        parsed = read_value(value)
    except SealError as exc:
        return Sm2Check(False, reason=str(exc))
    if sm2_verify(public_key_pem, data, parsed.der):
        return Sm2Check(True, parsed.deviation)
    if _without_z(public_key_pem, data, parsed.der):
        note = "message hashed without the SM2 Z value (signer ID)"
        return Sm2Check(True, "; ".join(n for n in (parsed.deviation, note) if n))
    return Sm2Check(False, parsed.deviation, "SM2 verification failed")

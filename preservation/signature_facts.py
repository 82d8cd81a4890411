"""The signatures and seals found in a file — PDF signatures (each signature dictionary's CMS,
located by its /ByteRange) and OFD seals and signatures (``seals.facts``) — as the DA/T 46
电子签名 groups the archival metadata records.

Read, not judged: validity, trust and coverage are the 四性 checks' business. Reads the file;
writes nothing; never raises (an unreadable signature is left out and the checks report it).
"""

from __future__ import annotations

import binascii
import re
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from asn1crypto import cms, x509

from package.certificates import holder_name
from package.metadata import SignatureFacts

from .seals.facts import ofd_signature_facts

__all__ = ["signature_facts"]

_PDF_ERRORS = (ValueError, KeyError, IndexError, TypeError, OSError, EOFError)
#: a signature dictionary's byte range: the signed bytes are [a, a+b) and [c, c+d); the gap
#: between them is exactly the /Contents hex string (it cannot sit in an object stream)
_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)(?:\s+(\d+)\s+(\d+))?\s*\]")
_SUB_FILTER = re.compile(rb"/SubFilter\s*/([A-Za-z0-9.#_-]+)")
_CONTENTS = re.compile(rb"/Contents\s*<")
_NEAR = 4096  # bytes around /ByteRange searched for the same dictionary's /SubFilter
_FAR = 1 << 20  # bytes before /ByteRange searched for its dictionary's /Contents
_M = re.compile(rb"/M\s*\(((?:[^()\\]|\\.){1,80})\)")
_OCTAL = re.compile(rb"\\([0-7]{1,3})")
_PDF_DATE = re.compile(
    r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([+\-Z])(\d{2})?'?(\d{2})?'?)?"
)


def _pdf_date(literal: bytes) -> datetime | None:
    """A PDF date string (``D:YYYYMMDDHHmmSS+HH'mm'``, octal escapes allowed) as a datetime;
    without a zone it is read as UTC."""
    text = _OCTAL.sub(lambda m: bytes([int(m.group(1), 8) & 0xFF]), literal)
    found = _PDF_DATE.match(text.decode("latin-1").replace("\\", ""))
    if found is None:
        return None
    y, mo, d, h, mi, sec, sign, zh, zm = found.groups()
    zone = UTC
    if sign in ("+", "-"):
        offset = timedelta(hours=int(zh or 0), minutes=int(zm or 0))
        zone = timezone(offset if sign == "+" else -offset)
    try:
        return datetime(
            int(y), int(mo or 1), int(d or 1), int(h or 0), int(mi or 0), int(sec or 0),
            tzinfo=zone,
        )  # fmt: skip
    except ValueError:
        return None


def _signer_cert(signed: cms.SignedData, info: cms.SignerInfo) -> x509.Certificate | None:
    sid = info["sid"]
    for choice in signed["certificates"] or ():
        cert = choice.chosen
        if not isinstance(cert, x509.Certificate):
            continue
        if sid.name == "issuer_and_serial_number":
            wanted = sid.chosen
            if cert.serial_number == wanted["serial_number"].native and (
                cert.issuer.dump() == wanted["issuer"].dump()  # the usual case, and cheap
                or cert.issuer == wanted["issuer"]  # RFC 5280 name matching: slow
            ):
                return cert
        elif cert.key_identifier == sid.chosen.native:
            return cert
    return None


def _signing_time(info: cms.SignerInfo) -> datetime | None:
    for attr in info["signed_attrs"] or ():
        if attr["type"].native == "signing_time":
            value = attr["values"][0].native
            return value if isinstance(value, datetime) else None
    return None


def _hex_from(data: bytes, start: int) -> bytes | None:
    """The hex string opening at ``data[start]`` (``<``), up to its ``>``."""
    end = data.find(b">", start)
    return data[start + 1 : end] if data[start : start + 1] == b"<" and end > start else None


def _contents(data: bytes, match: re.Match[bytes]) -> bytes | None:
    """The hex of the signature's /Contents: where the byte range's gap opens, or — when the
    range does not frame it (a coverage anomaly the checks report) — the nearest /Contents of
    the dictionary, before /ByteRange (it may be far: the hex is long) or just after it."""
    a, b = int(match.group(1)), int(match.group(2))
    framed = _hex_from(data, a + b)
    if framed is not None:
        return framed
    before = data.rfind(b"/Contents", max(0, match.start() - _FAR), match.start())
    after = _CONTENTS.search(data, match.end(), match.end() + _NEAR)
    for at in (before, after.start() if after else -1):
        if at >= 0:
            opening = data.find(b"<", at)
            if opening >= 0 and not data[at + len(b"/Contents") : opening].strip():
                return _hex_from(data, opening)
    return None


def _one(data: bytes, match: re.Match[bytes], number: int) -> SignatureFacts | None:
    a, b, c, d = (int(g or 0) for g in match.groups())
    contents = _contents(data, match)
    if contents is None:
        return None
    raw = binascii.unhexlify(b"".join(contents.split()))
    signed = cms.ContentInfo.load(raw, strict=False)[
        "content"
    ]  # the zero padding after it: ignored
    info = signed["signer_infos"][0]
    cert = _signer_cert(signed, info)
    der = cert.dump() if cert is not None else b""
    window = data[max(0, match.start() - _NEAR) : match.end() + _NEAR]
    sub = _SUB_FILTER.search(window)
    kind = sub.group(1).decode("ascii", errors="replace") if sub else "?"
    stated = _M.search(window)  # the dictionary's /M when the CMS carries no signing time
    when = _signing_time(info) or (_pdf_date(stated.group(1)) if stated else None)
    return SignatureFacts(
        rule=f"PDF 数字签名（{kind}），第 {number} 个签名，签名字节范围 [{a} {b} {c} {d}]",
        signed_at=when,
        signer=holder_name(der) if der else "",
        value=bytes(info["signature"].native),
        certificate=der,
        reference=(f"{cert.issuer.human_friendly}; serial {cert.serial_number}" if cert else ""),
        algorithm=info["signature_algorithm"]["algorithm"].dotted,
    )


def _pdf(path: Path) -> tuple[SignatureFacts, ...]:
    """Each signature dictionary's CMS, found by its /ByteRange (no whole-PDF parse: this runs
    on every signed PDF at ingest)."""
    data = path.read_bytes()
    found = []
    for number, match in enumerate(_BYTE_RANGE.finditer(data), 1):
        try:
            facts = _one(data, match, number)
        except (*_PDF_ERRORS, binascii.Error):
            continue
        if facts is not None:
            found.append(facts)
    return tuple(found)


def signature_facts(path: Path, file_format: str) -> tuple[SignatureFacts, ...]:
    """Every readable signature or seal of the file at ``path`` (its declared ``file_format``
    or its suffix decides how it is read); empty for other formats."""
    kind = file_format.upper()
    try:
        if kind == "OFD" or path.suffix.lower() == ".ofd":
            return ofd_signature_facts(path)
        if kind.startswith("PDF") or path.suffix.lower() == ".pdf":
            return _pdf(path)
    except _PDF_ERRORS:
        return ()
    except Exception:  # a hostile file must not stop the archiving of the rest
        return ()
    return ()

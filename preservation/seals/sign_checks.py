"""Checks of an OFD ``Type="Sign"`` digital signature (not a seal), each returning findings.

Two forms circulate. **GB/T 35275 SignedData** (PKCS#7 / CMS with SM2): the digest of
``Signature.xml`` must be what the signature covers — the ``messageDigest`` signed attribute, or
the encapsulated content (``Signature.xml`` itself, its digest, or that digest in Base64) —
and the signer certificate carried in the SignedData must verify the SM2 signature; the
certificate must be valid at the signing time (``signingTime``, else ``SignatureDateTime``).
A **bare SM2 signature value** over ``Signature.xml`` names no certificate: certificates found
elsewhere in the package are tried, and when none verifies the signature is MANUAL_REVIEW (the
References' digests are still checked by the caller). Pure functions; raise nothing.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from package.certificates import Certificate, load_certificate
from package.errors import CertificateError
from standards.finding import Finding, Status

from . import codes as c
from .checks import SM2_ALGORITHMS, aware, b64, certificate, check_trust, notes_finding, verify_sm2
from .cms import SignedDataView, SignerView, read_signed_data
from .errors import SealError
from .ofd_package import SignatureXml
from .times import parse_time_text

__all__ = ["SignOutcome", "check_cms", "check_raw", "signature_time"]

_HASHES = {
    "1.2.156.10197.1.401": "sm3",
    "1.2.156.10197.1.401.1": "sm3",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "1.3.14.3.2.26": "sha1",
}
# GB/T 35275 names the SM2-1 signature (1.2.156.10197.1.301.1); SM2-with-SM3 is common too.
# Key OIDs written where the signature algorithm belongs are accepted and named.
_MISNAMED = {"1.2.156.10197.1.301": "SM2 key", "1.2.840.10045.2.1": "EC key"}


@dataclass(frozen=True)
class SignOutcome:
    """The findings of one signature, its signer and signing time when known."""

    findings: tuple[Finding, ...]
    signer: Certificate | None
    signing_time: datetime | None


def signature_time(sig: SignatureXml) -> tuple[datetime | None, str]:
    """``SignatureDateTime`` of ``Signature.xml`` and the note on how it was read."""
    if not sig.date_time:
        return None, ""
    try:
        value = parse_time_text(sig.date_time, "text", note_form=False)
    except SealError as exc:
        return None, f"SignatureDateTime unreadable: {exc}"
    return value.when, f"SignatureDateTime: {value.note}" if value.note else ""


def _pick_certificate(data: SignedDataView, signer: SignerView) -> tuple[Certificate | None, str]:
    parsed = [certificate(der) for der in data.certificates]
    usable = [cert for cert, _ in parsed if cert is not None]
    for cert in usable:
        same_issuer = not signer.issuer_der or cert.issuer_der == signer.issuer_der
        if signer.serial is not None and cert.serial == signer.serial and same_issuer:
            return cert, ""
        if signer.key_identifier and cert.key_identifier == signer.key_identifier:
            return cert, ""
    if len(usable) == 1:
        return usable[0], "signer identifier does not match the only certificate"
    problems = "; ".join(reason for cert, reason in parsed if cert is None)
    return None, problems or "no certificate in the SignedData names the signer"


def _bound_contents(data: SignedDataView, xml: bytes, name: str) -> tuple[list[bytes], str]:
    """The byte strings that stand for ``Signature.xml`` here, or why the content does not."""
    own = hashlib.new(name, xml).digest()
    if data.content is None:
        return [xml], ""
    content = data.content
    if content in (xml, own, hashlib.new("sm3", xml).digest()):
        return [content, xml], ""
    try:
        if base64.b64decode(b"".join(content.split()), validate=True) == own:
            return [content, xml], ""
    except (binascii.Error, ValueError):
        pass
    return [], "the encapsulated content is neither Signature.xml nor its digest"


def _digest_finding(
    signer: SignerView, data: SignedDataView, xml: bytes, name: str, part: str
) -> Finding:
    contents, problem = _bound_contents(data, xml, name)
    own = hashlib.new(name, xml).digest()
    if not problem and signer.message_digest is not None:
        accepted = {hashlib.new(name, item).digest() for item in contents}
        if signer.message_digest not in accepted:
            return c.finding(
                c.OFD_SIGN_DIGEST_MISMATCH,
                path=part,
                expected=b64(signer.message_digest),
                found=b64(own),
            )
    elif not problem and signer.signed_attrs:
        problem = "signed attributes without a messageDigest"
    if problem:
        return c.finding(c.OFD_SIGN_DIGEST_MISMATCH, path=part, reason=problem, found=b64(own))
    return c.finding(c.OFD_SIGN_DIGEST_MISMATCH, Status.PASS, path=part, found=b64(own))


def _validity(cert: Certificate, when: datetime | None, part: str, zone: bool) -> Finding:
    period = f"{cert.not_before.isoformat()} – {cert.not_after.isoformat()}"
    if when is None:
        reason = "no signing time in the signature or in SignatureDateTime"
        return c.finding(
            c.OFD_SIGN_CERT_EXPIRED, Status.MANUAL_REVIEW, path=part, reason=reason, window=period
        )
    extra = {"time_zone": "assumed UTC"} if zone else {}
    return c.finding(
        c.OFD_SIGN_CERT_EXPIRED,
        Status.PASS if cert.valid_at(aware(when)) else Status.FAIL,
        path=part,
        expected=period,
        found=aware(when).isoformat(),
        **extra,
    )


def _trailer(
    cert: Certificate | None,
    when: datetime | None,
    zone: bool,
    roots: Sequence[Certificate],
    part: str,
    at: datetime,
) -> list[Finding]:
    if cert is None:
        return []
    out = [_validity(cert, when, part, zone)]
    out.extend(notes_finding(c.OFD_CERT_NONCONFORMANT, cert.notes, part, role="signer"))
    out.extend(check_trust((("signer", cert),), roots, part, at))
    return out


def _signature_finding(
    cert: Certificate | None,
    why: str,
    signer: SignerView,
    data: SignedDataView,
    xml: bytes,
    part: str,
) -> list[Finding]:
    algorithm = signer.signature_algorithm
    if cert is None:
        return [c.finding(c.OFD_SIGN_SIGNATURE_INVALID, path=part, reason=why)]
    if algorithm not in SM2_ALGORITHMS and algorithm not in _MISNAMED:
        reason = f"unsupported signature algorithm {algorithm}"
        return [
            c.finding(c.OFD_SIGN_SIGNATURE_INVALID, Status.MANUAL_REVIEW, path=part, reason=reason)
        ]
    contents, _problem = _bound_contents(data, xml, "sm3")
    signed = signer.signed_attrs or (contents[0] if contents else xml)
    check = verify_sm2(cert, signed, signer.signed_attrs_der, signer.signature)
    if not check.ok:
        reason = "SM2 verification with the signer certificate failed"
        return [
            c.finding(c.OFD_SIGN_SIGNATURE_INVALID, path=part, reason=reason, subject=cert.subject)
        ]
    passed = c.finding(c.OFD_SIGN_SIGNATURE_INVALID, Status.PASS, path=part, subject=cert.subject)
    return [passed, *notes_finding(c.OFD_SIGNATURE_VALUE_NONCONFORMANT, [check.deviation], part)]


def check_cms(
    value: bytes, sig: SignatureXml, xml: bytes, roots: Sequence[Certificate], at: datetime
) -> SignOutcome:
    """Verify a GB/T 35275 SignedData over ``xml`` (the bytes of ``sig.part``)."""
    part = sig.part
    try:
        data = read_signed_data(value)
    except SealError as exc:
        bad = c.finding(c.OFD_SIGN_FORMAT_INVALID, path=sig.signed_value_part, reason=str(exc))
        return SignOutcome((bad,), None, None)
    declared, time_note = signature_time(sig)
    signer = data.signers[0]
    when = signer.signing_time or declared
    zone_notes = list(data.time_notes)
    if signer.signing_time is None and time_note:
        zone_notes.append(time_note)
    notes = list(data.notes)
    if len(data.signers) > 1:
        notes.append(f"{len(data.signers)} SignerInfos; the first is verified")
    cert, why = _pick_certificate(data, signer)
    if why and cert is not None:
        notes.append(why)
    if signer.signature_algorithm in _MISNAMED:
        kind = _MISNAMED[signer.signature_algorithm]
        notes.append(f"{kind} OID {signer.signature_algorithm} where the SM2 signature belongs")
    name = _HASHES.get(signer.digest_algorithm)
    if name is None:
        reason = f"unsupported digest algorithm {signer.digest_algorithm}"
        out = [
            c.finding(c.OFD_SIGN_DIGEST_MISMATCH, Status.MANUAL_REVIEW, path=part, reason=reason)
        ]
    else:
        out = [_digest_finding(signer, data, xml, name, part)]
    out.extend(_signature_finding(cert, why, signer, data, xml, part))
    out.extend(notes_finding(c.OFD_SEAL_STRUCTURE_NONCONFORMANT, notes, part))
    out.extend(notes_finding(c.OFD_SEAL_TIME_ZONE_ASSUMED, zone_notes, part))
    zone = any("UTC" in n for n in zone_notes)
    out.extend(_trailer(cert, when, zone, roots, part, at))
    return SignOutcome(tuple(out), cert, when)


def check_raw(
    value: bytes,
    sig: SignatureXml,
    xml: bytes,
    candidates: Sequence[tuple[str, bytes]],
    roots: Sequence[Certificate],
    at: datetime,
) -> SignOutcome:
    """A bare SM2 value over ``xml``: verified with a certificate found in the package
    (``candidates``: where found, DER), else MANUAL_REVIEW."""
    part = sig.part
    when, time_note = signature_time(sig)
    out: list[Finding] = []
    tried = 0
    for source, der in candidates:
        try:
            cert = load_certificate(der)
        except CertificateError:
            continue
        tried += 1
        check = verify_sm2(cert, xml, b"", value)
        if check.ok:
            out.append(
                c.finding(
                    c.OFD_SIGN_SIGNATURE_INVALID,
                    Status.PASS,
                    path=part,
                    subject=cert.subject,
                    certificate_source=source,
                    reason="verified with a certificate found elsewhere in the package",
                )
            )
            out.extend(notes_finding(c.OFD_SIGNATURE_VALUE_NONCONFORMANT, [check.deviation], part))
            out.extend(notes_finding(c.OFD_SEAL_TIME_ZONE_ASSUMED, [time_note], part))
            out.extend(_trailer(cert, when, "UTC" in time_note, roots, part, at))
            return SignOutcome(tuple(out), cert, when)
    reason = (
        "bare SM2 signature value without a certificate; "
        + (
            f"none of the {tried} certificate(s) in the package verifies it"
            if tried
            else "the package holds no certificate"
        )
        + ": the signer's certificate is needed to verify it"
    )
    out.append(
        c.finding(c.OFD_SIGN_SIGNATURE_INVALID, Status.MANUAL_REVIEW, path=part, reason=reason)
    )
    return SignOutcome(tuple(out), None, when)

"""The individual checks of an OFD seal signature, each returning coded findings.

Used by ``ofd_verify``; see there for what is checked and how verdicts are drawn. Pure functions
over parsed values. Raise nothing: unreadable inputs become findings.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from package.certificates import Certificate, chain_to_roots, load_certificate
from package.errors import CertificateError
from standards.finding import Finding, Status

from . import codes as c
from .ofd_package import OfdPackage, SignatureXml
from .sealdata import SignatureView
from .ses import CERT_LIST_CERTS, CERT_LIST_DIGESTS, OID_SM2_WITH_SM3, OID_SM3
from .sm2_value import Sm2Check, verify_value

__all__ = [
    "SM2_ALGORITHMS",
    "aware",
    "b64",
    "certificate",
    "check_data_hash",
    "check_listed",
    "check_references",
    "check_signatures",
    "check_times",
    "check_trust",
    "digest",
    "notes_finding",
    "verify_sm2",
]

_DIGESTS = {
    OID_SM3: "sm3",
    f"{OID_SM3}.1": "sm3",  # GM/T 0006: SM3 without a key
    "sm3": "sm3",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "sha256": "sha256",
    "sha-256": "sha256",
    "1.3.14.3.2.26": "sha1",
    "sha1": "sha1",
    "sha-1": "sha1",
}
# SM2 signatures as producers name them: SM2-with-SM3, SM2-1 signing, the SM2 key OID itself
SM2_ALGORITHMS = {
    OID_SM2_WITH_SM3: "",
    "1.2.156.10197.1.301.1": "SM2-1 signature OID where SM2-with-SM3 (1.2.156.10197.1.501) belongs",
    "1.2.156.10197.1.301": "SM2 key OID where SM2-with-SM3 (1.2.156.10197.1.501) belongs",
}


def aware(when: datetime) -> datetime:
    """``when`` with a zone (UTC when it has none)."""
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def digest(method: str, data: bytes) -> bytes | None:
    name = _DIGESTS.get(method.strip().lower() or OID_SM3)
    return hashlib.new(name, data).digest() if name else None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def notes_finding(code: str, notes: Sequence[str], path: str, **detail: str) -> list[Finding]:
    """One WARN finding listing accepted deviations, or nothing when there were none."""
    unique = list(dict.fromkeys(n for n in notes if n))
    return [c.finding(code, None, path=path, reason="; ".join(unique), **detail)] if unique else []


def check_references(pkg: OfdPackage, sig: SignatureXml) -> list[Finding]:
    if not sig.references:
        return [c.finding(c.OFD_REFERENCE_MISSING, path=sig.part, reason="no References")]
    out: list[Finding] = []
    for ref in sig.references:
        data = pkg.parts.get(ref.part)
        if data is None:
            out.append(c.finding(c.OFD_REFERENCE_MISSING, path=ref.part, file_ref=ref.file_ref))
            continue
        actual = digest(sig.check_method, data)
        if actual is None:
            out.append(
                c.finding(
                    c.OFD_REFERENCE_DIGEST_MISMATCH,
                    Status.MANUAL_REVIEW,
                    path=ref.part,
                    reason=f"unsupported CheckMethod {sig.check_method}",
                )
            )
        elif actual != ref.check_value:
            out.append(
                c.finding(
                    c.OFD_REFERENCE_DIGEST_MISMATCH,
                    path=ref.part,
                    expected=b64(ref.check_value),
                    found=b64(actual),
                    signature=sig.part,
                )
            )
    if not out:
        out.append(
            c.finding(
                c.OFD_REFERENCE_DIGEST_MISMATCH,
                Status.PASS,
                path=sig.part,
                found=str(len(sig.references)),
            )
        )
    return out


def check_data_hash(view: SignatureView, sig: SignatureXml, signed: bytes) -> Finding:
    """The seal signature's dataHash against SM3(Signature.xml) (or the declared CheckMethod)."""
    actual = hashlib.new("sm3", signed).digest()
    declared = digest(sig.check_method, signed)
    version = str(view.version)
    if view.data_hash in (actual, declared):
        return c.finding(
            c.OFD_SEAL_DATAHASH_MISMATCH, Status.PASS, path=sig.part, found=b64(actual)
        )
    if declared is None:
        reason = (
            f"dataHash is not SM3 of {sig.part} and its CheckMethod {sig.check_method} "
            "is an algorithm this verifier cannot compute"
        )
        return c.finding(
            c.OFD_SEAL_DATAHASH_MISMATCH,
            Status.MANUAL_REVIEW,
            path=sig.part,
            reason=reason,
            expected=b64(view.data_hash),
            version=version,
        )
    return c.finding(
        c.OFD_SEAL_DATAHASH_MISMATCH,
        path=sig.part,
        expected=b64(view.data_hash),
        found=b64(actual),
        version=version,
    )


def certificate(der: bytes) -> tuple[Certificate | None, str]:
    """The parsed certificate, or None and why it is unusable."""
    try:
        return load_certificate(der), ""
    except CertificateError as exc:
        return None, str(exc)


def verify_sm2(cert: Certificate, exact: bytes, canonical: bytes, value: bytes) -> Sm2Check:
    """``value`` over the bytes as written, else over their canonical DER (noted)."""
    check = verify_value(cert.public_key_pem, exact, value)
    if check.ok or not canonical or canonical == exact:
        return check
    again = verify_value(cert.public_key_pem, canonical, value)
    if again.ok:
        note = "signature covers the DER re-encoding, not the bytes written"
        return Sm2Check(True, "; ".join(n for n in (again.deviation, note) if n))
    return check


def check_signatures(
    view: SignatureView,
    signer: Certificate | None,
    maker: Certificate | None,
    part: str,
    unknown_hash: str = "",
) -> list[Finding]:
    """Both SM2 signatures. ``unknown_hash`` names a hash algorithm the document declares and
    this verifier cannot compute: a signer signature that does not verify with SM3 may use it,
    so it is MANUAL_REVIEW, not FAIL."""
    out: list[Finding] = []
    for code, cert, algorithm, data, canonical, value, role in (
        (c.OFD_SEAL_SIGNATURE_INVALID, signer, view.algorithm, view.signed_data,
         view.signed_der, view.signature, "signer"),
        (c.OFD_SEAL_MAKER_SIGNATURE_INVALID, maker, view.seal.maker_algorithm,
         view.seal.maker_signed_data, view.seal.maker_signed_der, view.seal.maker_signature,
         "maker"),
    ):  # fmt: skip
        if cert is None:
            out.append(c.finding(code, path=part, reason=f"{role} certificate unreadable"))
            continue
        if algorithm not in SM2_ALGORITHMS:
            reason = f"unsupported signature algorithm {algorithm}"
            out.append(c.finding(code, Status.MANUAL_REVIEW, path=part, reason=reason))
            continue
        check = verify_sm2(cert, data, canonical, value)
        if check.ok:
            out.append(c.finding(code, Status.PASS, path=part, role=role, subject=cert.subject))
            for notes_code, note in (
                (c.OFD_SIGNATURE_VALUE_NONCONFORMANT, check.deviation),
                (c.OFD_SEAL_STRUCTURE_NONCONFORMANT, SM2_ALGORITHMS[algorithm]),
            ):
                notes = [f"{role}: {note}"] if note else []
                out.extend(notes_finding(notes_code, notes, part, role=role))
        elif unknown_hash and role == "signer":
            reason = (
                f"does not verify with SM3; the document declares the hash algorithm "
                f"{unknown_hash}, which this verifier cannot compute"
            )
            out.append(c.finding(code, Status.MANUAL_REVIEW, path=part, reason=reason))
        else:
            reason = f"SM2 verification with the {role} certificate failed"
            out.append(c.finding(code, path=part, reason=reason, subject=cert.subject))
    return out


def _window(label: str, start: datetime | None, end: datetime | None) -> str:
    first = start.isoformat() if start else "?"
    last = end.isoformat() if end else "?"
    return f"{label} {first} – {last}"


def check_times(
    view: SignatureView, signer: Certificate | None, part: str, at: datetime
) -> list[Finding]:
    seal, when, at = view.seal, view.signing_time, aware(at)
    window = _window("seal", seal.valid_start, seal.valid_end)
    zone = {"time_zone": "assumed UTC"} if any("UTC" in n for n in view.time_notes) else {}
    if when is None:
        reason = f"timeInfo {view.time_text!r} is not a time"
        skipped = [
            c.finding(code, Status.MANUAL_REVIEW, path=part, reason="no usable signing time")
            for code in (
                c.OFD_SEAL_NOT_YET_VALID,
                c.OFD_SEAL_EXPIRED,
                c.OFD_SEAL_SIGNER_CERT_EXPIRED,
            )
        ]
        return [c.finding(c.OFD_SEAL_TIME_INVALID, path=part, reason=reason), *skipped]
    out: list[Finding] = []
    if when > at:
        reason = f"signing time {when.isoformat()} is after the verification time {at.isoformat()}"
        out.append(c.finding(c.OFD_SEAL_TIME_INVALID, path=part, reason=reason))
    for code, bound, text in (
        (c.OFD_SEAL_NOT_YET_VALID, seal.valid_start, "on or after"),
        (c.OFD_SEAL_EXPIRED, seal.valid_end, "on or before"),
    ):
        if bound is None:
            reason = f"seal validity unreadable ({window})"
            out.append(c.finding(code, Status.MANUAL_REVIEW, path=part, reason=reason))
            continue
        inside = bound <= when if code == c.OFD_SEAL_NOT_YET_VALID else when <= bound
        out.append(
            c.finding(
                code,
                Status.PASS if inside else Status.FAIL,
                path=part,
                expected=f"{text} {bound.isoformat()}",
                found=when.isoformat(),
                window=window,
                **zone,
            )
        )
    if signer is None:
        reason = "signer certificate unreadable"
        out.append(
            c.finding(
                c.OFD_SEAL_SIGNER_CERT_EXPIRED, Status.MANUAL_REVIEW, path=part, reason=reason
            )
        )
    else:
        expected = f"{signer.not_before.isoformat()} – {signer.not_after.isoformat()}"
        status = Status.PASS if signer.valid_at(when) else Status.FAIL
        out.append(
            c.finding(
                c.OFD_SEAL_SIGNER_CERT_EXPIRED,
                status,
                path=part,
                expected=expected,
                found=when.isoformat(),
                **zone,
            )
        )
    return out


def _same_certificate(listed: bytes, signer: bytes) -> bool:
    if listed == signer:
        return True
    try:
        return load_certificate(listed).der == load_certificate(signer).der
    except CertificateError:
        return False


def check_listed(view: SignatureView, part: str) -> Finding:
    seal = view.seal
    if seal.cert_list_problem:
        reason = f"{seal.cert_list_problem}; the signer listing cannot be checked"
        return c.finding(
            c.OFD_SEAL_SIGNER_NOT_LISTED, Status.MANUAL_REVIEW, path=part, reason=reason
        )
    if seal.cert_list_type == CERT_LIST_DIGESTS:
        unknown = []
        for algorithm, listed in seal.cert_digests:
            actual = digest(algorithm, view.signer_cert)
            if actual is None:
                unknown.append(algorithm)
            elif actual == listed:
                return c.finding(c.OFD_SEAL_SIGNER_NOT_LISTED, Status.PASS, path=part)
        if unknown:
            reason = f"certificate digests in unsupported algorithms {sorted(set(unknown))}"
            return c.finding(
                c.OFD_SEAL_SIGNER_NOT_LISTED, Status.MANUAL_REVIEW, path=part, reason=reason
            )
    elif seal.cert_list_type == CERT_LIST_CERTS and any(
        _same_certificate(listed, view.signer_cert) for listed in seal.certs
    ):
        return c.finding(c.OFD_SEAL_SIGNER_NOT_LISTED, Status.PASS, path=part)
    found = f"{len(seal.certs) or len(seal.cert_digests)} other certificate(s)"
    return c.finding(c.OFD_SEAL_SIGNER_NOT_LISTED, path=part, found=found)


def check_trust(
    certs: Sequence[tuple[str, Certificate | None]],
    roots: Sequence[Certificate],
    part: str,
    at: datetime,
) -> list[Finding]:
    out = []
    for role, cert in certs:
        if cert is None:
            reason = f"{role} certificate unreadable"
            out.append(c.finding(c.OFD_SEAL_CHAIN_UNTRUSTED, path=part, reason=reason, role=role))
            continue
        chain = chain_to_roots(cert, roots, aware(at))
        out.append(
            c.finding(
                c.OFD_SEAL_CHAIN_UNTRUSTED,
                Status.PASS if chain.trusted else None,
                path=part,
                reason=f"{role}: {chain.reason}",
                role=role,
                subject=cert.subject,
                root=chain.root,
            )
        )
    return out

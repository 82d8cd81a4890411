"""The individual checks of an OFD seal signature, each returning coded findings.

Used by ``ofd_verify``; see there for what is checked and how verdicts are drawn. Pure functions
over parsed values. Raise nothing: unreadable inputs become findings.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Sequence
from datetime import datetime

from standards.finding import Finding, Status

from . import codes as c
from .certs import SealCertificate, chain_to_roots, load_certificate, sm2_verify
from .errors import SealError
from .ofd_package import OfdPackage, SignatureXml
from .sealdata import SignatureView
from .ses import CERT_LIST_DIGESTS, OID_SM2_WITH_SM3, OID_SM3

__all__ = [
    "b64",
    "certificate",
    "check_listed",
    "check_references",
    "check_signatures",
    "check_times",
    "check_trust",
    "digest",
]

_DIGESTS = {
    OID_SM3: "sm3",
    "sm3": "sm3",
    "2.16.840.1.101.3.4.2.1": "sha256",
    "sha256": "sha256",
    "sha-256": "sha256",
    "1.3.14.3.2.26": "sha1",
    "sha1": "sha1",
    "sha-1": "sha1",
}


def digest(method: str, data: bytes) -> bytes | None:
    name = _DIGESTS.get(method.strip().lower() or OID_SM3)
    return hashlib.new(name, data).digest() if name else None


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


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


def certificate(der: bytes) -> SealCertificate | None:
    try:
        return load_certificate(der)
    except SealError:
        return None


def check_signatures(
    view: SignatureView, signer: SealCertificate | None, maker: SealCertificate | None, part: str
) -> list[Finding]:
    out: list[Finding] = []
    for code, cert, algorithm, data, value, role in (
        (c.OFD_SEAL_SIGNATURE_INVALID, signer, view.algorithm, view.signed_data,
         view.signature, "signer"),
        (c.OFD_SEAL_MAKER_SIGNATURE_INVALID, maker, view.seal.maker_algorithm,
         view.seal.maker_signed_data, view.seal.maker_signature, "maker"),
    ):  # fmt: skip
        if cert is None:
            out.append(c.finding(code, path=part, reason=f"{role} certificate unreadable"))
        elif algorithm != OID_SM2_WITH_SM3:
            reason = f"unsupported signature algorithm {algorithm}"
            out.append(c.finding(code, Status.MANUAL_REVIEW, path=part, reason=reason))
        elif sm2_verify(cert.public_key_pem, data, value):
            out.append(c.finding(code, Status.PASS, path=part, role=role, subject=cert.subject))
        else:
            reason = f"SM2 verification with the {role} certificate failed"
            out.append(c.finding(code, path=part, reason=reason, subject=cert.subject))
    return out


def check_times(
    view: SignatureView, signer: SealCertificate | None, part: str, at: datetime
) -> list[Finding]:
    seal, when = view.seal, view.signing_time
    window = f"{seal.valid_start.isoformat()} – {seal.valid_end.isoformat()}"
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
    started = seal.valid_start <= when
    out.append(
        c.finding(
            c.OFD_SEAL_NOT_YET_VALID,
            Status.PASS if started else Status.FAIL,
            path=part,
            expected=f"on or after {seal.valid_start.isoformat()}",
            found=when.isoformat(),
            window=window,
        )
    )
    ended = when > seal.valid_end
    out.append(
        c.finding(
            c.OFD_SEAL_EXPIRED,
            Status.FAIL if ended else Status.PASS,
            path=part,
            expected=f"on or before {seal.valid_end.isoformat()}",
            found=when.isoformat(),
            window=window,
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
            )
        )
    return out


def check_listed(view: SignatureView, part: str) -> Finding:
    seal = view.seal
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
    elif view.signer_cert in seal.certs:
        return c.finding(c.OFD_SEAL_SIGNER_NOT_LISTED, Status.PASS, path=part)
    found = f"{len(seal.certs) or len(seal.cert_digests)} other certificate(s)"
    return c.finding(c.OFD_SEAL_SIGNER_NOT_LISTED, path=part, found=found)


def check_trust(
    certs: Sequence[tuple[str, SealCertificate | None]],
    roots: Sequence[SealCertificate],
    part: str,
    at: datetime,
) -> list[Finding]:
    out = []
    for role, cert in certs:
        if cert is None:
            reason = f"{role} certificate unreadable"
            out.append(c.finding(c.OFD_SEAL_CHAIN_UNTRUSTED, path=part, reason=reason, role=role))
            continue
        chain = chain_to_roots(cert, roots, at)
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

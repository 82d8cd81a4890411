"""Who signed an EEP: the certificate of a 电子签名 or 锁定签名 judged apart from the signature's
cryptographic validity (pyHanko's split: intact, valid, trusted).

A signature's 证书块 holds the signer's X.509 certificate first, then its issuers. Checked here:
the certificate parses, it was valid at 签名时间 (or the time the verifier is given), its chain
reaches one of the configured trust roots, and — as before certificates — the signing key is the
trusted key the caller names. An old-form 证书 holding a bare public key is MANUAL_REVIEW for
identity, never a failure by itself. Pure; raises nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from package.certificates import Certificate, chain_to_roots, holder_name
from package.errors import KeyFormatError
from package.signature import key_id_from_pem
from standards.finding import Finding

from ..findings import transfer_finding

__all__ = ["SignerIdentity", "identity_findings"]

_TOOL = "transfer.eep"


@dataclass(frozen=True)
class SignerIdentity:
    """What a signature element says of its signer: its algorithm and the key that verified it,
    its certificate chain (empty for the old certificate-less form) and its 签名时间."""

    which: str  # 电子签名 | 锁定签名
    algorithm: str
    key_pem: str
    chain: tuple[Certificate, ...]
    signed_at: datetime | None


def _key_findings(identity: SignerIdentity, trusted_key_pem: str | None) -> list[Finding]:
    if trusted_key_pem is None:
        return []
    try:
        expected = key_id_from_pem(identity.algorithm, trusted_key_pem)
    except KeyFormatError:
        expected = ""
    found = key_id_from_pem(identity.algorithm, identity.key_pem)
    code = "EEP_SIGNER_TRUSTED" if expected == found else "EEP_SIGNER_UNTRUSTED"
    return [transfer_finding(code, expected=expected, found=found, tool=_TOOL)]


def _time_and_chain(
    identity: SignerIdentity, roots: Sequence[Certificate], at: datetime | None
) -> list[Finding]:
    which, cert = identity.which, identity.chain[0]
    when = at or identity.signed_at
    if when is None:
        return [transfer_finding("EEP_SIGNATURE_TIME_UNKNOWN", which=which, tool=_TOOL)]
    out = []
    if not cert.valid_at(when):
        out.append(
            transfer_finding(
                "EEP_CERTIFICATE_NOT_VALID_AT",
                which=which,
                when=when.isoformat(),
                not_before=cert.not_before.isoformat(),
                not_after=cert.not_after.isoformat(),
                found=cert.subject,
                tool=_TOOL,
            )
        )
    if roots:
        # issuance judged on its own: at a time inside the certificate's validity
        inside = min(max(when, cert.not_before), cert.not_after)
        result = chain_to_roots(cert, roots, inside, identity.chain[1:])
        if result.trusted:  # ``found``: whom the certificate names (the receiver compares)
            out.append(
                transfer_finding(
                    "EEP_CERTIFICATE_TRUSTED",
                    which=which,
                    root=result.root,
                    found=holder_name(cert.der),
                    tool=_TOOL,
                )
            )
        else:
            out.append(
                transfer_finding(
                    "EEP_CERTIFICATE_UNTRUSTED",
                    which=which,
                    reason=result.reason,
                    found=cert.issuer,
                    tool=_TOOL,
                )
            )
    return out


def identity_findings(
    identity: SignerIdentity,
    *,
    trusted_key_pem: str | None,
    roots: Sequence[Certificate],
    at: datetime | None,
) -> list[Finding]:
    """The identity findings of one intact, valid signature."""
    out: list[Finding] = []
    if not identity.chain:
        out.append(transfer_finding("EEP_CERTIFICATE_ABSENT", which=identity.which, tool=_TOOL))
    else:
        out += _time_and_chain(identity, roots, at)
    out += _key_findings(identity, trusted_key_pem)
    if trusted_key_pem is None and (not roots or not identity.chain):
        out.append(transfer_finding("EEP_SIGNER_TRUST_UNKNOWN", which=identity.which))
    return out

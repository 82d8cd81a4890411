"""SM2 certificates as seals use them: parse, check SM2-with-SM3 signatures, chain to a root.

Certificates are X.509 with ``id-ecPublicKey`` keys on curve 1.2.156.10197.1.301 (sm2p256v1),
signed with SM2-with-SM3 (1.2.156.10197.1.501) and the default signer ID. Chains are one level
deep: a certificate is trusted when it is a configured root or is issued (name match plus a
verified signature) directly by one. Reads/writes nothing. Raises ``SealError`` from
``load_certificate``; verification functions return booleans and reasons, never raise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from asn1crypto import pem, x509

from package.errors import KeyFormatError
from package.signature import SM2_WITH_SM3, verify

from .errors import SealError
from .ses import OID_SM2_WITH_SM3

__all__ = [
    "ChainResult",
    "SealCertificate",
    "chain_to_roots",
    "load_certificate",
    "sm2_verify",
]


@dataclass(frozen=True)
class SealCertificate:
    """A parsed certificate with the parts the checks need."""

    der: bytes
    subject: str
    issuer: str
    serial: int
    not_before: datetime
    not_after: datetime
    signature_algorithm: str
    public_key_pem: str
    _cert: x509.Certificate

    def valid_at(self, when: datetime) -> bool:
        return self.not_before <= when <= self.not_after

    def issued_by(self, issuer: SealCertificate) -> bool:
        """True when ``issuer``'s name and SM2 key verify this certificate's signature."""
        if self._cert.issuer != issuer._cert.subject:
            return False
        if self.signature_algorithm != OID_SM2_WITH_SM3:
            return False
        tbs = bytes(self._cert["tbs_certificate"].dump())
        signature = bytes(self._cert["signature_value"].native)
        return sm2_verify(issuer.public_key_pem, tbs, signature)


def load_certificate(der: bytes) -> SealCertificate:
    """Parse a DER (or PEM) certificate; raises ``SealError`` when it is not one."""
    if pem.detect(der):
        try:
            _kind, _headers, der = pem.unarmor(der)
        except ValueError as exc:
            raise SealError(f"unreadable PEM certificate: {exc}") from exc
    try:
        cert = x509.Certificate.load(bytes(der), strict=True)
        tbs = cert["tbs_certificate"]
        spki = bytes(tbs["subject_public_key_info"].dump())
        validity = tbs["validity"]
        return SealCertificate(
            der=bytes(der),
            subject=str(cert.subject.human_friendly),
            issuer=str(cert.issuer.human_friendly),
            serial=int(tbs["serial_number"].native),
            not_before=validity["not_before"].native,
            not_after=validity["not_after"].native,
            signature_algorithm=str(cert["signature_algorithm"]["algorithm"].dotted),
            public_key_pem=bytes(pem.armor("PUBLIC KEY", spki)).decode("ascii"),
            _cert=cert,
        )
    except (ValueError, TypeError, KeyError, OverflowError) as exc:
        raise SealError(f"malformed certificate: {exc}") from exc


def sm2_verify(public_key_pem: str, data: bytes, signature: bytes) -> bool:
    """SM2-with-SM3 verification; False also for a key that is not an SM2 key."""
    try:
        return verify(SM2_WITH_SM3, public_key_pem, data, signature)
    except KeyFormatError:
        return False


@dataclass(frozen=True)
class ChainResult:
    """Whether a certificate reaches a configured root, and why not."""

    trusted: bool
    reason: str
    root: str = ""


def chain_to_roots(
    cert: SealCertificate, roots: Sequence[SealCertificate], when: datetime
) -> ChainResult:
    """Check ``cert`` against ``roots`` at ``when`` (validity of the certificate and its root)."""
    if not roots:
        return ChainResult(False, "no trust roots configured")
    for root in roots:
        if root.der == cert.der:
            if not cert.valid_at(when):
                return ChainResult(False, f"root certificate not valid at {when.isoformat()}")
            return ChainResult(True, "is a configured trust root", root.subject)
    issuers = [root for root in roots if root._cert.subject == cert._cert.issuer]
    if not issuers:
        return ChainResult(False, f"issuer {cert.issuer} is not a configured trust root")
    for root in issuers:
        if cert.issued_by(root):
            if not cert.valid_at(when):
                return ChainResult(
                    False, f"certificate not valid at {when.isoformat()}", root.subject
                )
            if not root.valid_at(when):
                return ChainResult(False, f"root not valid at {when.isoformat()}", root.subject)
            return ChainResult(True, "issued by a configured trust root", root.subject)
    return ChainResult(False, f"signature of {cert.issuer} on the certificate does not verify")

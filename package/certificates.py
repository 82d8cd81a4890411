"""X.509 certificates with SM2 keys (GM/T 0015 profile), as seals, signatures and the archive's
own unit certificates use them: parse, check SM2-with-SM3 signatures, chain to a root. The one
certificate module of the project: ``preservation`` (seal and signature verification) and
``transfer`` (signatures that name a 立档单位) both use it.

Certificates are X.509 with ``id-ecPublicKey`` keys on curve 1.2.156.10197.1.301 (sm2p256v1),
signed with SM2-with-SM3 (1.2.156.10197.1.501) and the default signer ID. Chains are one level
deep: a certificate is trusted when it is a configured root or is issued (name match plus a
verified signature) directly by one.

Parsing is tolerant, field by field (asn1crypto parses lazily): a certificate whose optional or
descriptive fields are odd (a UTF-8 emailAddress, a GeneralizedTime without ``Z``, an SM2 key
under the SM2 algorithm OID, Base64 text instead of DER) still gives its public key, validity and
subject; what was odd is listed in ``notes``. Only a certificate without a usable key or
validity is refused. Reads/writes nothing. Raises ``CertificateError`` from
``load_certificate``; verification functions return booleans and reasons, never raise.
"""

from __future__ import annotations

import base64
import binascii
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from asn1crypto import core, keys, pem, x509

from package.errors import CertificateError, KeyFormatError
from package.signature import SM2_WITH_SM3, Signer, verify

__all__ = [
    "CERTIFICATE_SUFFIXES",
    "OID_SM2_WITH_SM3",
    "Certificate",
    "ChainResult",
    "IdentityCheck",
    "SigningIdentity",
    "certificates_in",
    "certificates_in_folder",
    "chain_to_roots",
    "check_identity",
    "holder_name",
    "load_certificate",
    "sm2_verify",
]

#: SM2 signature with SM3 (GM/T 0006)
OID_SM2_WITH_SM3 = "1.2.156.10197.1.501"
_OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1"
_OID_SM2 = "1.2.156.10197.1.301"
_PARSE_ERRORS = (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError)
_TIME = {
    "utc_time": re.compile(r"(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(Z|[+-]\d{4})?"),
    "general_time": re.compile(
        r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})?(\d{2})?(?:[.,]\d+)?(Z|[+-]\d{2}(?:\d{2})?)?"
    ),
}


@dataclass(frozen=True)
class Certificate:
    """A parsed certificate with the parts the checks need, and what was odd in it."""

    der: bytes
    subject: str
    issuer: str
    serial: int
    not_before: datetime
    not_after: datetime
    signature_algorithm: str
    public_key_pem: str
    _cert: x509.Certificate
    notes: tuple[str, ...] = ()
    subject_der: bytes = b""
    issuer_der: bytes = b""
    key_identifier: bytes = b""

    def valid_at(self, when: datetime) -> bool:
        return self.not_before <= when <= self.not_after

    def issued_by(self, issuer: Certificate) -> bool:
        """True when ``issuer``'s name and SM2 key verify this certificate's signature."""
        if not _same_name(self.issuer_der, issuer.subject_der):
            return False
        if self.signature_algorithm != OID_SM2_WITH_SM3:
            return False
        try:
            tbs = bytes(self._cert["tbs_certificate"].dump())
            signature = bytes(self._cert["signature_value"].contents[1:])
        except _PARSE_ERRORS:
            return False
        return sm2_verify(issuer.public_key_pem, tbs, signature)


def _same_name(a: bytes, b: bytes) -> bool:
    """Names equal as bytes, or under RFC 5280 comparison rules (asn1crypto's)."""
    if a == b:
        return True
    try:
        return bool(x509.Name.load(a) == x509.Name.load(b))
    except _PARSE_ERRORS:
        return False


def _unarmor(data: bytes) -> tuple[bytes, list[str]]:
    """DER from PEM or from bare Base64 text; DER unchanged."""
    if pem.detect(data):
        try:
            return bytes(pem.unarmor(data)[2]), []
        except ValueError as exc:
            raise CertificateError(f"unreadable PEM certificate: {exc}") from exc
    if data[:1] != b"\x30" and re.fullmatch(rb"[A-Za-z0-9+/=\s]+", data[:4096] or b"-"):
        try:
            return base64.b64decode(b"".join(data.split()), validate=True), [
                "certificate stored as Base64 text instead of DER"
            ]
        except (binascii.Error, ValueError):
            pass
    return data, []


def _attribute_text(atv: x509.NameTypeAndValue) -> tuple[str, bool]:
    """An attribute's text, and whether it was read in its declared string type (some producers
    write UTF-8 into a PrintableString or IA5String: then the raw bytes are read as UTF-8)."""
    try:
        return str(atv["value"].native), True
    except _PARSE_ERRORS:
        try:
            raw = bytes(core.Sequence.load(bytes(atv.dump()))[1].contents or b"")
        except _PARSE_ERRORS:
            raw = b""
        return raw.decode("utf-8", errors="replace"), False


def _name(name: x509.Name, notes: list[str], role: str) -> str:
    try:
        return str(name.human_friendly)
    except _PARSE_ERRORS:
        pass
    parts = []
    for rdn in reversed(list(name.chosen)):
        for atv in rdn:
            try:
                label = str(atv["type"].human_friendly)
            except _PARSE_ERRORS:
                label = "?"
            text, declared = _attribute_text(atv)
            if not declared:
                notes.append(f"{role} {label} is not valid in its declared string type")
            parts.append(f"{label}: {text}")
    return ", ".join(parts)


def _time(field: x509.Time, notes: list[str], label: str) -> datetime:
    kind, value = field.name, field.chosen
    try:
        when = value.native
    except _PARSE_ERRORS:
        when = None
    if isinstance(when, datetime) and when.tzinfo is not None:
        return when
    text = bytes(value.contents or b"").decode("ascii", errors="replace").strip()
    m = _TIME.get(kind, _TIME["general_time"]).fullmatch(text)
    if not m:
        raise CertificateError(f"certificate {label} is not a time: {text!r}")
    year, month, day, hour, minute, second, zone = m.groups()
    full_year = int(year) + (0 if len(year) == 4 else 1900 if int(year) >= 50 else 2000)
    try:
        base = datetime(full_year, int(month), int(day), int(hour), int(minute or 0))
        base += timedelta(seconds=int(second or 0))
    except (ValueError, OverflowError) as exc:
        raise CertificateError(f"certificate {label} is not a time: {text!r}") from exc
    if zone and zone != "Z":
        delta = timedelta(hours=int(zone[1:3]), minutes=int(zone[3:5] or 0))
        return base.replace(tzinfo=timezone(-delta if zone[0] == "-" else delta))
    if not zone:
        notes.append(f"certificate {label} {text!r} has no time zone: read as UTC")
    return base.replace(tzinfo=UTC)


def _public_key_pem(spki: keys.PublicKeyInfo, notes: list[str]) -> str:
    oid = str(spki["algorithm"]["algorithm"].dotted)
    point = bytes(core.Sequence.load(bytes(spki.dump()))[1].contents[1:])
    if oid == _OID_SM2:
        notes.append("SM2 key under the SM2 algorithm OID instead of id-ecPublicKey")
        params = keys.ECDomainParameters(name="named", value=_OID_SM2)
        spki = keys.PublicKeyInfo(
            {"algorithm": {"algorithm": "ec", "parameters": params}, "public_key": point}
        )
    elif oid != _OID_EC_PUBLIC_KEY:
        raise CertificateError(f"certificate key algorithm {oid} is not an elliptic-curve key")
    return bytes(pem.armor("PUBLIC KEY", bytes(spki.dump()))).decode("ascii")


def load_certificate(der: bytes) -> Certificate:
    """Parse a DER (or PEM, or Base64) certificate; raises ``CertificateError`` when it has no
    usable public key or validity. The same bytes give the same (immutable) result: a few
    hundred recent ones are kept, since one department's certificate signs many of its cases."""
    return _load_certificate(bytes(der))


@functools.lru_cache(maxsize=512)
def _load_certificate(der: bytes) -> Certificate:
    der, notes = _unarmor(der)
    try:
        cert = x509.Certificate.load(der)
        tbs = cert["tbs_certificate"]
        if len(bytes(cert.dump())) != len(der):
            notes.append(f"{len(der) - len(bytes(cert.dump()))} bytes after the certificate")
            der = bytes(cert.dump())
        public_key_pem = _public_key_pem(tbs["subject_public_key_info"], notes)
        validity = tbs["validity"]
        not_before = _time(validity["not_before"], notes, "notBefore")
        not_after = _time(validity["not_after"], notes, "notAfter")
        subject, issuer = tbs["subject"], tbs["issuer"]
        try:
            serial = int(tbs["serial_number"].native)
        except _PARSE_ERRORS:
            serial = int.from_bytes(bytes(tbs["serial_number"].contents or b""), "big")
            notes.append("serial number is not a well-formed INTEGER")
        algorithm = str(cert["signature_algorithm"]["algorithm"].dotted)
        subject_text = _name(subject, notes, "subject")
        issuer_text = _name(issuer, notes, "issuer")
        subject_der, issuer_der = bytes(subject.dump()), bytes(issuer.dump())
    except CertificateError:
        raise
    except _PARSE_ERRORS as exc:
        raise CertificateError(f"malformed certificate: {exc}") from exc
    try:
        key_identifier = bytes(cert.key_identifier or b"")
    except _PARSE_ERRORS:
        key_identifier = b""
        notes.append("extensions unreadable")
    return Certificate(
        der=bytes(der),
        subject=subject_text,
        issuer=issuer_text,
        serial=serial,
        not_before=not_before,
        not_after=not_after,
        signature_algorithm=algorithm,
        public_key_pem=public_key_pem,
        _cert=cert,
        notes=tuple(dict.fromkeys(notes)),
        subject_der=subject_der,
        issuer_der=issuer_der,
        key_identifier=key_identifier,
    )


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
    cert: Certificate,
    roots: Sequence[Certificate],
    when: datetime,
    intermediates: Sequence[Certificate] = (),
) -> ChainResult:
    """Check ``cert`` against ``roots`` at ``when`` (validity of every certificate on the way),
    climbing through ``intermediates`` (CA certificates the signer sent along) when its issuer
    is not itself a root."""
    current = cert
    for _ in range(1 + len(intermediates)):
        result = _one_level(current, roots, when)
        if result.trusted or result.reason.startswith("certificate not valid"):
            return result if current is cert else _via(result, cert, when)
        parent = next(
            (
                c
                for c in intermediates
                if c.der != current.der
                and _same_name(c.subject_der, current.issuer_der)
                and current.issued_by(c)
            ),
            None,
        )
        if parent is None:
            return result
        if not current.valid_at(when):
            return ChainResult(False, f"certificate not valid at {when.isoformat()}")
        current = parent
    return ChainResult(False, "the certificate chain does not reach a configured trust root")


def _via(result: ChainResult, cert: Certificate, when: datetime) -> ChainResult:
    if not cert.valid_at(when):
        return ChainResult(False, f"certificate not valid at {when.isoformat()}", result.root)
    return ChainResult(result.trusted, f"{result.reason} (through an intermediate)", result.root)


def _one_level(cert: Certificate, roots: Sequence[Certificate], when: datetime) -> ChainResult:
    if not roots:
        return ChainResult(False, "no trust roots configured")
    for root in roots:
        if root.der == cert.der:
            if not cert.valid_at(when):
                return ChainResult(False, f"root certificate not valid at {when.isoformat()}")
            return ChainResult(True, "is a configured trust root", root.subject)
    issuers = [root for root in roots if _same_name(root.subject_der, cert.issuer_der)]
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


@dataclass(frozen=True)
class SigningIdentity:
    """Who signs: a key (``Signer``) with the certificates that name its holder (DER, the
    signer's first, then any CA certificates up the chain) and the holder's name. An identity
    without certificates is a bare key: its signatures verify, but name nobody."""

    signer: Signer
    certificates: tuple[bytes, ...] = ()
    name: str = ""

    @property
    def certificate(self) -> Certificate | None:
        """The signer's own certificate, parsed (None for a bare key)."""
        return load_certificate(self.certificates[0]) if self.certificates else None


@dataclass(frozen=True)
class IdentityCheck:
    """Who a signature names and whether that holds: ``trusted`` True (the certificate holds the
    signing key, was valid at signing and chains to a trust root), False (one of those fails:
    ``reason`` says which), None (undecided: no certificate came with the signature — the key is
    known, its holder is not — or no trust root was given to decide it)."""

    trusted: bool | None
    holder: str
    reason: str


def check_identity(
    certificates: Sequence[bytes],
    public_key_pem: str,
    signed_at: datetime,
    roots: Sequence[bytes],
) -> IdentityCheck:
    """The identity a signature's certificates (DER, the signer's first) give its key."""
    if not certificates:
        return IdentityCheck(None, "", "no certificate names the signer")
    try:
        cert = load_certificate(certificates[0])
        intermediates = [load_certificate(der) for der in certificates[1:]]
    except CertificateError as exc:
        return IdentityCheck(False, "", f"certificate unreadable: {exc}")
    holder = holder_name(certificates[0])
    if _spki_der(cert.public_key_pem) != _spki_der(public_key_pem):
        return IdentityCheck(False, holder, "the certificate is not for the key that signed")
    if not cert.valid_at(signed_at):
        return IdentityCheck(
            False,
            holder,
            f"certificate not valid at signing ({signed_at.isoformat()}; valid "
            f"{cert.not_before.isoformat()} to {cert.not_after.isoformat()})",
        )
    trust: list[Certificate] = []
    for der in roots:
        try:
            trust.append(load_certificate(der))
        except CertificateError:
            continue
    if not trust:
        return IdentityCheck(None, holder, "no trust root given to confirm the certificate")
    chain = chain_to_roots(cert, trust, signed_at, intermediates)
    return IdentityCheck(chain.trusted, holder, chain.reason)


def _spki_der(public_key_pem: str) -> bytes:
    try:
        return bytes(pem.unarmor(public_key_pem.strip().encode("ascii"))[2])
    except (ValueError, UnicodeError):
        return b""


def certificates_in(data: bytes) -> tuple[bytes, ...]:
    """The certificates (DER) in a file's bytes: every CERTIFICATE block of PEM text (other
    blocks, e.g. keys, are skipped), else the bytes themselves as one DER certificate."""
    if pem.detect(data):
        try:
            blocks = list(pem.unarmor(data, multiple=True))
        except ValueError as exc:
            raise CertificateError(f"malformed PEM: {exc}") from exc
        return tuple(bytes(der) for kind, _, der in blocks if kind == "CERTIFICATE")
    return (data,)


#: the file names a folder of trust roots holds certificates under
CERTIFICATE_SUFFIXES = (".pem", ".crt", ".cer", ".der")


def certificates_in_folder(folder: Path) -> tuple[bytes, ...]:
    """The certificates (DER) of every ``CERTIFICATE_SUFFIXES`` file in ``folder``, by name;
    keys and unreadable files are skipped; empty when the folder is absent."""
    found: list[bytes] = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else ():
        if path.suffix.lower() not in CERTIFICATE_SUFFIXES or not path.is_file():
            continue
        try:
            found += certificates_in(path.read_bytes())
        except (OSError, CertificateError):
            continue
    return tuple(found)


def holder_name(der: bytes) -> str:
    """The name a certificate gives its holder: the organisation (O), else the common name (CN),
    else its whole subject; "" when it cannot be read. Each attribute is read on its own, so
    one badly encoded attribute (e.g. UTF-8 in an emailAddress) does not hide the others."""
    return _holder_name(bytes(der))


@functools.lru_cache(maxsize=512)
def _holder_name(der: bytes) -> str:
    try:
        rdns = list(x509.Certificate.load(der)["tbs_certificate"]["subject"].chosen)
    except _PARSE_ERRORS:
        return ""
    found: dict[str, str] = {}
    for rdn in rdns:
        for atv in rdn:
            try:
                kind = atv["type"].native
            except _PARSE_ERRORS:
                continue
            if kind in ("organization_name", "common_name") and kind not in found:
                found[kind] = _attribute_text(atv)[0].strip()
    for field in ("organization_name", "common_name"):
        if found.get(field):
            return found[field]
    try:
        return load_certificate(der).subject
    except CertificateError:
        return ""

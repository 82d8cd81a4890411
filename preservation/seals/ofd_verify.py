"""Verifying the signatures of an OFD document (GB/T 33190 §18).

Each signature is verified as what its ``SignedValue.dat`` is (``signed_value.classify``), not
as what its ``Type`` attribute claims (a mismatch is noted). For a **seal** (GB/T 38540 /
GM/T 0031): (a) every Reference's check value against its part; (b) SM3 of ``Signature.xml``
against the seal signature's ``dataHash``, and the signer's SM2 signature over DER(TBS_Sign);
(c) the seal maker's SM2 signature; (d) the seal's validity window at the signing time; (e) the
signer certificate in the seal's list, and valid at the signing time; (f) both certificates
chaining to a configured root at the verification time ``at``; (g) revocation and the national
seal platform: always MANUAL_REVIEW (no access). For a **digital signature** (GB/T 35275
SignedData or a bare SM2 value): (a), then ``sign_checks``. Verdicts stay separate
(pyHanko-style): *intact* (a and the digest binding), *valid* (signatures, windows, listing),
*trusted* (f). Deviations that can still be read are accepted and named in WARN findings.

Reads: the OFD bytes or file. Writes: nothing. ``check_ofd`` raises ``SealError`` only for an
unusable trust root; ``verify_ofd`` never raises: an unexpected error is a MANUAL_REVIEW finding
for that file (or that signature) only.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from package.certificates import Certificate, load_certificate
from standards.finding import Finding, Status

from . import codes as c
from .checks import (
    aware,
    certificate,
    check_data_hash,
    check_listed,
    check_references,
    check_signatures,
    check_times,
    check_trust,
    digest,
    notes_finding,
)
from .errors import SealError
from .ofd_package import OfdPackage, SignatureEntry, SignatureXml, read_signature_xml
from .ofd_package import signature_entries as _entries
from .sealdata import read_signature
from .sign_checks import SignOutcome, check_cms, check_raw
from .signed_value import CMS, RAW, SEAL, classify, package_certificates

__all__ = [
    "NO_PLATFORM",
    "OfdVerification",
    "SealVerdict",
    "check_ofd",
    "verifier_error",
    "verify_ofd",
]

NO_PLATFORM = "no access to the national seal platform"
_REFS = frozenset({c.OFD_REFERENCE_DIGEST_MISMATCH, c.OFD_REFERENCE_MISSING})
# per kind: the codes behind intact, those that must have passed, then the same for valid
_VERDICT_CODES: dict[str, tuple[frozenset[str], frozenset[str], frozenset[str]]] = {
    SEAL: (
        _REFS | {c.OFD_SEAL_DATAHASH_MISMATCH},
        frozenset({c.OFD_REFERENCE_DIGEST_MISMATCH, c.OFD_SEAL_DATAHASH_MISMATCH}),
        frozenset(
            {
                c.OFD_SEAL_SIGNATURE_INVALID,
                c.OFD_SEAL_MAKER_SIGNATURE_INVALID,
                c.OFD_SEAL_EXPIRED,
                c.OFD_SEAL_NOT_YET_VALID,
                c.OFD_SEAL_SIGNER_NOT_LISTED,
                c.OFD_SEAL_SIGNER_CERT_EXPIRED,
            }
        ),
    ),
    CMS: (
        _REFS | {c.OFD_SIGN_DIGEST_MISMATCH},
        frozenset({c.OFD_REFERENCE_DIGEST_MISMATCH, c.OFD_SIGN_DIGEST_MISMATCH}),
        frozenset({c.OFD_SIGN_SIGNATURE_INVALID, c.OFD_SIGN_CERT_EXPIRED}),
    ),
    RAW: (  # a bare value binds Signature.xml only once a certificate verifies it
        _REFS | {c.OFD_SIGN_SIGNATURE_INVALID},
        frozenset({c.OFD_REFERENCE_DIGEST_MISMATCH, c.OFD_SIGN_SIGNATURE_INVALID}),
        frozenset({c.OFD_SIGN_SIGNATURE_INVALID, c.OFD_SIGN_CERT_EXPIRED}),
    ),
}
_ROLES = {SEAL: 2, CMS: 1, RAW: 1}  # certificates whose chain makes the signature trusted

Candidates = Callable[[], list[tuple[str, bytes]]]


@dataclass(frozen=True)
class SealVerdict:
    """The three verdicts of one signature, what it says, and the findings behind them."""

    signature_id: str
    part: str
    version: int | None
    seal_name: str
    signer: str
    signing_time: datetime | None
    intact: bool
    valid: bool
    trusted: bool
    findings: tuple[Finding, ...]
    covered: tuple[str, ...] = ()  # parts named by the References
    list_part: str = ""  # the Signatures.xml listing this signature
    kind: str = SEAL  # seal, cms (GB/T 35275) or raw (bare SM2 value), from the structure


@dataclass(frozen=True)
class OfdVerification:
    """All signatures of a document plus package-level findings (structure, coverage)."""

    signatures: tuple[SealVerdict, ...]
    findings: tuple[Finding, ...]

    @property
    def intact(self) -> bool:
        clean = not any(f.status is Status.FAIL for f in self.findings)
        return clean and bool(self.signatures) and all(s.intact for s in self.signatures)

    @property
    def valid(self) -> bool:
        return bool(self.signatures) and all(s.valid for s in self.signatures)

    @property
    def trusted(self) -> bool:
        return bool(self.signatures) and all(s.trusted for s in self.signatures)

    def all_findings(self) -> list[Finding]:
        out = list(self.findings)
        for verdict in self.signatures:
            out.extend(verdict.findings)
        return out


def verifier_error(path: str, exc: BaseException) -> Finding:
    """The finding for an unexpected error while verifying ``path`` (MANUAL_REVIEW)."""
    return c.finding(c.OFD_VERIFIER_ERROR, path=path, reason=f"{type(exc).__name__}: {exc}")


def _verdict(
    entry: SignatureEntry,
    findings: list[Finding],
    kind: str | None,
    sig: SignatureXml | None = None,
    *,
    version: int | None = None,
    seal_name: str = "",
    signer: Certificate | None = None,
    when: datetime | None = None,
) -> SealVerdict:
    def passed(codes: frozenset[str], required: frozenset[str]) -> bool:
        relevant = [f for f in findings if f.code in codes]
        present = {f.code for f in relevant if f.status is Status.PASS}
        return all(f.status is Status.PASS for f in relevant) and required <= present

    chains = [f for f in findings if f.code == c.OFD_SEAL_CHAIN_UNTRUSTED]
    if kind in _VERDICT_CODES:
        intact_codes, intact_required, valid_codes = _VERDICT_CODES[kind]
        intact = passed(intact_codes, intact_required)
        valid = passed(valid_codes, valid_codes)
        trusted = len(chains) == _ROLES[kind] and all(f.status is Status.PASS for f in chains)
    else:
        intact = valid = trusted = False
    return SealVerdict(
        signature_id=entry.id,
        part=entry.part,
        version=version,
        seal_name=seal_name,
        signer=signer.subject if signer else "",
        signing_time=when,
        intact=intact,
        valid=valid,
        trusted=trusted,
        findings=tuple(findings),
        covered=tuple(r.part for r in sig.references) if sig else (),
        list_part=entry.list_part,
        kind=kind or "",
    )


def _revocation(part: str, **detail: str) -> Finding:
    return c.finding(c.OFD_SEAL_REVOCATION_UNCHECKED, None, path=part, reason=NO_PLATFORM, **detail)


def _check_seal(
    pkg: OfdPackage,
    entry: SignatureEntry,
    sig: SignatureXml,
    value: bytes,
    findings: list[Finding],
    roots: Sequence[Certificate],
    at: datetime,
) -> SealVerdict:
    try:
        view = read_signature(value)
    except SealError as exc:
        bad = c.finding(c.OFD_SEAL_FORMAT_INVALID, path=sig.signed_value_part, reason=str(exc))
        return _verdict(entry, [*findings, bad], None, sig)
    if sig.seal_part and pkg.parts.get(sig.seal_part) != view.seal.der:
        findings.append(c.finding(c.OFD_SEAL_FILE_MISMATCH, path=sig.seal_part))
    findings.append(check_data_hash(view, sig, pkg.read(sig.part)))
    (signer, _), (maker, _) = certificate(view.signer_cert), certificate(view.seal.maker_cert)
    unknown = sig.check_method if digest(sig.check_method, b"") is None else ""
    findings.extend(check_signatures(view, signer, maker, sig.part, unknown))
    findings.extend(check_times(view, signer, sig.part, at))
    findings.append(check_listed(view, sig.part))
    findings.extend(check_trust((("signer", signer), ("maker", maker)), roots, sig.part, at))
    findings.extend(notes_finding(c.OFD_SEAL_STRUCTURE_NONCONFORMANT, view.notes, sig.part))
    findings.extend(notes_finding(c.OFD_SEAL_TIME_ZONE_ASSUMED, view.time_notes, sig.part))
    cert_notes = [
        f"{role}: {note}"
        for role, cert in (("signer", signer), ("maker", maker))
        if cert is not None
        for note in cert.notes
    ]
    findings.extend(notes_finding(c.OFD_CERT_NONCONFORMANT, cert_notes, sig.part))
    findings.append(_revocation(sig.part, es_id=view.seal.es_id))
    return _verdict(
        entry,
        findings,
        SEAL,
        sig,
        version=view.version,
        seal_name=view.seal.name,
        signer=signer,
        when=view.signing_time,
    )


def _check_signature(
    pkg: OfdPackage,
    entry: SignatureEntry,
    roots: Sequence[Certificate],
    at: datetime,
    candidates: Candidates,
) -> SealVerdict:
    try:
        if entry.problem:
            raise SealError(entry.problem)
        sig = read_signature_xml(pkg, entry.part)
    except SealError as exc:
        bad = c.finding(c.OFD_PACKAGE_INVALID, path=entry.part, reason=str(exc))
        return _verdict(entry, [bad], None)
    findings = check_references(pkg, sig)
    findings.extend(notes_finding(c.OFD_PACKAGE_NONCONFORMANT, sig.notes, sig.part))
    invalid = c.OFD_SIGN_FORMAT_INVALID if entry.type == "Sign" else c.OFD_SEAL_FORMAT_INVALID
    try:
        value = classify(pkg.read(sig.signed_value_part))
    except SealError as exc:
        bad = c.finding(invalid, path=sig.signed_value_part, reason=str(exc))
        return _verdict(entry, [*findings, bad], None, sig)
    notes = [value.note] if value.kind != "unknown" and value.note else []
    if (value.kind == SEAL) != (entry.type != "Sign") and value.kind != "unknown":
        what = "an electronic seal signature" if value.kind == SEAL else "a digital signature"
        notes.append(f"Type={entry.type!r} but SignedValue holds {what}: verified as such")
    findings.extend(notes_finding(c.OFD_SEAL_STRUCTURE_NONCONFORMANT, notes, sig.part))
    if value.kind == SEAL:
        return _check_seal(pkg, entry, sig, value.der, findings, roots, at)
    xml = pkg.read(sig.part)
    outcome: SignOutcome
    if value.kind == CMS:
        outcome = check_cms(value.der, sig, xml, roots, at)
    elif value.kind == RAW:
        outcome = check_raw(value.der, sig, xml, candidates(), roots, at)
    else:
        reason = f"neither a seal signature, a SignedData nor an SM2 value: {value.note}"
        bad = c.finding(invalid, path=sig.signed_value_part, reason=reason)
        return _verdict(entry, [*findings, bad], None, sig)
    findings.extend(outcome.findings)
    findings.append(_revocation(sig.part))
    return _verdict(
        entry, findings, value.kind, sig, signer=outcome.signer, when=outcome.signing_time
    )


def _coverage(pkg: OfdPackage, verdicts: Sequence[SealVerdict]) -> list[Finding]:
    protected: set[str] = set()
    for verdict in verdicts:
        protected.update((verdict.part, verdict.list_part))
        folder = posixpath.dirname(verdict.part) + "/"
        protected.update(name for name in pkg.parts if name.startswith(folder))
        protected.update(verdict.covered)
    loose = sorted(name for name in pkg.parts if name not in protected)
    if not loose:
        return [c.finding(c.OFD_UNPROTECTED_PART, Status.PASS, path="OFD.xml")]
    return [c.finding(c.OFD_UNPROTECTED_PART, path=name) for name in loose]


def _verify(source: bytes | Path, roots: Sequence[Certificate], at: datetime) -> OfdVerification:
    name = source.name if isinstance(source, Path) else "OFD"
    at = aware(at)
    try:
        pkg = OfdPackage.open(source) if isinstance(source, Path) else OfdPackage.from_bytes(source)
        entries = _entries(pkg)
    except SealError as exc:
        return OfdVerification((), (c.finding(c.OFD_PACKAGE_INVALID, path=name, reason=str(exc)),))
    if not entries:
        return OfdVerification((), (c.finding(c.OFD_NOT_SIGNED, path=name),))
    found: list[list[tuple[str, bytes]]] = []

    def candidates() -> list[tuple[str, bytes]]:
        if not found:
            found.append(package_certificates(pkg, entries))
        return found[0]

    verdicts = []
    for entry in entries:
        try:
            verdicts.append(_check_signature(pkg, entry, roots, at, candidates))
        except Exception as exc:  # a surprise in one signature is its finding, not a crash
            verdicts.append(_verdict(entry, [verifier_error(entry.part, exc)], None))
    package_notes = [*pkg.notes, *(note for entry in entries for note in entry.notes)]
    findings = notes_finding(c.OFD_PACKAGE_NONCONFORMANT, package_notes, "OFD.xml")
    return OfdVerification(tuple(verdicts), (*findings, *_coverage(pkg, verdicts)))


def check_ofd(source: bytes | Path, trust: Sequence[bytes], at: datetime) -> OfdVerification:
    """Verify every signature of the OFD ``source`` against the DER root certificates ``trust``.

    ``at`` is the verification time (certificate chains); seal windows use the signing time.
    Raises ``CertificateError`` when a trust root is not a certificate.
    """
    return _verify(source, [load_certificate(der) for der in trust], at)


def verify_ofd(source: bytes | Path, trust: Sequence[bytes], at: datetime) -> list[Finding]:
    """All findings of ``check_ofd`` as one list (package-level first, then per signature).

    Never raises: an unusable trust root is a finding (the other roots are used), and an
    unexpected error is a MANUAL_REVIEW finding for this file.
    """
    name = source.name if isinstance(source, Path) else "OFD"
    roots: list[Certificate] = []
    problems: list[Finding] = []
    for index, der in enumerate(trust):
        try:
            roots.append(load_certificate(der))
        except Exception as exc:  # a bad root must not stop the check: the others are used
            problems.append(
                c.finding(
                    c.OFD_TRUST_ROOT_UNUSABLE, path=f"trust root {index + 1}", reason=str(exc)
                )
            )
    try:
        return [*problems, *_verify(source, roots, at).all_findings()]
    except Exception as exc:  # the verifier never raises: the file gets a finding instead
        return [*problems, verifier_error(name, exc)]

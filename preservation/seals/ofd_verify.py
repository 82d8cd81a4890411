"""Verifying the seals of an OFD document (GB/T 33190 §18 with GB/T 38540 / GM/T 0031 seals).

For each signature: (a) every Reference's check value against its part; (b) SM3 of
``Signature.xml`` against the seal signature's ``dataHash``, and the signer's SM2 signature over
DER(TBS_Sign); (c) the seal maker's SM2 signature; (d) the seal's validity window at the signing
time; (e) the signer certificate in the seal's list, and valid at the signing time; (f) both
certificates chaining to a configured root at the verification time ``at``; (g) revocation and
the national seal platform: always MANUAL_REVIEW (no access). Packages in the pre-2016
namespace, with locations that resolve from the root, GBK entry names or bytes outside the ZIP
are read and named in a WARN; a signature whose location is unusable is refused alone. SM2
values in lax encodings (raw r‖s, negative or padded INTEGERs) verify and are named in a WARN,
as are other deviations the reading accepted (structure, time zones, certificate fields).
Verdicts stay separate (pyHanko-style): *intact* (a, b-hash), *valid* (b-signature, c, d,
e), *trusted* (f).

Reads: the OFD bytes or file. Writes: nothing. Raises ``SealError`` only for an unusable trust
root; every problem with the document is a finding.
"""

from __future__ import annotations

import posixpath
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from standards.finding import Finding, Status

from . import codes as c
from .certs import SealCertificate, load_certificate
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
from .sealdata import SignatureView, read_signature

__all__ = ["NO_PLATFORM", "OfdVerification", "SealVerdict", "check_ofd", "verify_ofd"]

NO_PLATFORM = "no access to the national seal platform"
_INTACT = frozenset({c.OFD_REFERENCE_DIGEST_MISMATCH, c.OFD_REFERENCE_MISSING})
_VALID = frozenset(
    {
        c.OFD_SEAL_SIGNATURE_INVALID,
        c.OFD_SEAL_MAKER_SIGNATURE_INVALID,
        c.OFD_SEAL_EXPIRED,
        c.OFD_SEAL_NOT_YET_VALID,
        c.OFD_SEAL_SIGNER_NOT_LISTED,
        c.OFD_SEAL_SIGNER_CERT_EXPIRED,
    }
)


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


def _verdict(
    entry: SignatureEntry,
    findings: list[Finding],
    view: SignatureView | None,
    sig: SignatureXml | None = None,
    signer: SealCertificate | None = None,
) -> SealVerdict:
    def passed(codes: frozenset[str] | set[str], required: set[str]) -> bool:
        relevant = [f for f in findings if f.code in codes]
        present = {f.code for f in relevant if f.status is Status.PASS}
        return all(f.status is Status.PASS for f in relevant) and required <= present

    intact_codes = set(_INTACT) | {c.OFD_SEAL_DATAHASH_MISMATCH}
    intact = passed(intact_codes, {c.OFD_REFERENCE_DIGEST_MISMATCH, c.OFD_SEAL_DATAHASH_MISMATCH})
    chains = [f for f in findings if f.code == c.OFD_SEAL_CHAIN_UNTRUSTED]
    return SealVerdict(
        signature_id=entry.id,
        part=entry.part,
        version=view.version if view else None,
        seal_name=view.seal.name if view else "",
        signer=signer.subject if signer else "",
        signing_time=view.signing_time if view else None,
        intact=intact,
        valid=view is not None and passed(set(_VALID), set(_VALID)),
        trusted=len(chains) == 2 and all(f.status is Status.PASS for f in chains),
        findings=tuple(findings),
        covered=tuple(r.part for r in sig.references) if sig else (),
        list_part=entry.list_part,
    )


def _check_signature(
    pkg: OfdPackage, entry: SignatureEntry, roots: Sequence[SealCertificate], at: datetime
) -> SealVerdict:
    try:
        if entry.problem:
            raise SealError(entry.problem)
        sig = read_signature_xml(pkg, entry.part)
    except SealError as exc:
        return _verdict(
            entry, [c.finding(c.OFD_PACKAGE_INVALID, path=entry.part, reason=str(exc))], None
        )
    findings = check_references(pkg, sig)
    findings.extend(notes_finding(c.OFD_PACKAGE_NONCONFORMANT, sig.notes, sig.part))
    try:
        view = read_signature(pkg.read(sig.signed_value_part))
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
    findings.append(
        c.finding(
            c.OFD_SEAL_REVOCATION_UNCHECKED,
            None,
            path=sig.part,
            reason=NO_PLATFORM,
            es_id=view.seal.es_id,
        )
    )
    return _verdict(entry, findings, view, sig, signer)


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


def check_ofd(source: bytes | Path, trust: Sequence[bytes], at: datetime) -> OfdVerification:
    """Verify every seal of the OFD ``source`` against the DER root certificates ``trust``.

    ``at`` is the verification time (certificate chains); seal windows use the signing time.
    Raises ``SealError`` when a trust root is not a certificate.
    """
    roots = [load_certificate(der) for der in trust]
    name = source.name if isinstance(source, Path) else "OFD"
    at = aware(at)
    try:
        pkg = OfdPackage.open(source) if isinstance(source, Path) else OfdPackage.from_bytes(source)
        entries = _entries(pkg)
    except SealError as exc:
        return OfdVerification((), (c.finding(c.OFD_PACKAGE_INVALID, path=name, reason=str(exc)),))
    if not entries:
        return OfdVerification((), (c.finding(c.OFD_NOT_SIGNED, path=name),))
    verdicts = tuple(_check_signature(pkg, entry, roots, at) for entry in entries)
    package_notes = [*pkg.notes, *(note for entry in entries for note in entry.notes)]
    findings = notes_finding(c.OFD_PACKAGE_NONCONFORMANT, package_notes, "OFD.xml")
    return OfdVerification(verdicts, (*findings, *_coverage(pkg, verdicts)))


def verify_ofd(source: bytes | Path, trust: Sequence[bytes], at: datetime) -> list[Finding]:
    """All findings of ``check_ofd`` as one list (package-level first, then per signature)."""
    return check_ofd(source, trust, at).all_findings()

"""PDF signatures and seals (x-1-1-2), their timestamps (x-1-1-3) and OFD seals (x-1-1-4).

pyHanko validates each embedded signature offline against the configured trust store (a
directory of PEM/DER root certificates). Intact, valid and trusted are reported SEPARATELY: an
intact signature by an unknown signer is MANUAL_REVIEW, never "tampered". Coverage must be
ENTIRE_FILE and the modification level no more than form filling: a page swapped or appended by
an incremental update after signing FAILs. Reads: the PDFs and the trust store.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib import metadata
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from preservation.seals import verifier_error, verify_ofd
from standards.finding import Finding, Status
from standards.findings import make

from .context import CheckContext
from .engine import Check

__all__ = ["CHECKS", "SignatureReport", "load_trust_roots"]

TOOL = f"pyHanko {metadata.version('pyhanko')}"
_ALLOWED_LEVELS = (
    ModificationLevel.NONE,
    ModificationLevel.LTA_UPDATES,
    ModificationLevel.FORM_FILLING,
)
_CERT_SUFFIXES = (".pem", ".crt", ".cer", ".der")


@dataclass(frozen=True)
class SignatureReport:
    """One embedded signature, as pyHanko judged it."""

    path: str
    field: str
    intact: bool
    valid: bool
    trusted: bool
    coverage: str
    modification_level: str
    docmdp_ok: bool | None
    signer: str
    signed_at: str
    algorithm: str
    timestamp: tuple[bool, bool, bool] | None  # intact, valid, trusted of the signature timestamp
    error: str = ""

    def detail(self) -> dict[str, str]:
        return {
            "field": self.field,
            "intact": str(self.intact).lower(),
            "valid": str(self.valid).lower(),
            "trusted": str(self.trusted).lower(),
            "coverage": self.coverage,
            "modification_level": self.modification_level,
            "signer": self.signer,
            "signed_at": self.signed_at,
        }


def load_trust_roots(trust_dir: Path | None) -> list[asn1_x509.Certificate]:
    """Every certificate file in ``trust_dir`` (PEM bundles or DER); private keys are skipped."""
    roots: list[asn1_x509.Certificate] = []
    if trust_dir is None or not trust_dir.is_dir():
        return roots
    for path in sorted(trust_dir.iterdir()):
        if path.suffix.lower() not in _CERT_SUFFIXES or not path.is_file():
            continue
        data = path.read_bytes()
        blobs = (
            [der for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]
            if pem.detect(data)
            else [data]
        )
        for der in blobs:
            try:
                roots.append(asn1_x509.Certificate.load(der))
            except ValueError:
                continue
    return roots


def _signed_pdfs(ctx: CheckContext) -> Iterator[str]:
    for path in ctx.originals():
        if ctx.facts(path).format.family == "PDF":
            yield path


def _report(path: str, emb: object, vc: ValidationContext) -> SignatureReport:
    status = validate_pdf_signature(emb, vc)  # type: ignore[arg-type]
    ts = status.timestamp_validity
    return SignatureReport(
        path=path,
        field=str(getattr(emb, "field_name", "")),
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        coverage=status.coverage.name if status.coverage else "UNKNOWN",
        modification_level=status.modification_level.name
        if status.modification_level
        else "UNKNOWN",
        docmdp_ok=status.docmdp_ok,
        signer=status.signing_cert.subject.human_friendly,
        signed_at=status.signer_reported_dt.isoformat() if status.signer_reported_dt else "",
        algorithm=str(status.pkcs7_signature_mechanism),
        timestamp=None if ts is None else (bool(ts.intact), bool(ts.valid), bool(ts.trusted)),
    )


def signature_reports(ctx: CheckContext) -> dict[str, list[SignatureReport] | str]:
    """Per PDF: its signature reports, or the error text when the signatures cannot be read."""

    def compute() -> dict[str, list[SignatureReport] | str]:
        vc = ValidationContext(
            trust_roots=load_trust_roots(ctx.trust_dir), allow_fetching=False, moment=ctx.clock()
        )
        out: dict[str, list[SignatureReport] | str] = {}
        for path in _signed_pdfs(ctx):
            try:
                with warnings.catch_warnings(), open(ctx.local(path), "rb") as fp:
                    warnings.simplefilter("ignore")
                    reader = PdfFileReader(fp, strict=False)
                    out[path] = [_report(path, emb, vc) for emb in reader.embedded_signatures]
            except (PdfError, SignatureValidationError, ValueError, KeyError, OSError) as exc:
                out[path] = f"{type(exc).__name__}: {exc}"
        return out

    return ctx.memo("pdf-signatures", compute)


def _one(ctx: CheckContext, r: SignatureReport, have_roots: bool) -> list[Finding]:
    kw = {"path": r.path, "field": r.field, "tool": TOOL}
    out = [
        make("PDF_SIGNATURE_INTACT" if r.intact else "PDF_SIGNATURE_TAMPERED", **kw),
        make(
            "PDF_SIGNATURE_VALID" if r.valid else "PDF_SIGNATURE_INVALID",
            algorithm=r.algorithm,
            **kw,
        ),
    ]
    if r.trusted:
        out.append(make("PDF_SIGNATURE_TRUSTED", signer=r.signer, **kw))
    elif not have_roots:
        out.append(make("TRUST_STORE_MISSING", path=r.path, tool=TOOL))
    else:
        out.append(make("PDF_SIGNATURE_UNTRUSTED", signer=r.signer, **kw))
    if r.coverage != SignatureCoverageLevel.ENTIRE_FILE.name:
        out.append(
            make(
                "PDF_SIGNATURE_COVERAGE",
                coverage=r.coverage,
                expected="ENTIRE_FILE",
                found=r.coverage,
                **kw,
            )
        )
    allowed = {level.name for level in _ALLOWED_LEVELS}
    if r.modification_level not in allowed or r.docmdp_ok is False:
        out.append(
            make(
                "PDF_SIGNATURE_MODIFIED",
                level=r.modification_level,
                expected="FORM_FILLING or less",
                found=r.modification_level,
                **kw,
            )
        )
    detail = r.detail()
    return [Finding(**{**f.__dict__, "detail": {**f.detail, **detail}}) for f in out]


def pdf_signatures(ctx: CheckContext) -> list[Finding]:
    """Every signature of every PDF; files declared signed must carry one."""
    have_roots = bool(load_trust_roots(ctx.trust_dir))
    declared = {f"original/{e.path}" for e in ctx.case.files if e.signed} if ctx.case else set()
    found: list[Finding] = []
    for path, reports in signature_reports(ctx).items():
        if isinstance(reports, str):
            found.append(make("PDF_SIGNATURE_UNREADABLE", path=path, error=reports, tool=TOOL))
            continue
        if not reports and path in declared:
            found.append(make("PDF_SIGNATURE_MISSING", path=path, tool=TOOL))
        for report in reports:
            found.extend(_one(ctx, report, have_roots))
    return found or [make("PDF_SIGNATURES_NONE", tool=TOOL)]


def timestamps(ctx: CheckContext) -> list[Finding]:
    found: list[Finding] = []
    for reports in signature_reports(ctx).values():
        for r in reports if isinstance(reports, list) else []:
            if r.timestamp is None:
                continue
            intact, valid, trusted = r.timestamp
            code = (
                "TIMESTAMP_INVALID"
                if not (intact and valid)
                else "TIMESTAMP_VALID"
                if trusted
                else "TIMESTAMP_UNTRUSTED"
            )
            found.append(make(code, path=r.path, field=r.field, tool=TOOL))
    return found or [make("TIMESTAMPS_NONE", tool=TOOL)]


def ofd_seals(ctx: CheckContext) -> list[Finding]:
    """Every OFD's GB/T 38540 / GM/T 0031 seals, verified by ``preservation.seals``."""
    ofds = [p for p in ctx.originals() if ctx.facts(p).format.name == "OFD"]
    if not ofds:
        return [make("OFD_NONE", Status.NOT_APPLICABLE)]
    trust = [cert.dump() for cert in load_trust_roots(ctx.trust_dir)]
    findings: list[Finding] = []
    for path in ofds:
        try:
            file_findings = verify_ofd(ctx.local(path), trust, ctx.clock())
        except Exception as exc:  # one file's error must not hide the other files' findings
            file_findings = [verifier_error(path, exc)]
        for f in file_findings:
            # the file is the finding's path; the part inside the OFD goes to the evidence
            part = {"part": f.path} if f.path else {}
            findings.append(replace(f, path=path, detail={**f.detail, **part}))
    return findings


def _all(suffix: str) -> tuple[str, ...]:
    return tuple(f"{stage}-{suffix}" for stage in ("GD", "YJ", "BC"))


CHECKS = (
    Check(_all("1-1-2"), pdf_signatures),
    Check(_all("1-1-3"), timestamps),
    Check(_all("1-1-4"), ofd_seals),
)

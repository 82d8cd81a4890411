"""One PDF's embedded signatures as pyHanko judges them, and the findings that judgement gives.

Intact (the signed bytes are unchanged), valid (the cryptography holds) and trusted (the signer
chains to a configured root) stay separate verdicts. Later revisions follow pyHanko's modification
analysis: a signature covering the ENTIRE_FILE passes; one covering its ENTIRE_REVISION passes when
the later revisions only do what its DocMDP level allows (a second signature, form filling,
LTA updates), as pyHanko's ``docmdp_ok`` says; any other change (OTHER, a suspicious modification),
any nonstandard coverage (a tail left out, unclear or single byte ranges) and bytes appended after
the last revision FAIL. A PAdES-LTA document time-stamp is judged the same way; a signature
dictionary no field holds is a review. pyHanko's own reason (its AdES sub-indication, the text
of a suspicious modification or of a malformed signature) goes into the finding.

Reads: one local PDF and the validation context. Raises: nothing — an unexpected error becomes a
MANUAL_REVIEW finding for that one file or signature.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from pyhanko.pdf_utils.misc import PdfError
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.ades.report import AdESIndeterminate, AdESStatus
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import (
    DocumentTimestampStatus,
    ModificationInfo,
    PdfSignatureStatus,
    SignatureCoverageLevel,
)
from pyhanko_certvalidator import ValidationContext

from standards.finding import Finding, Status
from standards.findings import make

__all__ = [
    "PdfSignatures",
    "SignatureReport",
    "appended_bytes",
    "read_signatures",
    "signature_findings",
]

TOOL = f"pyHanko {metadata.version('pyhanko')}"
_ALLOWED_LEVELS = frozenset(
    level.name
    for level in (
        ModificationLevel.NONE,
        ModificationLevel.LTA_UPDATES,
        ModificationLevel.FORM_FILLING,
        ModificationLevel.ANNOTATIONS,  # only when the DocMDP level allows it (docmdp_ok)
    )
)
_PDF_WHITESPACE = b"\x00\t\n\x0c\r "
_UNREADABLE = (PdfError, ValueError, KeyError, IndexError, OSError, EOFError)


@dataclass(frozen=True)
class SignatureReport:
    """One embedded signature, as pyHanko judged it (``error`` set: it could not be judged)."""

    path: str
    field: str
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    coverage: str = "UNKNOWN"
    modification_level: str = "UNKNOWN"
    docmdp_ok: bool | None = None
    docmdp_level: str = ""
    modification_reason: str = ""
    trust_problem: str = ""
    signer: str = ""
    signed_at: str = ""
    algorithm: str = ""
    digest: str = ""
    timestamp: tuple[bool, bool, bool] | None = None  # intact, valid, trusted of its timestamp
    error: str = ""
    malformed: bool = False  # pyHanko's AdES result is FAILED (not INDETERMINATE)

    def detail(self) -> dict[str, str]:
        out = {
            "field": self.field,
            "intact": str(self.intact).lower(),
            "valid": str(self.valid).lower(),
            "trusted": str(self.trusted).lower(),
            "coverage": self.coverage,
            "modification_level": self.modification_level,
            "docmdp_ok": "unknown" if self.docmdp_ok is None else str(self.docmdp_ok).lower(),
            "signer": self.signer,
            "signed_at": self.signed_at,
        }
        extra = {
            "docmdp_level": self.docmdp_level,
            "trust_problem": self.trust_problem,
            "modification_reason": self.modification_reason,
            "error": self.error,
        }
        return {**out, **{k: v for k, v in extra.items() if v}}


@dataclass(frozen=True)
class PdfSignatures:
    """Every signature of one PDF, the bytes after its last revision, or why it was not read."""

    path: str
    reports: tuple[SignatureReport, ...] = ()
    appended: int = 0  # bytes after the last %%EOF that are not whitespace
    error: str = ""
    unexpected: bool = False  # the error is not a malformed file but a failure of the check


def appended_bytes(data: bytes) -> int:
    """How many bytes follow the last ``%%EOF`` marker, whitespace excepted (all if none)."""
    end = data.rfind(b"%%EOF")
    tail = data[end + len(b"%%EOF") :] if end >= 0 else data
    return len(tail.strip(_PDF_WHITESPACE))


def _name(value: object) -> str:
    return str(getattr(value, "name", "") or "")


def _reason(status: ModificationInfo) -> str:
    diff = status.diff_result
    if diff is None or hasattr(diff, "modification_level"):
        return ""
    return " ".join(str(diff).split())[:400]


def _report(path: str, emb: object, vc: ValidationContext) -> SignatureReport:
    field = str(getattr(emb, "field_name", "") or "")
    document_timestamp = getattr(emb, "sig_object_type", "") == "/DocTimeStamp"
    status: PdfSignatureStatus | DocumentTimestampStatus
    try:
        if document_timestamp:  # a PAdES-LTA document timestamp, judged like a signature
            status = validate_pdf_timestamp(emb, validation_context=vc)  # type: ignore[arg-type]
        else:
            status = validate_pdf_signature(emb, vc)  # type: ignore[arg-type]
    except SignatureValidationError as exc:
        failed = exc.ades_status is AdESStatus.FAILED
        return SignatureReport(path, field, error=f"{exc}", malformed=failed)
    except Exception as exc:  # never raise: pyHanko or the file broke in an unforeseen way
        return SignatureReport(path, field, error=f"{type(exc).__name__}: {exc}")
    ts = getattr(status, "timestamp_validity", None)
    cert = status.signing_cert
    when = getattr(status, "signer_reported_dt", None) or getattr(status, "timestamp", None)
    return SignatureReport(
        path=path,
        field=field,
        intact=bool(status.intact),
        valid=bool(status.valid),
        trusted=bool(status.trusted),
        coverage=_name(status.coverage) or "UNKNOWN",
        modification_level=_name(status.modification_level) or "UNKNOWN",
        docmdp_ok=status.docmdp_ok,
        docmdp_level=_name(getattr(emb, "docmdp_level", None)),
        modification_reason=_reason(status),
        trust_problem=_name(status.trust_problem_indic),
        signer=cert.subject.human_friendly if cert is not None else "",
        signed_at=when.isoformat() if when else "",
        algorithm=str(status.pkcs7_signature_mechanism),
        digest=str(status.md_algorithm),
        timestamp=None if ts is None else (bool(ts.intact), bool(ts.valid), bool(ts.trusted)),
    )


def read_signatures(path: str, local: Path, vc: ValidationContext) -> PdfSignatures:
    """pyHanko's judgement of every signature of ``local`` (reported under ``path``)."""
    try:
        data = local.read_bytes()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfFileReader(io.BytesIO(data), strict=False)
            embedded = list(reader.embedded_signatures)
            reports = tuple(_report(path, emb, vc) for emb in embedded)
        if not reports and b"/ByteRange" in data:
            error = (
                "a signature dictionary (/ByteRange) is present, but no signature field holds it"
            )
            return PdfSignatures(path, error=error, unexpected=True)
    except _UNREADABLE as exc:
        return PdfSignatures(path, error=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # never raise: one file's failure is that file's finding
        return PdfSignatures(path, error=f"{type(exc).__name__}: {exc}", unexpected=True)
    return PdfSignatures(path, reports, appended=appended_bytes(data))


def _trust(r: SignatureReport, have_roots: bool, kw: dict[str, str]) -> Finding:
    if r.trusted:
        return make("PDF_SIGNATURE_TRUSTED", signer=r.signer, **kw)
    if r.trust_problem == AdESIndeterminate.CRYPTO_CONSTRAINTS_FAILURE.name:
        return make(
            "PDF_SIGNATURE_ALGORITHM_REFUSED",
            reason=r.trust_problem,
            digest=r.digest,
            algorithm=r.algorithm,
            **kw,
        )
    if not have_roots:
        return make("TRUST_STORE_MISSING", path=r.path, tool=TOOL)
    return make(
        "PDF_SIGNATURE_UNTRUSTED", signer=r.signer, reason=r.trust_problem or "no path", **kw
    )


def _coverage(r: SignatureReport, appended: int, kw: dict[str, str]) -> list[Finding]:
    whole = SignatureCoverageLevel.ENTIRE_FILE.name
    if r.coverage == whole:
        return []
    if appended:
        reason = f"{appended} bytes after the last revision belong to no revision"
        return [
            make(
                "PDF_SIGNATURE_COVERAGE",
                coverage="APPENDED_BYTES",
                reason=reason,
                expected=whole,
                found=r.coverage,
                **kw,
            )
        ]
    if r.coverage != SignatureCoverageLevel.ENTIRE_REVISION.name:
        reason = r.modification_reason or "nonstandard byte range"
        return [
            make(
                "PDF_SIGNATURE_COVERAGE",
                coverage=r.coverage,
                reason=reason,
                expected=whole,
                found=r.coverage,
                **kw,
            )
        ]
    level = r.modification_level
    if level in _ALLOWED_LEVELS and r.docmdp_ok:
        return [make("PDF_SIGNATURE_REVISIONS_ALLOWED", level=level, **kw)]
    undecided = level in _ALLOWED_LEVELS and r.docmdp_ok is None
    status = Status.MANUAL_REVIEW if undecided else None
    reason = r.modification_reason or (
        "DocMDP compliance undetermined" if r.docmdp_ok is None else "not allowed by DocMDP"
    )
    return [
        make(
            "PDF_SIGNATURE_MODIFIED",
            status,
            level=level,
            reason=reason,
            expected=f"a change its DocMDP level allows ({r.docmdp_level or 'FILL_FORMS'})",
            found=level,
            **kw,
        )
    ]


def _one(r: SignatureReport, appended: int, have_roots: bool) -> list[Finding]:
    kw = {"path": r.path, "field": r.field, "tool": TOOL}
    if r.error:
        code = "PDF_SIGNATURE_MALFORMED" if r.malformed else "PDF_SIGNATURE_UNVERIFIABLE"
        out = [make(code, reason=r.error, **kw)]
    else:
        out = [
            make("PDF_SIGNATURE_INTACT" if r.intact else "PDF_SIGNATURE_TAMPERED", **kw),
            make(
                "PDF_SIGNATURE_VALID" if r.valid else "PDF_SIGNATURE_INVALID",
                algorithm=r.algorithm,
                **kw,
            ),
            _trust(r, have_roots, kw),
            *_coverage(r, appended, kw),
        ]
    detail = r.detail()
    return [Finding(**{**f.__dict__, "detail": {**detail, **f.detail}}) for f in out]


def signature_findings(pdf: PdfSignatures, have_roots: bool, declared: bool) -> list[Finding]:
    """The findings of one PDF's signatures (``declared``: its metadata says it is signed)."""
    if pdf.error:
        code = "PDF_SIGNATURES_UNCHECKED" if pdf.unexpected else "PDF_SIGNATURE_UNREADABLE"
        return [make(code, path=pdf.path, error=pdf.error, tool=TOOL)]
    found: list[Finding] = []
    if not pdf.reports and declared:
        found.append(make("PDF_SIGNATURE_MISSING", path=pdf.path, tool=TOOL))
    for report in pdf.reports:
        found.extend(_one(report, pdf.appended, have_roots))
    return found

"""PDF signatures and seals (x-1-1-2), their timestamps (x-1-1-3) and OFD seals (x-1-1-4).

pyHanko validates each embedded signature offline against the configured trust store (a
directory of PEM/DER root certificates); ``pdf_signature`` turns its verdicts into findings.
Intact, valid and trusted are reported SEPARATELY: an intact signature by an unknown signer is
MANUAL_REVIEW, never "tampered". Later revisions are judged by pyHanko's modification analysis:
a countersignature or form filling that the signature's DocMDP level allows passes; a page swapped
by a later incremental update, nonstandard coverage or bytes appended after the last revision
FAIL. Reads: the PDFs and the trust store.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from asn1crypto import x509 as asn1_x509

from package.certificates import certificates_in_folder
from preservation.seals import verifier_error, verify_ofd
from standards.finding import Finding, Status
from standards.findings import make

from .base import Check
from .context import CheckContext

if TYPE_CHECKING:  # pyHanko is imported by the first check that reads a PDF's signatures
    from .pdf_signature import PdfSignatures

__all__ = ["CHECKS", "load_trust_roots"]


def load_trust_roots(trust_dir: Path | None) -> list[asn1_x509.Certificate]:
    """Every certificate file in ``trust_dir`` (PEM bundles or DER); private keys are skipped."""
    roots: list[asn1_x509.Certificate] = []
    for der in certificates_in_folder(trust_dir) if trust_dir is not None else ():
        try:
            roots.append(asn1_x509.Certificate.load(der))
        except ValueError:
            continue
    return roots


def _signed_pdfs(ctx: CheckContext) -> Iterator[str]:
    for path in ctx.originals():
        if ctx.facts(path).format.family == "PDF":
            yield path


def signature_reports(ctx: CheckContext) -> dict[str, PdfSignatures]:
    """Per PDF: pyHanko's judgement of its signatures, or why they could not be read."""

    def compute() -> dict[str, PdfSignatures]:
        from pyhanko_certvalidator import ValidationContext

        from .pdf_signature import PdfSignatures, read_signatures

        vc = ValidationContext(
            trust_roots=load_trust_roots(ctx.trust_dir), allow_fetching=False, moment=ctx.clock()
        )
        out: dict[str, PdfSignatures] = {}
        for path in _signed_pdfs(ctx):
            try:
                out[path] = read_signatures(path, ctx.local(path), vc)
            except Exception as exc:  # never raise: this file's failure is this file's finding
                error = f"{type(exc).__name__}: {exc}"
                out[path] = PdfSignatures(path, error=error, unexpected=True)
        return out

    return ctx.memo("pdf-signatures", compute)


def pdf_signatures(ctx: CheckContext) -> list[Finding]:
    """Every signature of every PDF; files declared signed must carry one."""
    from .pdf_signature import TOOL, signature_findings

    have_roots = bool(load_trust_roots(ctx.trust_dir))
    declared = {f"original/{e.path}" for e in ctx.case.files if e.signed} if ctx.case else set()
    found: list[Finding] = []
    for path, pdf in signature_reports(ctx).items():
        found.extend(signature_findings(pdf, have_roots, path in declared))
    return found or [make("PDF_SIGNATURES_NONE", tool=TOOL)]


def timestamps(ctx: CheckContext) -> list[Finding]:
    from .pdf_signature import TOOL

    found: list[Finding] = []
    for pdf in signature_reports(ctx).values():
        for r in pdf.reports:
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

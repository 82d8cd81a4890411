"""PDF/A validation for files that claim PDF/A: a validator plus our own clause rules.

The validator is ``pikepdf.pdfa`` (veraPDF rule ids). It is strict by design and trusts file
syntax, so three of its areas are replaced or completed by rules of our own, fixed clause by
clause against the veraPDF corpus: XMP metadata (``pdfa_xmp``: predefined schemas of the XMP
Specification, extension schemas, value types, identification), and file syntax
(``pdfa_syntax``: header, trailer, cross-reference table, strings, streams, object spacing).
Level A and U claims are checked against level B; a pass there is not a pass for the level.

A signed file is validated in the revision before its first signature (the signature's own
incremental update is not part of the PDF/A document as created). No validator, a flavour it
does not know, constructs nothing here decides, or an unexpected error: ``Verdict.UNVERIFIED``
with the reason, never a pass. Reads: one local file. Raises: nothing.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import pikepdf

from .pdfa_document import correct, document_issues
from .pdfa_issue import Issue
from .pdfa_syntax import check_syntax
from .pdfa_xmp import OWN_XMP_CLAUSES, check_xmp

__all__ = ["PdfaResult", "Verdict", "revision_before_signature", "validate_pdfa", "validator"]

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_EOF = re.compile(rb"%%EOF[\r\n]*")
_FLAVOUR = re.compile(r"([123])([abu])")
_OWN_LOCAL = ("pikepdf:xmp-default-namespace",)
_INFO_KEYS = ("/Title", "/Author", "/Subject", "/Keywords", "/Creator", "/Producer")


class Verdict(StrEnum):
    VALID = "valid"
    INVALID = "invalid"
    UNVERIFIED = "unverified"


@dataclass(frozen=True)
class PdfaResult:
    verdict: Verdict
    flavour: str
    reason: str = ""
    rules: tuple[str, ...] = ()
    tool: str = ""


def validator() -> str | None:
    """The validator's name and version, or None when ``pikepdf[pdfa]`` is not installed."""
    try:
        import pikepdf.pdfa
    except ImportError:
        return None
    return f"pikepdf.pdfa {pikepdf.__version__} + earchive clause rules"


def revision_before_signature(data: bytes) -> bytes | None:
    """The bytes of the revision before the first signature, or None if it has none."""
    starts = [int(m[2]) for m in _BYTE_RANGE.finditer(data)]
    if not starts:
        return data
    first = min(starts)  # offset of the first signature's /Contents value
    cut = None
    for match in _EOF.finditer(data, 0, first):
        cut = match.end()
    return data[:cut] if cut else None


def _owned(rule: str, part: int) -> bool:
    clause = rule.partition(":")[2]
    return rule in _OWN_LOCAL or clause.startswith(OWN_XMP_CLAUSES[1 if part == 1 else 2])


def _validator_issues(data: bytes, part: int) -> list[Issue] | None:
    try:
        from pikepdf.pdfa import validate_written
    except ImportError:
        return None
    report = validate_written(io.BytesIO(data), f"{part}b")
    return [
        Issue(f.rule, f.where, f.message, f.kind)
        for f in report.findings
        if not _owned(f.rule, part)
    ]


def _resolver(pdf: pikepdf.Pdf):  # type: ignore[no-untyped-def]
    def resolve(number: int, generation: int) -> int | None:
        try:
            value = pdf.get_object((number, generation))
        except (pikepdf.PdfError, ValueError, KeyError):
            return None
        return int(value) if isinstance(value, int) else None

    return resolve


def _xmp_issues(pdf: pikepdf.Pdf, part: int) -> list[Issue]:
    metadata = pdf.Root.get("/Metadata")
    if not isinstance(metadata, pikepdf.Stream):
        return []  # the validator reports the missing metadata (6.7.2-1 / 6.6.2.1-1)
    try:
        raw = metadata.read_bytes()
    except pikepdf.PdfError as exc:
        return [Issue("pikepdf:xmp", "metadata", f"unreadable: {exc}", "unsupported")]
    report = check_xmp(raw, part)
    issues = list(report.issues)
    info = pdf.trailer.get("/Info")
    compared = (*_INFO_KEYS, "/CreationDate", "/ModDate")
    if (
        part == 1
        and not report.utf8
        and isinstance(info, pikepdf.Dictionary)
        and any(key in info for key in compared)
    ):
        message = "Info and XMP not compared: the XMP packet is not UTF-8"
        issues.append(Issue("ISO_19005_1:6.7.3-1", "Info", message, "unsupported"))
    return issues


def _issues(data: bytes, part: int) -> list[Issue]:
    """The validator's issues (corrected) and those of our own rules."""
    found = _validator_issues(data, part)
    if found is None:
        missing = "pikepdf[pdfa] is not installed"
        found = [Issue("pikepdf.pdfa", "validator", missing, "unsupported")]
    try:
        pdf = pikepdf.open(io.BytesIO(data))
    except (pikepdf.PdfError, ValueError) as exc:
        return [*found, Issue("pikepdf:open", "file", f"does not open: {exc}", "unsupported")]
    with pdf:
        own, facts = document_issues(pdf, part)
        return [
            *correct(found, pdf, part, facts),
            *check_syntax(data, part, _resolver(pdf)),
            *_xmp_issues(pdf, part),
            *own,
        ]


def _result(flavour: str, level: str, issues: Iterable[Issue], tool: str) -> PdfaResult:
    found = list(issues)
    violations = tuple(sorted({i.rule for i in found if i.kind == "violation"}))
    if violations:
        return PdfaResult(Verdict.INVALID, flavour, rules=violations, tool=tool)
    unsupported = sorted({f"{i.rule} ({i.message[:80]})" for i in found})
    if unsupported:
        reason = "not checked: " + "; ".join(unsupported[:5])
        return PdfaResult(Verdict.UNVERIFIED, flavour, reason, tool=tool)
    if level != "b":
        reason = f"conforms to level B; the level {level.upper()} requirements are not checked"
        return PdfaResult(Verdict.UNVERIFIED, flavour, reason, tool=tool)
    return PdfaResult(Verdict.VALID, flavour, tool=tool)


def _validate(path: Path, flavour: str, signed: bool) -> PdfaResult:
    tool = validator() or "earchive clause rules (pikepdf[pdfa] is not installed)"
    match = _FLAVOUR.fullmatch(flavour)
    if match is None:
        return PdfaResult(
            Verdict.UNVERIFIED, flavour, f"no validator for PDF/A-{flavour}", tool=tool
        )
    part, level = int(match[1]), match[2]
    data = path.read_bytes()
    if signed:
        before = revision_before_signature(data)
        if before is None:
            reason = "signed in its first revision; no unsigned revision to validate"
            return PdfaResult(Verdict.UNVERIFIED, flavour, reason, tool=tool)
        data = before
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        issues = _issues(data, part)
    return _result(flavour, level, issues, tool)


def validate_pdfa(path: Path, flavour: str, signed: bool) -> PdfaResult:
    """Validate ``path`` against ``flavour`` (``1b``, ``2b``, ``3b``; ``a``/``u`` as level B)."""
    flavour = flavour.lower()
    try:
        return _validate(path, flavour, signed)
    except Exception as exc:  # never raise: one file's failure is that file's finding
        reason = f"the check failed: {type(exc).__name__}: {exc}"
        return PdfaResult(Verdict.UNVERIFIED, flavour, reason, tool=validator() or "")

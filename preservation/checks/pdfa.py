"""PDF/A validation with ``pikepdf.pdfa`` (veraPDF rule ids) for files that claim PDF/A.

A signed file is validated in the revision before its first signature (the signature's own
incremental update is not part of the PDF/A document as created). No validator installed, a
flavour it does not know, or constructs it does not check: ``Verdict.UNVERIFIED`` with the
reason, never a pass. Reads: one local file. Raises: nothing.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

__all__ = ["PdfaResult", "Verdict", "revision_before_signature", "validate_pdfa", "validator"]

_BYTE_RANGE = re.compile(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]")
_EOF = re.compile(rb"%%EOF[\r\n]*")


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
    return f"pikepdf.pdfa {pikepdf.__version__}"


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


def validate_pdfa(path: Path, flavour: str, signed: bool) -> PdfaResult:
    """Validate ``path`` against ``flavour`` (``1b``, ``2b``, ``3b``)."""
    tool = validator()
    flavour = flavour.lower()
    if tool is None:
        return PdfaResult(Verdict.UNVERIFIED, flavour, "pikepdf[pdfa] is not installed")
    from pikepdf.pdfa import Flavour, validate_written

    if flavour not in {f.value for f in Flavour}:
        return PdfaResult(
            Verdict.UNVERIFIED, flavour, f"no validator for PDF/A-{flavour}", tool=tool
        )
    data = path.read_bytes()
    if signed:
        before = revision_before_signature(data)
        if before is None:
            reason = "signed in its first revision; no unsigned revision to validate"
            return PdfaResult(Verdict.UNVERIFIED, flavour, reason, tool=tool)
        data = before
    report = validate_written(io.BytesIO(data), flavour)
    violations = tuple(sorted({f.rule for f in report.findings if f.kind == "violation"}))
    if report.verdict == "pass":
        return PdfaResult(Verdict.VALID, flavour, tool=tool)
    if report.verdict == "fail":
        return PdfaResult(Verdict.INVALID, flavour, rules=violations, tool=tool)
    unsupported = sorted({f.rule for f in report.findings})[:5]
    return PdfaResult(
        Verdict.UNVERIFIED, flavour, "not checked: " + ", ".join(unsupported), tool=tool
    )

"""Making one preservation copy as the format policy says, and judging it before it is kept.

Office documents: LibreOffice writes a PDF (PDF/A-2 asked for), then Ghostscript writes the
PDF/A-2b copy; plain PDFs: Ghostscript alone. The copy is kept only when it identifies as
PDF/A-2b, the project's PDF/A check finds it VALID, and, for PDF originals, it keeps their pages
(the same count) and their text (at least ``TEXT_KEPT`` of the original's characters). Anything
else — a missing tool, a failed or timed-out run, a copy that does not pass — is
``CopyOutcome.manual`` with the reason; the original is never touched. Reads the original;
writes in ``work``. Raises nothing.
"""

from __future__ import annotations

import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pikepdf

from preservation.checks.pdfa import Verdict, validate_pdfa
from preservation.formats import identify
from preservation.text import TextExtractionError, extract_text
from standards.format_policy import PolicyRow

from .ghostscript import GS_OPTIONS, pdf_to_pdfa
from .libreoffice import office_to_pdf
from .tools import ToolError, ToolRun

__all__ = ["TEXT_KEPT", "ConversionLimits", "CopyOutcome", "ToolStep", "make_copy"]

TEXT_KEPT = 0.95
_TARGET = "PDF/A-2b"


@dataclass(frozen=True)
class ConversionLimits:
    """Per tool run: wall-clock seconds, and bytes of address space (not for soffice)."""

    seconds: float = 300.0
    memory_bytes: int | None = 2 << 30


@dataclass(frozen=True)
class ToolStep:
    """One tool run as the migration event records it."""

    tool: str
    version: str
    options: str
    seconds: float


@dataclass(frozen=True)
class CopyOutcome:
    """``path`` is the checked copy (None when ``manual``); ``reason`` says why not."""

    path: Path | None
    format: str
    steps: tuple[ToolStep, ...] = ()
    validation: str = ""
    reason: str = ""
    notes: tuple[str, ...] = field(default=())

    @property
    def manual(self) -> bool:
        return self.path is None


def _step(run: ToolRun, options: str) -> ToolStep:
    return ToolStep(run.tool, run.version, options, round(run.seconds, 3))


def _chars(path: Path) -> Counter[str]:
    try:
        text = extract_text(path, "PDF").text
    except TextExtractionError:
        return Counter()
    return Counter(c for c in text if not c.isspace())


def _text_kept(original: Path, copy: Path) -> str:
    """Empty when the copy keeps the original's text, else the reason."""
    before = _chars(original)
    if not before:
        return ""
    after = _chars(copy)
    kept = sum(min(n, after[c]) for c, n in before.items()) / sum(before.values())
    if kept < TEXT_KEPT:
        return f"the copy keeps {kept:.0%} of the original's text (at least {TEXT_KEPT:.0%} due)"
    return ""


def _pages(path: Path) -> int | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pikepdf.open(path) as pdf:
                return len(pdf.pages)
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RuntimeError, OSError):
        return None


def _pages_kept(original: Path, copy: Path) -> str:
    """Empty when the copy has the original's pages, else the reason."""
    before, after = _pages(original), _pages(copy)
    if before is None or before == 0 or before != after:
        return f"the copy has {after} page(s), the original {before if before else 'none readable'}"
    return ""


def _judge(copy: Path, steps: list[ToolStep], original: Path, is_pdf: bool) -> CopyOutcome:
    found = identify(copy)
    if found.name != _TARGET:
        reason = f"the copy identifies as {found.name}, not {_TARGET}"
        return CopyOutcome(None, _TARGET, tuple(steps), reason=reason)
    result = validate_pdfa(copy, "2b", signed=False)
    if result.verdict is not Verdict.VALID:
        why = result.reason or ", ".join(result.rules[:5])
        reason = f"the copy is not valid {_TARGET} ({result.verdict.value}: {why})"
        return CopyOutcome(None, _TARGET, tuple(steps), validation=result.tool, reason=reason)
    lost = (_pages_kept(original, copy) or _text_kept(original, copy)) if is_pdf else ""
    if lost:
        return CopyOutcome(None, _TARGET, tuple(steps), validation=result.tool, reason=lost)
    return CopyOutcome(copy, _TARGET, tuple(steps), validation=result.tool)


def make_copy(
    original: Path, kind: str, policy: PolicyRow, work: Path, limits: ConversionLimits
) -> CopyOutcome:
    """The preservation copy of ``original`` (identified as ``kind``) per ``policy``, made and
    checked in ``work`` (an empty scratch directory)."""
    if policy.normalise_to != _TARGET or policy.tool not in ("libreoffice", "ghostscript"):
        reason = f"no converter for {kind} → {policy.normalise_to} with {policy.tool!r}"
        return CopyOutcome(None, policy.normalise_to, reason=reason)
    steps: list[ToolStep] = []
    source, is_pdf = original, kind == "PDF"
    try:
        if policy.tool == "libreoffice":
            source, run = office_to_pdf(
                original, kind, policy.options, work, timeout=limits.seconds
            )
            steps.append(_step(run, f"--convert-to {policy.options}"))
        dest = work / "copy.pdf"
        gs_work = work / "gs"
        gs_work.mkdir()
        run = pdf_to_pdfa(
            source, dest, gs_work, timeout=limits.seconds, memory_bytes=limits.memory_bytes
        )
        steps.append(_step(run, " ".join(GS_OPTIONS)))
    except ToolError as exc:
        return CopyOutcome(None, _TARGET, tuple(steps), reason=str(exc))
    return _judge(dest, steps, original, is_pdf)

"""Text extraction for the full-text index and the "does it open" usability check.

Reads: one file. Writes: nothing. PDFs go through poppler's ``pdftotext`` (fast, CJK-aware),
falling back to pypdf when poppler is absent; XML gives its character data; images have no text.
Raises ``TextExtractionError`` when a file that should hold text cannot be read.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

MAX_CHARS = 200_000


class TextExtractionError(Exception):
    """The file could not be opened to read its text."""


@dataclass(frozen=True)
class ExtractedText:
    text: str
    tool: str


def _pdftotext(path: Path, exe: str) -> str:
    proc = subprocess.run(
        [exe, "-q", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        timeout=120,
        check=False,
    )
    if proc.returncode != 0:
        raise TextExtractionError(
            f"pdftotext exit {proc.returncode}: {proc.stderr.decode('utf-8', 'replace')[:200]}"
        )
    return proc.stdout.decode("utf-8", "replace")


def _pypdf(path: Path) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(str(path))
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except (PyPdfError, ValueError, KeyError, OSError) as exc:
        raise TextExtractionError(f"pypdf: {exc}") from exc


def _xml(path: Path) -> str:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.parse(str(path), parser).getroot()
    except etree.XMLSyntaxError as exc:
        raise TextExtractionError(f"xml: {exc}") from exc
    return " ".join(t.strip() for t in root.itertext() if t.strip())


def extract_text(path: Path, format_name: str) -> ExtractedText:
    """Text of a PDF (any PDF/A level) or XML file; empty text for images and OFD."""
    upper = format_name.upper()
    if upper.startswith("PDF"):
        exe = shutil.which("pdftotext")
        if exe:
            return ExtractedText(_pdftotext(path, exe)[:MAX_CHARS], "pdftotext")
        return ExtractedText(_pypdf(path)[:MAX_CHARS], "pypdf")
    if upper == "XML":
        return ExtractedText(_xml(path)[:MAX_CHARS], "lxml")
    return ExtractedText("", "none")

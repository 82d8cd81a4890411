"""Text extraction for the full-text index and the "does it open" usability check.

Reads: one file. Writes: nothing. PDFs are read in process by PDFium (``pypdfium2``: the
renderer of Chromium, CJK-aware through each font's ToUnicode map; no process per file), XML gives
its character data; images have no text.
Raises ``TextExtractionError`` when a file that should hold text cannot be read.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

MAX_CHARS = 200_000

# PDFium is not thread-safe: one document at a time per process (the web server's threads)
_PDFIUM = threading.Lock()


class TextExtractionError(Exception):
    """The file could not be opened to read its text."""


@dataclass(frozen=True)
class ExtractedText:
    text: str
    tool: str


def _pdfium(path: Path) -> str:
    """The text of every page, in PDFium's reading order, up to ``MAX_CHARS``."""
    import pypdfium2 as pdfium

    pages: list[str] = []
    size = 0
    with _PDFIUM:
        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as exc:
            raise TextExtractionError(f"pdfium: {exc}") from exc
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                try:
                    textpage = page.get_textpage()
                    try:
                        text = textpage.get_text_bounded()
                    finally:
                        textpage.close()
                finally:
                    page.close()
                pages.append(text.replace("\r\n", "\n"))
                size += len(text)
                if size >= MAX_CHARS:
                    break
        except pdfium.PdfiumError as exc:
            raise TextExtractionError(f"pdfium: page {len(pages) + 1}: {exc}") from exc
        finally:
            pdf.close()
    return "\n\f".join(pages)


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
        return ExtractedText(_pdfium(path)[:MAX_CHARS], "pdfium")
    if upper == "XML":
        return ExtractedText(_xml(path)[:MAX_CHARS], "lxml")
    return ExtractedText("", "none")

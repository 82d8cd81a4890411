""" "Does it open": one opener per format family, each returning a problem text or None.

PDF: ``qpdf --check`` when installed (exit 2 = errors), else pikepdf; then text extraction
(``preservation.text``). Images: Pillow ``verify()`` and then a fresh ``load()`` (verify alone
misses truncation). XML: a safe lxml parse. OFD: the ZIP's CRCs and ``OFD.xml``. DOCX/XLSX: the
ZIP's CRCs, ``[Content_Types].xml`` and the main part parse. DOC/XLS (WPS/ET): olefile opens the
compound file and reads its main stream. RTF: a ``{\\rtf`` group whose braces close.
Reads: one local file. Writes: nothing. Raises: nothing (problems are returned).
"""

from __future__ import annotations

import shutil
import subprocess
import warnings
import zipfile
from pathlib import Path

import olefile
import pikepdf
import PIL
from lxml import etree
from PIL import Image, UnidentifiedImageError

from preservation.text import TextExtractionError, extract_text

__all__ = ["open_problem", "opener_tool"]

_IMAGES = frozenset({"JPEG", "PNG", "TIFF"})
_OOXML_MAIN = {"DOCX": "word/document.xml", "XLSX": "xl/workbook.xml"}
_OLE_STREAMS = {"DOC": ("WordDocument",), "XLS": ("Workbook", "Book")}
_RTF_LIMIT = 64 << 20


def opener_tool(family: str) -> str:
    if family == "PDF":
        return "qpdf --check + pdfium" if shutil.which("qpdf") else "pikepdf + pdfium"
    if family in _IMAGES:
        return f"Pillow {PIL.__version__}"
    if family in ("XML", "OFD") or family in _OOXML_MAIN:
        return f"lxml {etree.__version__}"
    if family in _OLE_STREAMS:
        return f"olefile {olefile.__version__}"
    if family == "RTF":
        return "earchive RTF group check"
    return "none"


def _pdf(path: Path) -> str | None:
    exe = shutil.which("qpdf")
    if exe:
        proc = subprocess.run(
            [exe, "--check", str(path)], capture_output=True, text=True, timeout=300, check=False
        )
        if proc.returncode == 2:
            return f"qpdf: {(proc.stderr or proc.stdout).strip()[:300]}"
    else:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with pikepdf.open(path) as pdf:
                    problems = pdf.check_pdf_syntax()
            if problems:
                return f"pikepdf: {problems[0]}"
        except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RuntimeError) as exc:
            return f"pikepdf: {exc}"
    try:
        extract_text(path, "PDF")
    except TextExtractionError as exc:
        return str(exc)
    return None


def _image(path: Path) -> str | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with Image.open(path) as img:
                img.verify()
            with Image.open(path) as img:
                img.load()
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as exc:
        return f"Pillow: {exc}"
    return None


def _xml(data_path: Path) -> str | None:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        etree.parse(str(data_path), parser)
    except etree.XMLSyntaxError as exc:
        return f"lxml: {exc}"
    return None


def _zip_parts(path: Path, label: str, *parts: str) -> str | None:
    """Why a ZIP-based document (OFD, OOXML) does not open: a CRC error, or a named XML part
    that is missing or does not parse; None when every part parses."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        with zipfile.ZipFile(path) as archive:
            bad = archive.testzip()
            if bad is not None:
                return f"CRC error in {bad}"
            for part in parts:
                etree.fromstring(archive.read(part), parser)
    except (zipfile.BadZipFile, KeyError, OSError, etree.XMLSyntaxError) as exc:
        return f"{label}: {exc}"
    return None


def _ole(path: Path, streams: tuple[str, ...]) -> str | None:
    try:
        with olefile.OleFileIO(str(path)) as ole:
            name = next((s for s in streams if ole.exists(s)), None)
            if name is None:
                return f"OLE2: no {' or '.join(streams)} stream"
            with ole.openstream(name) as stream:
                stream.read()
    except (OSError, ValueError, IndexError) as exc:
        return f"OLE2: {exc}"
    return None


def _rtf(path: Path) -> str | None:
    data = path.read_bytes()[:_RTF_LIMIT]
    if not data.startswith(b"{\\rtf"):
        return "RTF: does not start with {\\rtf"
    depth = 0
    escaped = False
    for byte in data:
        if escaped:
            escaped = False
        elif byte == 0x5C:  # backslash: the next byte is literal
            escaped = True
        elif byte == 0x7B:
            depth += 1
        elif byte == 0x7D:
            depth -= 1
            if depth < 0:
                return "RTF: a brace closes a group that was never opened"
    return None if depth == 0 else f"RTF: {depth} group(s) never closed (truncated?)"


def open_problem(path: Path, family: str) -> str | None:
    """Why the file does not open as ``family`` (PDF, JPEG, PNG, TIFF, XML, OFD, DOCX, XLSX,
    DOC, XLS, RTF), or None."""
    if family == "PDF":
        return _pdf(path)
    if family in _IMAGES:
        return _image(path)
    if family == "XML":
        return _xml(path)
    if family == "OFD":
        return _zip_parts(path, "OFD", "OFD.xml")
    if family in _OOXML_MAIN:
        return _zip_parts(path, "OOXML", "[Content_Types].xml", _OOXML_MAIN[family])
    if family in _OLE_STREAMS:
        return _ole(path, _OLE_STREAMS[family])
    if family == "RTF":
        return _rtf(path)
    return f"no opener for format {family}"

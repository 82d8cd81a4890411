"""Format identification by content (never by file name) and matching against a declaration.

Reads: the first bytes of a file; for PDFs the XMP metadata of the document catalog (pikepdf),
for ZIPs the central directory. Writes: nothing. Raises: ``OSError`` when the file cannot be
read; a file that does not parse is reported in ``FormatId.detail``, never raised.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import Path

import olefile
import pikepdf

from standards.digits import is_ascii_digits

__all__ = [
    "ARCHIVE_FORMATS",
    "OFFICE_FORMATS",
    "FormatId",
    "archive_kind",
    "declared_matches",
    "identify",
]

HEAD_BYTES = 4096
PDF_MARKER_WINDOW = 1024

ARCHIVE_FORMATS = frozenset({"ZIP", "GZIP", "BZIP2", "XZ", "RAR", "7Z", "TAR"})
#: Office documents the contract admits (an extension: docs/formats.md). WPS 文字 and WPS 表格
#: files are OLE2 compound files with Word's and Excel's streams: by content they are DOC and XLS.
OFFICE_FORMATS = frozenset({"DOC", "DOCX", "XLS", "XLSX", "RTF"})
#: Declared names whose bytes identify as another name.
_SAME_BYTES = {"WPS": "DOC", "ET": "XLS"}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_OOXML_TYPES = "[Content_Types].xml"
_OOXML_TYPES_LIMIT = 1 << 20
_OOXML_MAIN = (  # the main part's content type in [Content_Types].xml → the format
    ("wordprocessingml.document.main+xml", "DOCX", "wordprocessingml.document"),
    ("spreadsheetml.sheet.main+xml", "XLSX", "spreadsheetml.sheet"),
)
_OOXML_MIME = "application/vnd.openxmlformats-officedocument."
_OLE_STREAMS = (
    ("worddocument", "DOC", "application/msword"),
    ("workbook", "XLS", "application/vnd.ms-excel"),
    ("book", "XLS", "application/vnd.ms-excel"),
)

_ARCHIVE_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"PK\x03\x04", "ZIP", "application/zip"),
    (b"PK\x05\x06", "ZIP", "application/zip"),
    (b"PK\x07\x08", "ZIP", "application/zip"),
    (b"\x1f\x8b", "GZIP", "application/gzip"),
    (b"BZh", "BZIP2", "application/x-bzip2"),
    (b"\xfd7zXZ\x00", "XZ", "application/x-xz"),
    (b"Rar!\x1a\x07", "RAR", "application/vnd.rar"),
    (b"7z\xbc\xaf\x27\x1c", "7Z", "application/x-7z-compressed"),
)
_IMAGE_MAGIC: tuple[tuple[bytes, str, str], ...] = (
    (b"\xff\xd8\xff", "JPEG", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "PNG", "image/png"),
    (b"II*\x00", "TIFF", "image/tiff"),
    (b"MM\x00*", "TIFF", "image/tiff"),
    (b"II+\x00", "TIFF", "image/tiff"),
    (b"MM\x00+", "TIFF", "image/tiff"),
)
_XML_START = re.compile(rb"^(?:<\?xml[\s?]|<!--|<[A-Za-z_:\x80-\xff])")
_PDF_VERSION = re.compile(rb"%PDF-(\d\.\d)")


@dataclass(frozen=True)
class FormatId:
    """What a file is: ``name`` (PDF, PDF/A-2b, OFD, JPEG, TIFF, PNG, XML, ZIP, …, UNKNOWN)."""

    name: str
    mime: str
    detail: str = ""

    @property
    def family(self) -> str:
        """The name without its profile: ``PDF/A-2b`` → ``PDF``."""
        return self.name.split("/", 1)[0]

    @property
    def is_archive(self) -> bool:
        return self.name in ARCHIVE_FORMATS


UNKNOWN = "UNKNOWN"


def _pdf(path: Path, head: bytes) -> FormatId:
    version = _PDF_VERSION.search(head[: PDF_MARKER_WINDOW + 16])
    base = f"PDF {version[1].decode()}" if version else "PDF"
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pikepdf.open(path) as pdf:
                meta = pdf.open_metadata()
                part = str(meta.get("pdfaid:part", "") or "").strip()
                conformance = str(meta.get("pdfaid:conformance", "") or "").strip().lower()
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RuntimeError) as exc:
        return FormatId("PDF", "application/pdf", f"{base}; does not open: {exc}")
    if is_ascii_digits(part):
        name = f"PDF/A-{part}{conformance}"
        return FormatId(name, "application/pdf", f"{base}; XMP pdfaid {part}{conformance.upper()}")
    return FormatId("PDF", "application/pdf", base)


def _zip(path: Path) -> FormatId:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError) as exc:
        return FormatId("ZIP", "application/zip", f"central directory unreadable: {exc}")
    with archive:
        names = set(archive.namelist())
        if "OFD.xml" in names:
            return FormatId("OFD", "application/ofd", "ZIP container with OFD.xml at its root")
        if _OOXML_TYPES in names:
            found = _ooxml(archive)
            if found is not None:
                return found
    return FormatId("ZIP", "application/zip", f"{len(names)} entries")


def _ooxml(archive: zipfile.ZipFile) -> FormatId | None:
    """A DOCX or XLSX told by the main part's content type in ``[Content_Types].xml``."""
    info = archive.getinfo(_OOXML_TYPES)
    if info.file_size > _OOXML_TYPES_LIMIT:
        return None
    try:
        types = archive.read(info)
    except (zipfile.BadZipFile, ValueError, NotImplementedError, EOFError, OSError):
        return None
    for marker, name, mime in _OOXML_MAIN:
        if marker.encode() in types:
            return FormatId(name, _OOXML_MIME + mime, f"OOXML package, {_OOXML_TYPES}: {marker}")
    return None


def _ole(path: Path) -> FormatId:
    """An OLE2 compound file: Word or Excel binary by the streams of its root storage."""
    try:
        with olefile.OleFileIO(str(path)) as ole:
            streams = {entry[0].lower() for entry in ole.listdir() if len(entry) == 1}
    except (OSError, ValueError, IndexError) as exc:
        return FormatId(UNKNOWN, "application/x-ole-storage", f"OLE2 unreadable: {exc}")
    for stream, name, mime in _OLE_STREAMS:
        if stream in streams:
            return FormatId(name, mime, f"OLE2 compound file with a {stream} stream")
    return FormatId(UNKNOWN, "application/x-ole-storage", "OLE2 file of no known office kind")


def _strip_bom(head: bytes) -> bytes:
    if head.startswith(b"\xef\xbb\xbf"):
        return head[3:]
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if head.startswith(bom):
            usable = len(head[2:]) // 2 * 2
            return head[2 : 2 + usable].decode(codec, errors="replace").encode("utf-8")
    return head


def identify(path: Path) -> FormatId:
    """Identify ``path`` by its bytes: PDF (PDF/A level from XMP), OFD, images, office documents
    (OOXML by ``[Content_Types].xml``, OLE2 by its streams, RTF), XML, archives."""
    with open(path, "rb") as fp:
        head = fp.read(HEAD_BYTES)
    if not head:
        return FormatId(UNKNOWN, "application/octet-stream", "empty file")
    if b"%PDF-" in head[:PDF_MARKER_WINDOW]:
        return _pdf(path, head)
    for magic, name, mime in _IMAGE_MAGIC:
        if head.startswith(magic):
            return FormatId(name, mime)
    if head.startswith(_OLE_MAGIC):
        return _ole(path)
    if head.startswith(b"{\\rtf"):
        return FormatId("RTF", "application/rtf")
    if any(head.startswith(magic) for magic, _, _ in _ARCHIVE_MAGIC[:3]):
        return _zip(path)
    for magic, name, mime in _ARCHIVE_MAGIC[3:]:
        if head.startswith(magic):
            return FormatId(name, mime)
    if len(head) >= 262 and head[257:262] == b"ustar":
        return FormatId("TAR", "application/x-tar")
    if _XML_START.match(_strip_bom(head).lstrip()):
        return FormatId("XML", "application/xml", "looks like XML; well-formedness not checked")
    return FormatId(UNKNOWN, "application/octet-stream")


def declared_matches(declared: str, found: FormatId) -> bool:
    """True when a declared format (case.xml ``file/format``) agrees with what was found.

    ``PDF`` accepts any PDF, PDF/A included; ``PDF/A-2b`` requires exactly PDF/A-2b (the
    conformance letter compared case-insensitively); ``WPS`` and ``ET`` accept what identifies as
    DOC and XLS (the same OLE2 streams); other names must be equal.
    """
    if declared == "PDF":
        return found.family == "PDF"
    return _SAME_BYTES.get(declared, declared).lower() == found.name.lower()


def archive_kind(head: bytes) -> str | None:
    """Return the archive format whose magic number starts ``head`` (ZIP, GZIP, …), else None.

    A ZIP may still be an OFD document: call ``identify`` on the file to tell them apart.
    """
    for magic, name, _ in _ARCHIVE_MAGIC:
        if head.startswith(magic):
            return name
    if len(head) >= 262 and head[257:262] == b"ustar":
        return "TAR"
    return None

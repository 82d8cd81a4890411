"""Access renditions: what the case page shows of a stored original, as the format policy's
``rendition`` column says — the original itself (PDF, JPEG, PNG), a PNG drawn from a TIFF (its
first page; Pillow) or from an OFD (its first page with its seals, ``preservation.ofd_render``),
or the PDF/A-2b preservation copy of an office document.

Renditions drawn here are cached outside the AIP, under ``<home>/renditions/`` by the SHA-256 of
the original (rebuildable: delete the folder and they are drawn again). This module decides
nothing about who may see what: callers go through ``earchive.access`` first.
Raises ``NotFoundError`` when a file has no rendition (yet).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from earchive.core.archive import Archive
from earchive.core.errors import NotFoundError
from package.derivation import DERIVED_PREFIX, Derivation, read_derivatives
from package.errors import PackageError
from preservation.conversion import ToolError, run_tool
from preservation.ofd_render import OfdRenderError, render_ofd_page
from search.records import ArchiveRecord, FileRow
from standards.format_policy import format_policy

__all__ = [
    "THUMBNAIL_PX",
    "Rendition",
    "derived_files",
    "open_rendition",
    "open_thumbnail",
    "rendition_kind",
    "thumbnail_source",
]

#: The longer side of a thumbnail in result lists, in pixels.
THUMBNAIL_PX = 160
_THUMB_FOLDERS = ("C/", "B/", "A/")  # the result document first, then process, then materials

_ORIGINAL_TYPES = {"PDF": "application/pdf", "JPEG": "image/jpeg", "PNG": "image/png"}


@dataclass(frozen=True)
class Rendition:
    """An open rendition: its bytes, media type and kind (original, png, pdfa-copy)."""

    stream: BinaryIO
    media_type: str
    kind: str


def rendition_kind(row: FileRow) -> str:
    """The policy's rendition of a file's format (``original`` for unlisted formats)."""
    policy = format_policy().for_format(row.format)
    return policy.rendition if policy is not None else "original"


def _png(archive: Archive, record: ArchiveRecord, row: FileRow) -> Path:
    cache = archive.home / "renditions" / f"{row.sha256}.png"
    if cache.is_file():
        return cache
    cache.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache.parent, prefix="draw-") as tmp:
        source = Path(tmp) / "original"
        with archive.open_file(record.id, f"original/{row.path}") as src, open(source, "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        drawn = Path(tmp) / "rendition.png"
        try:
            if row.format.upper() == "OFD":
                drawn.write_bytes(render_ofd_page(source).png)
            else:
                with Image.open(source) as image:
                    image.seek(0)
                    page = image.convert("RGB" if image.mode not in ("1", "L") else "L")
                page.save(drawn, "PNG")
        except (
            OfdRenderError,
            UnidentifiedImageError,
            OSError,
            Image.DecompressionBombError,
        ) as exc:
            raise NotFoundError(f"{record.id}:{row.path}: no PNG rendition ({exc})") from exc
        os.replace(drawn, cache)
    return cache


def open_rendition(archive: Archive, record: ArchiveRecord, row: FileRow) -> Rendition:
    """The rendition of ``row`` (a file of ``record``'s current version), opened."""
    kind = rendition_kind(row)
    family = row.format.split("/")[0].upper()
    if kind == "png":
        return Rendition(open(_png(archive, record, row), "rb"), "image/png", kind)
    if kind == "pdfa-copy":
        copy = f"{DERIVED_PREFIX}{row.path}.pdf"
        if copy not in archive.version_paths(record.id):
            raise NotFoundError(f"{record.id}:{row.path}: no PDF/A copy yet (earchive normalise)")
        return Rendition(archive.open_file(record.id, copy), "application/pdf", kind)
    if family in _ORIGINAL_TYPES:
        stream = archive.open_file(record.id, f"original/{row.path}")
        return Rendition(stream, _ORIGINAL_TYPES[family], "original")
    raise NotFoundError(f"{record.id}:{row.path}: no rendition for {row.format}")


def derived_files(archive: Archive, record: ArchiveRecord) -> tuple[Derivation, ...]:
    """The derived files of the current version with their migration events (none when the
    archive has none, or its archival.xml cannot be read: the checks report that)."""
    try:
        with archive.open_file(record.id, "metadata/archival.xml") as fh:
            return read_derivatives(fh.read())
    except (NotFoundError, PackageError, OSError):
        return ()


def thumbnail_source(
    archive: Archive, record: ArchiveRecord, files: list[FileRow]
) -> FileRow | None:
    """The file a result list shows in small: the first drawable file of C/, else B/, else A/."""
    for folder in _THUMB_FOLDERS:
        for row in files:
            family = row.format.split("/")[0].upper()
            if not row.path.startswith(folder):
                continue
            if family in ("PDF", "JPEG", "PNG") or rendition_kind(row) in ("png", "pdfa-copy"):
                if rendition_kind(row) == "pdfa-copy" and f"{DERIVED_PREFIX}{row.path}.pdf" not in (
                    archive.version_paths(record.id)
                ):
                    continue
                return row
    return None


def _first_page_png(source: Path, target: Path, work: Path) -> None:
    """Page 1 of a PDF drawn by pdftoppm at thumbnail size (bounded like every tool run)."""
    run_tool(
        "pdftoppm",
        ["-f", "1", "-l", "1", "-singlefile", "-png", "-scale-to", str(THUMBNAIL_PX),
         str(source.resolve()), str((work / "page").resolve())],
        timeout=60,
        memory_bytes=1 << 30,
    )  # fmt: skip
    os.replace(work / "page.png", target)


def open_thumbnail(archive: Archive, record: ArchiveRecord, row: FileRow) -> Rendition:
    """A small PNG of ``row``'s first page, cached like the renditions (``thumbs/``)."""
    cache = archive.home / "renditions" / "thumbs" / f"{row.sha256}.png"
    if not cache.is_file():
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=cache.parent, prefix="draw-") as tmp:
            work = Path(tmp)
            shown = open_rendition(archive, record, row)
            source = work / "shown"
            with shown.stream as src, open(source, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
            try:
                if shown.media_type == "application/pdf":
                    _first_page_png(source, cache, work)
                else:
                    with Image.open(source) as image:
                        image.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX))
                        image.convert("RGB").save(work / "thumb.png", "PNG")
                    os.replace(work / "thumb.png", cache)
            except (
                ToolError,
                UnidentifiedImageError,
                OSError,
                Image.DecompressionBombError,
            ) as exc:
                raise NotFoundError(f"{record.id}:{row.path}: no thumbnail ({exc})") from exc
    return Rendition(open(cache, "rb"), "image/png", "thumbnail")

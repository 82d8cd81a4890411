"""Drawing an OFD page (GB/T 33190) as a PNG for the case page, seals included.

What is drawn: the page's physical box; text objects (``TextCode`` with X/Y and DeltaX, the
``g`` shorthand expanded, fill colour, size) in the installed CJK font; image objects (their
multimedia resources, decoded by Pillow) in their boundary; and each seal signature whose
``StampAnnot`` names the page: the seal's picture (from its SES structure, GB/T 38540 or
GM/T 0031) drawn inside the annotation's boundary, as the issuer placed it. Path objects,
clipping, transforms (CTM) and page templates are not drawn; the rendition says so in
``OfdPage.skipped``. A finding aid for the eye, never a replacement of the OFD.

Reads the OFD container (bounded: no entry over ``MAX_PART`` bytes is read). Writes nothing.
Raises ``OfdRenderError`` for a container that is not a readable OFD.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from PIL import Image, ImageDraw, UnidentifiedImageError

from preservation.fonts import find_cjk_font, pil_font
from preservation.seals.errors import SealError
from preservation.seals.sealdata import read_signature

__all__ = ["MAX_PART", "OfdPage", "OfdRenderError", "render_ofd_page"]

MAX_PART = 32 << 20
_NS = "{http://www.ofdspec.org/2016}"
_MM_PER_INCH = 25.4


class OfdRenderError(Exception):
    """The file cannot be drawn: not an OFD container, or its document cannot be read."""


@dataclass(frozen=True)
class OfdPage:
    """One drawn page: the PNG, its size in pixels, where each seal went (pixel boxes) and
    the kinds of content that were left out."""

    png: bytes
    size: tuple[int, int]
    seals: tuple[tuple[str, tuple[int, int, int, int]], ...]
    skipped: tuple[str, ...]


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise OfdRenderError(f"not well-formed XML: {exc}") from exc


class _Container:
    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive

    def read(self, name: str) -> bytes:
        name = name.lstrip("/")
        try:
            info = self.archive.getinfo(name)
        except KeyError as exc:
            raise OfdRenderError(f"missing part {name}") from exc
        if info.file_size > MAX_PART:
            raise OfdRenderError(f"part {name} is larger than {MAX_PART} bytes")
        return self.archive.read(info)

    def xml(self, name: str) -> etree._Element:
        return _parse(self.read(name))


def _resolve(base: str, ref: str) -> str:
    """A part path named in the file at ``base``: absolute (``/Doc_0/…``) or relative to it."""
    if ref.startswith("/"):
        return ref.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(base), ref))


def _numbers(text: str | None) -> list[float]:
    return [float(v) for v in (text or "").split()]


def _deltas(text: str | None) -> list[float]:
    """DeltaX/DeltaY with the ``g count value`` shorthand expanded."""
    tokens, out = (text or "").split(), []
    i = 0
    while i < len(tokens):
        if tokens[i] == "g" and i + 2 < len(tokens):
            out += [float(tokens[i + 2])] * int(float(tokens[i + 1]))
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _colour(node: etree._Element | None) -> tuple[int, int, int]:
    values = _numbers(node.get("Value")) if node is not None else []
    return (int(values[0]), int(values[1]), int(values[2])) if len(values) >= 3 else (0, 0, 0)


@dataclass
class _Canvas:
    image: Image.Image
    scale: float  # pixels per mm

    def box(self, boundary: list[float]) -> tuple[int, int, int, int]:
        x, y, w, h = boundary
        s = self.scale
        return round(x * s), round(y * s), round((x + w) * s), round((y + h) * s)


def _text(canvas: _Canvas, node: etree._Element, draw: ImageDraw.ImageDraw) -> None:
    boundary = _numbers(node.get("Boundary"))
    if len(boundary) != 4:
        return
    size = float(node.get("Size") or "3.5")
    font = pil_font(find_cjk_font(), max(1, round(size * canvas.scale)))
    colour = _colour(node.find(_NS + "FillColor"))
    for code in node.iter(_NS + "TextCode"):
        text = code.text or ""
        x = boundary[0] + float(code.get("X") or 0)
        baseline = boundary[1] + float(code.get("Y") or 0)
        steps = _deltas(code.get("DeltaX"))
        for index, char in enumerate(text):
            position = (x * canvas.scale, baseline * canvas.scale)
            draw.text(position, char, font=font, fill=colour, anchor="ls")
            x += steps[index] if index < len(steps) else size


def _media(container: _Container, document: str, res_paths: list[str]) -> dict[str, str]:
    """Resource id → part path of every multimedia resource of the document."""
    found: dict[str, str] = {}
    for res in res_paths:
        root = container.xml(res)
        base_loc = root.get("BaseLoc", "")
        for item in root.iter(_NS + "MultiMedia"):
            location = item.findtext(_NS + "MediaFile") or ""
            base = _resolve(res, base_loc + "/") if base_loc else res
            found[item.get("ID", "")] = _resolve(base, location)
    return found


def _paste(canvas: _Canvas, data: bytes, boundary: list[float]) -> tuple[int, int, int, int]:
    left, top, right, bottom = canvas.box(boundary)
    with Image.open(io.BytesIO(data)) as picture:
        fitted = picture.convert("RGBA").resize((max(1, right - left), max(1, bottom - top)))
    canvas.image.paste(fitted, (left, top), fitted)
    return left, top, right, bottom


def _seals(
    container: _Container, signatures: str, page_id: str
) -> Iterator[tuple[str, list[float], bytes, str]]:
    """(seal name, boundary, picture, picture type) of every seal stamped on the page;
    ``signatures``: the part that lists the document's signatures (OFD.xml's DocBody)."""
    if not signatures:
        return
    listing_path = _resolve("OFD.xml", signatures)
    listing = container.xml(listing_path)
    for entry in listing.iter(_NS + "Signature"):
        signature_path = _resolve(listing_path, entry.get("BaseLoc", ""))
        signature = container.xml(signature_path)
        value = signature.findtext(_NS + "SignedValue") or ""
        try:
            view = read_signature(container.read(_resolve(signature_path, value)))
        except (SealError, OfdRenderError) as exc:
            yield f"unreadable seal: {exc}", [], b"", ""
            continue
        for stamp in signature.iter(_NS + "StampAnnot"):
            if stamp.get("PageRef") == page_id:
                boundary = _numbers(stamp.get("Boundary"))
                yield view.seal.name, boundary, view.seal.picture, view.seal.picture_type


def render_ofd_page(path: Path, page_number: int = 0, dpi: int = 150) -> OfdPage:
    """Draw page ``page_number`` (from 0) of the first document of the OFD at ``path``."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise OfdRenderError(f"not a ZIP container: {exc}") from exc
    with archive:
        container = _Container(archive)
        root = container.xml("OFD.xml")
        doc_root = root.findtext(f"{_NS}DocBody/{_NS}DocRoot")
        if not doc_root:
            raise OfdRenderError("OFD.xml names no DocRoot")
        document = _resolve("OFD.xml", doc_root)
        doc = container.xml(document)
        box = _numbers(doc.findtext(f"{_NS}CommonData/{_NS}PageArea/{_NS}PhysicalBox"))
        pages = list(doc.iter(_NS + "Page"))
        if len(box) != 4 or not 0 <= page_number < len(pages):
            raise OfdRenderError("no page area or no such page")
        page = pages[page_number]
        page_path = _resolve(document, page.get("BaseLoc", ""))
        content = container.xml(page_path)
        scale = dpi / _MM_PER_INCH
        canvas = _Canvas(
            Image.new("RGB", (round(box[2] * scale), round(box[3] * scale)), "white"), scale
        )
        draw = ImageDraw.Draw(canvas.image)
        common = doc.find(_NS + "CommonData")
        res_paths = [
            _resolve(document, r.text or "")
            for r in (common if common is not None else [])
            if r.tag in (_NS + "PublicRes", _NS + "DocumentRes") and r.text
        ]
        media = _media(container, document, res_paths)
        skipped: set[str] = set()
        for node in content.iter():
            tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
            if tag == "TextObject":
                _text(canvas, node, draw)
            elif tag == "ImageObject":
                part = media.get(node.get("ResourceID", ""))
                boundary = _numbers(node.get("Boundary"))
                try:
                    if part and len(boundary) == 4:
                        _paste(canvas, container.read(part), boundary)
                except (UnidentifiedImageError, OSError, OfdRenderError):
                    skipped.add("unreadable image")
            elif tag in ("PathObject", "CompositeObject", "Clips", "Template"):
                skipped.add(tag)
        placed = []
        signatures = root.findtext(f"{_NS}DocBody/{_NS}Signatures") or ""
        for name, boundary, picture, kind in _seals(container, signatures, page.get("ID", "")):
            if len(boundary) != 4 or not picture:
                skipped.add(f"seal picture ({kind or name})")
                continue
            try:
                placed.append((name, _paste(canvas, picture, boundary)))
            except (UnidentifiedImageError, OSError):
                skipped.add(f"seal picture of type {kind}")
                draw.rectangle(canvas.box(boundary), outline=(200, 0, 0), width=2)
        out = io.BytesIO()
        canvas.image.save(out, "PNG")
        return OfdPage(out.getvalue(), canvas.image.size, tuple(placed), tuple(sorted(skipped)))

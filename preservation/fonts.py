"""Finding a CJK TrueType font at run time and loading it for reportlab and Pillow.

Reads: fontconfig (``fc-list``) when available, else the standard font directories. Writes:
nothing (reportlab keeps its own font registry per process). Raises ``FontNotFoundError`` when
no usable CJK font with TrueType outlines is installed.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import ImageFont
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from standards.digits import is_ascii_digits

__all__ = [
    "CjkFont",
    "FontNotFoundError",
    "cjk_font_file",
    "find_cjk_font",
    "pil_font",
    "reportlab_font_name",
]

FONT_DIRS = (
    Path("/usr/share/fonts"),
    Path("/usr/local/share/fonts"),
    Path.home() / ".local/share/fonts",
    Path.home() / ".fonts",
)
# Known CJK fonts with TrueType (glyf) outlines; reportlab cannot embed CFF-outline fonts.
KNOWN_FILES = (
    "wqy-zenhei.ttc",
    "wqy-microhei.ttc",
    "DroidSansFallbackFull.ttf",
    "DroidSansFallback.ttf",
    "simhei.ttf",
    "simsun.ttc",
    "NotoSansSC-Regular.ttf",
)
PROBE = "中国政务服务电子档案"


class FontNotFoundError(RuntimeError):
    """No CJK TrueType font could be found or loaded."""


@dataclass(frozen=True)
class CjkFont:
    """A CJK font file and the index of the face inside a TTC collection."""

    path: Path
    index: int = 0


def _fc_candidates() -> Iterator[CjkFont]:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return
    try:
        out = subprocess.run(
            [fc_list, ":lang=zh", "file", "index"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return
    rows: list[CjkFont] = []
    for line in out.splitlines():
        file_part, _, rest = line.partition(":")
        index_text = rest.strip().removeprefix("index=").strip() or "0"
        if file_part.lower().endswith((".ttf", ".ttc")) and is_ascii_digits(index_text):
            rows.append(CjkFont(Path(file_part.strip()), int(index_text)))
    known = {name.lower(): rank for rank, name in enumerate(KNOWN_FILES)}
    rows.sort(key=lambda f: (known.get(f.path.name.lower(), len(known)), str(f.path), f.index))
    yield from rows


def _dir_candidates() -> Iterator[CjkFont]:
    for name in KNOWN_FILES:
        for root in FONT_DIRS:
            if root.is_dir():
                for found in sorted(root.rglob(name)):
                    yield CjkFont(found, 0)


def _usable(font: CjkFont) -> bool:
    try:
        face = TTFont("probe", str(font.path), subfontIndex=font.index)
    except Exception:  # reportlab raises bare TTFError/other errors for unsupported fonts
        return False
    widths = face.face.charWidths
    cmap = getattr(face.face, "charToGlyph", None) or widths
    return all(ord(c) in cmap for c in PROBE)


def find_cjk_font(preferred: Path | None = None) -> CjkFont:
    """The first installed CJK font with TrueType outlines that has the probe characters."""
    candidates: list[CjkFont] = []
    if preferred is not None:
        candidates.append(CjkFont(preferred, 0))
    candidates.extend(_fc_candidates())
    candidates.extend(_dir_candidates())
    seen: set[CjkFont] = set()
    for font in candidates:
        if font in seen or not font.path.is_file():
            continue
        seen.add(font)
        if _usable(font):
            return font
    raise FontNotFoundError(
        "no CJK TrueType font found (searched fontconfig and "
        + ", ".join(str(d) for d in FONT_DIRS)
        + "); install one, e.g. `apt-get install fonts-wqy-zenhei`"
    )


def cjk_font_file() -> tuple[Path | None, int]:
    """The path and collection index of a usable CJK font, or ``(None, 0)`` when none is
    installed (the caller then writes no PDF)."""
    try:
        font = find_cjk_font()
    except FontNotFoundError:
        return None, 0
    return font.path, font.index


def reportlab_font_name(font: CjkFont) -> str:
    """Register ``font`` with reportlab once per process and return its registered name."""
    name = f"CJK-{font.path.stem}-{font.index}"
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, str(font.path), subfontIndex=font.index))
    return name


def pil_font(font: CjkFont, size: int) -> ImageFont.FreeTypeFont:
    """The same face for Pillow text drawing at ``size`` pixels."""
    return ImageFont.truetype(str(font.path), size=size, index=font.index)

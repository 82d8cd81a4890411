"""How large generated files are: page counts of PDFs, resolution and quality of scans."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["DEFAULT_PROFILE", "SMALL_PROFILE", "SizeProfile"]


@dataclass(frozen=True)
class SizeProfile:
    """Ranges (inclusive) the generator draws file sizes from.

    The defaults give a mix of roughly 20 KB – 3 MB per file: text PDFs of 1–12 pages, A4 scans
    at 100–300 dpi with JPEG quality 70–95 and scanner noise.
    """

    text_pages: tuple[int, int] = (1, 12)
    scan_dpi: tuple[int, int] = (100, 300)
    jpeg_quality: tuple[int, int] = (70, 95)
    noise: int = 12  # amplitude of scanner noise in grey levels (0 = clean)
    photo_px: tuple[int, int] = (358, 600)  # width of ID photos in pixels

    def __post_init__(self) -> None:
        for name in ("text_pages", "scan_dpi", "jpeg_quality", "photo_px"):
            low, high = getattr(self, name)
            if not 0 < low <= high:
                raise ValueError(f"SizeProfile.{name} must be a range 0 < low <= high")
        if not 0 <= self.noise <= 64:
            raise ValueError("SizeProfile.noise must be between 0 and 64")


DEFAULT_PROFILE = SizeProfile()
SMALL_PROFILE = SizeProfile(
    text_pages=(1, 2), scan_dpi=(40, 50), jpeg_quality=(50, 60), noise=4, photo_px=(120, 160)
)

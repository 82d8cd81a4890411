"""The picture of a round red official seal (公章): ring, five-pointed star, name on the arc."""

from __future__ import annotations

import math

from PIL import Image, ImageDraw

from preservation.fonts import CjkFont, pil_font

__all__ = ["draw_seal"]

RED = (218, 30, 36, 235)


def _star(cx: float, cy: float, outer: float) -> list[tuple[float, float]]:
    inner = outer * 0.382
    points: list[tuple[float, float]] = []
    for k in range(10):
        r = outer if k % 2 == 0 else inner
        angle = -math.pi / 2 + k * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


def draw_seal(font: CjkFont, name: str, label: str = "电子印章", size: int = 360) -> Image.Image:
    """An RGBA seal of ``size`` pixels with ``name`` around the upper arc and ``label`` below."""
    img = Image.new("RGBA", (size, size), (255, 255, 255, 0))
    draw = ImageDraw.Draw(img)
    c = size / 2
    ring = size * 0.035
    draw.ellipse((ring, ring, size - ring, size - ring), outline=RED, width=int(ring * 1.4))
    draw.polygon(_star(c, c, size * 0.15), fill=RED)

    glyph_px = max(12, int(size * 0.11))
    face = pil_font(font, glyph_px)
    text_radius = c - ring * 2 - glyph_px * 0.75
    span = math.radians(min(235.0, 22.0 * len(name)))
    start = -math.pi / 2 - span / 2
    step = span / max(1, len(name) - 1)
    for i, ch in enumerate(name):
        angle = start + i * step if len(name) > 1 else -math.pi / 2
        tile = Image.new("RGBA", (glyph_px * 2, glyph_px * 2), (255, 255, 255, 0))
        ImageDraw.Draw(tile).text((glyph_px, glyph_px), ch, font=face, fill=RED, anchor="mm")
        tile = tile.rotate(-math.degrees(angle + math.pi / 2), resample=Image.Resampling.BICUBIC)
        x = c + text_radius * math.cos(angle) - glyph_px
        y = c + text_radius * math.sin(angle) - glyph_px
        img.alpha_composite(tile, (int(x), int(y)))

    label_face = pil_font(font, max(10, int(size * 0.065)))
    draw.text((c, c + size * 0.24), label, font=label_face, fill=RED, anchor="mm")
    return img

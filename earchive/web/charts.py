"""Server-side charts for the statistics page: horizontal bar charts as inline SVG (no script, no
style attribute: the page's CSP allows neither inline), readable on a phone (a label above each
bar) and by a screen reader (``role="img"``, a title and a description; the numbers are in a
table beside each chart too)."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from markupsafe import Markup, escape

__all__ = ["bar_chart"]

_W = 320  # about the width of a card on a phone and in the desktop grid: text stays readable
_ROW = 32
_TOP = 4
_LABEL = 14
_ids = itertools.count(1)  # unique element ids on one page (titles referenced by aria)


def bar_chart(
    title: str,
    desc: str,
    rows: Sequence[tuple[str, float]],
    *,
    name: str,
    shown: Sequence[str] | None = None,
    bad: bool = False,
) -> Markup:
    """A bar per ``(label, value)``, scaled to the largest; ``shown`` replaces the printed
    values (e.g. with units); ``bad`` draws the bars in the warning colour. ``name`` goes into
    ``data-chart`` for tests and styling."""
    uid = f"chart-{name}-{next(_ids)}"
    height = _TOP + max(len(rows), 1) * _ROW + 4
    parts = [
        f'<svg class="bar-chart" data-chart="{escape(name)}" role="img" viewBox="0 0 {_W} '
        f'{height}" xmlns="http://www.w3.org/2000/svg" aria-labelledby="{uid}-t {uid}-d">'
        f'<title id="{uid}-t">{escape(title)}</title><desc id="{uid}-d">{escape(desc)}</desc>'
    ]
    if not rows:
        parts.append(f'<text x="4" y="{_TOP + 18}" class="label">{escape(desc)}</text></svg>')
        return Markup("".join(parts))
    top = max(v for _, v in rows) or 1.0
    room = _W - 40
    for i, (label, value) in enumerate(rows):
        y = _TOP + i * _ROW
        width = max(value / top * room, 1.0 if value else 0.0)
        text = shown[i] if shown is not None else f"{value:g}"
        parts.append(
            f'<g class="row" data-label="{escape(label)}" data-value="{value:g}">'
            f'<text x="0" y="{y + 11}" class="label">{escape(label)}</text>'
            f'<rect class="bar{" bad" if bad else ""}" x="0" y="{y + _LABEL}" width="{width:.1f}"'
            f' height="12" rx="2"><title>{escape(label)}: {escape(text)}</title></rect>'
            f'<text x="{width + 4:.1f}" y="{y + _LABEL + 10}" class="value">{escape(text)}</text>'
            "</g>"
        )
    parts.append("</svg>")
    return Markup("".join(parts))

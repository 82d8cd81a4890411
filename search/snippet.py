"""Readable snippets: a window of the original text around the first query word, words marked.

Built from the unsegmented text, because ``cut_for_search`` repeats compounds after their parts
(``营业 执照 营业执照``) and a snippet of segmented text would show them twice.
Reads/writes nothing.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence

__all__ = ["make_snippet", "snippet_source"]

MARK_OPEN, MARK_CLOSE = "<mark>", "</mark>"


def snippet_source(text: str) -> str:
    """``text`` as snippets read it: NFKC-normalised, whitespace runs collapsed to one space.

    Idempotent; an index may store it so that each query need not normalise whole bodies again
    (``make_snippet`` of either gives the same excerpt).
    """
    return " ".join(unicodedata.normalize("NFKC", text).split())


def make_snippet(text: str, words: Sequence[str], width: int = 80) -> str:
    """HTML-safe excerpt of ``text`` (about ``width`` characters) with ``words`` in ``<mark>``.

    Matching is case-insensitive on NFKC-normalised text. Without a match, the text's start.
    """
    normal = snippet_source(text)
    unique = sorted({w for w in words if w}, key=len, reverse=True)
    if not unique:
        return html.escape(_clip(normal, 0, width))
    pattern = re.compile("|".join(re.escape(w) for w in unique), re.IGNORECASE)
    first = pattern.search(normal)
    start = 0 if first is None else max(0, first.start() - width // 4)
    window = _clip(normal, start, width)
    out: list[str] = []
    position = 0
    for match in pattern.finditer(window):
        out.append(html.escape(window[position : match.start()]))
        out.append(MARK_OPEN + html.escape(match.group()) + MARK_CLOSE)
        position = match.end()
    out.append(html.escape(window[position:]))
    return "".join(out)


def _clip(text: str, start: int, width: int) -> str:
    end = start + width
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + text[start:end] + suffix

"""Chinese word segmentation for indexing and querying (jieba ``cut_for_search``).

Text and queries go through the same function, so their tokens agree. Reads: jieba's dictionary
(and its cache file in ``cache_dir``, by default the system temp directory — never the
repository). Writes: that cache file. Raises nothing of its own.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from pathlib import Path

__all__ = ["Segmenter", "default_segmenter", "segment", "tokens"]

# Word characters in any script; everything else (punctuation, spaces, symbols) separates tokens.
_SPLIT = re.compile(r"[^\w]+")


class Segmenter:
    """A jieba tokenizer of its own, initialised lazily (and quietly) on first use."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        import jieba  # ~0.15 s: loaded when text is first segmented, not with every command

        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.tmp_dir = None if cache_dir is None else str(cache_dir)
        self._lock = threading.Lock()
        self._ready = False
        # documents of one kind repeat most of their lines (form labels, legal boilerplate):
        # segmenting line by line with a bounded memo gives the same tokens, several times faster
        # (20k lines ≈ 30 MB: the bound keeps a long run's memory flat)
        self._line_tokens = functools.lru_cache(maxsize=20_000)(self._segment_line)

    def _initialize(self) -> None:
        with self._lock:
            if not self._ready:
                logging.getLogger("jieba").setLevel(logging.WARNING)
                self._tokenizer.initialize()
                self._ready = True

    def tokens(self, text: str, memo: bool = True) -> list[str]:
        """Search tokens of ``text``: NFKC-normalised, lowercased, punctuation dropped.

        A compound yields its parts and itself (``营业执照`` → ``营业``, ``执照``, ``营业执照``).
        ``memo=False`` for text of one archive only (its title, its identifiers): lines that never
        come again would only fill the memo and push out the boilerplate that does.
        """
        if not self._ready:
            self._initialize()
        normal = unicodedata.normalize("NFKC", text)
        segment_line = self._line_tokens if memo else self._segment_line
        out: list[str] = []
        for line in normal.splitlines():
            if line.strip():
                out.extend(segment_line(line))
        return out

    def _segment_line(self, line: str) -> tuple[str, ...]:
        out: list[str] = []
        for word in self._tokenizer.cut_for_search(line):
            for piece in _SPLIT.split(word.lower()):
                if piece and piece != "_":
                    out.append(piece)
        return tuple(out)

    def segment(self, text: str, memo: bool = True) -> str:
        """``tokens`` joined by single spaces, ready for an FTS column or query."""
        return " ".join(self.tokens(text, memo))


@functools.cache
def default_segmenter() -> Segmenter:
    """The process-wide segmenter (jieba's dictionary is loaded once per process)."""
    return Segmenter()


def tokens(text: str) -> list[str]:
    """Search tokens of ``text`` with the default segmenter."""
    return default_segmenter().tokens(text)


def segment(text: str) -> str:
    """Space-joined search tokens of ``text`` with the default segmenter."""
    return default_segmenter().segment(text)

"""Chinese word segmentation for indexing and querying (jieba ``cut_for_search``).

Text and queries go through the same function, so their tokens agree. The default engine is
``rjieba`` (jieba-rs, the same dictionary and algorithm in Rust, about five times faster);
``engine="jieba"`` runs Python jieba itself, the reference. Before either sees a line, every run
of ``-``, ``.`` or ``_`` becomes a space (``JOINERS``): codes such as ``Z109-WS·2018-D30`` or
``ABC-12`` are searched by their pieces, and on such runs the two engines disagree (jieba-rs adds
the joined compound). On the lines so normalised the engines give the same tokens
(``tests/search/test_segment_engines.py`` checks it on the sample generator's words, documents
and seeded run-on text), so the default never loads Python jieba.
``TOKENS_VERSION`` names this tokenisation: an index built by another one is rebuilt.
Reads: the dictionary (Python jieba: also its cache file in ``cache_dir``, by default the system
temp directory — never the repository). Writes: that cache file. Raises nothing of its own.
"""

from __future__ import annotations

import functools
import logging
import re
import threading
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path

__all__ = ["TOKENS_VERSION", "Segmenter", "default_segmenter", "segment", "tokens"]

#: Changes whenever the same text would give other tokens (an index then needs rebuilding).
TOKENS_VERSION = "jieba-cut_for_search/nfkc-lower/joiners-space/1"

# Word characters in any script; everything else (punctuation, spaces, symbols) separates tokens.
_WORD = re.compile(r"\w+")
# Joiners of codes and numbers: each run becomes one space before segmentation.
JOINERS = re.compile(r"[-._]+")


class Segmenter:
    """A jieba tokenizer of its own, initialised lazily (and quietly) on first use."""

    def __init__(self, cache_dir: Path | None = None, engine: str = "rjieba") -> None:
        if engine not in ("rjieba", "jieba"):
            raise ValueError(f"unknown segmenter engine {engine!r}")
        self.engine = engine
        self._cache_dir = cache_dir
        self._cut: Callable[[str], Iterable[str]] | None = None
        self._lock = threading.Lock()
        self._ready = False
        # documents of one kind repeat most of their lines (form labels, legal boilerplate):
        # segmenting line by line with a bounded memo gives the same tokens, several times faster
        # (20k lines ≈ 30 MB: the bound keeps a long run's memory flat)
        self._line_tokens = functools.lru_cache(maxsize=20_000)(self._segment_line)

    def _initialize(self) -> None:
        with self._lock:
            if not self._ready:
                self._cut = self._load()
                self._ready = True

    def _load(self) -> Callable[[str], Iterable[str]]:
        """The engine's ``cut_for_search`` (its dictionary loaded, ~0.2 s)."""
        if self.engine == "rjieba":
            import rjieba  # its import loads the dictionary into the module's own instance

            fast: Callable[[str, bool], list[str]] = rjieba.cut_for_search
            return lambda line: fast(line, True)
        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        tokenizer.tmp_dir = None if self._cache_dir is None else str(self._cache_dir)
        tokenizer.initialize()
        cut: Callable[[str], Iterable[str]] = tokenizer.cut_for_search
        return cut

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
        cut = self._cut
        if cut is None:
            self._initialize()
            cut = self._cut
            assert cut is not None
        # the words joined by a non-word character, then the runs of word characters: the same
        # pieces, in order, as splitting each word on its own (one regex pass per line)
        # (JOINERS took every "_" out of the line, so no piece is a lone underscore)
        joined = "\x00".join(cut(JOINERS.sub(" ", line))).lower()
        return tuple(_WORD.findall(joined))

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

"""Logical paths inside a package: the one place that decides whether a path is safe.

A logical path is relative, uses forward slashes, and has no empty, ``.`` or ``..`` segment, no
backslash, no control or format character, no drive letter, and is in Unicode NFC form (so two
spellings of the same Chinese name cannot both exist). Reads and writes nothing.
"""

from __future__ import annotations

import unicodedata

from package.errors import UnsafePathError

__all__ = ["safe_logical_path"]

MAX_PATH_CHARS = 1024
# Characters that render like a path separator but that NFKC does not fold to one.
_SEPARATOR_LOOKALIKES = frozenset("\u2215\u2044\u29f8\u29f9")


def safe_logical_path(path: str) -> str:
    """Return ``path`` unchanged if it is a safe logical path; raise ``UnsafePathError`` if not."""
    if not path or len(path) > MAX_PATH_CHARS:
        raise UnsafePathError(f"empty or over-long path: {path[:80]!r}")
    if path.startswith("/") or "\\" in path:
        raise UnsafePathError(f"absolute path or backslash: {path!r}")
    if len(path) >= 2 and path[1] == ":":
        raise UnsafePathError(f"drive letter: {path!r}")
    if not unicodedata.is_normalized("NFC", path):
        raise UnsafePathError(f"not in Unicode NFC form: {path!r}")
    # str.isprintable is false for every refused category (and for spaces other than ' ', which
    # are allowed): only such paths need the per-character look
    if not path.isprintable():
        for char in path:
            category = unicodedata.category(char)
            if category in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
                raise UnsafePathError(f"control or format character U+{ord(char):04X} in {path!r}")
    for segment in path.split("/"):
        if segment in ("", ".", ".."):
            raise UnsafePathError(f"empty, '.' or '..' segment in {path!r}")
        if segment != segment.strip():
            raise UnsafePathError(f"segment with leading or trailing whitespace in {path!r}")
        stable = segment.isascii() or unicodedata.is_normalized("NFKC", segment)
        folded = segment if stable else unicodedata.normalize("NFKC", segment)
        if folded in (".", "..") or "/" in folded or "\\" in folded:
            raise UnsafePathError(f"segment that looks like a separator or '..': {path!r}")
        if _SEPARATOR_LOOKALIKES.intersection(segment):
            raise UnsafePathError(f"separator look-alike character in {path!r}")
    return path

"""Path safety: the one function that decides whether a relative path from outside may be used.

Every name that arrives from a package (ZIP entry, directory entry, ``file/path`` in case.xml)
goes through ``check_relative_path`` before it touches the filesystem. Pure; no I/O.
"""

from __future__ import annotations

import re
import unicodedata

from standards.errors import UnsafePathError

__all__ = [
    "REASON_ABSOLUTE",
    "REASON_BACKSLASH",
    "REASON_CONTROL",
    "REASON_DOT_SEGMENT",
    "REASON_EMPTY",
    "REASON_EMPTY_SEGMENT",
    "REASON_LOOKALIKE",
    "REASON_PARENT",
    "REASON_TOO_LONG",
    "check_relative_path",
]

REASON_EMPTY = "empty"
REASON_ABSOLUTE = "absolute"
REASON_PARENT = "parent"
REASON_BACKSLASH = "backslash"
REASON_CONTROL = "control character"
REASON_LOOKALIKE = "look-alike of a path character"
REASON_EMPTY_SEGMENT = "empty segment"
REASON_DOT_SEGMENT = "dot segment"
REASON_TOO_LONG = "too long"

MAX_SEGMENT_BYTES = 255
MAX_PATH_BYTES = 1024

_DRIVE = re.compile(r"^[A-Za-z]:")
# Characters that are not '/', '.', '\\' or ':' but look like them or turn into them
# under Unicode compatibility normalisation (NFKC) somewhere down the line.
_LOOKALIKES = frozenset(
    "\u2215\u2044\u29f8\uff0f\u2024\u2025\u2026\ufe52\uff0e\uff3c\ufe68\u2216\uff1a\ufe55"
)
_PATH_CHARS = frozenset("/.\\:")
# Unicode categories refused anywhere in a name: controls, format (bidi overrides, zero
# width), line/paragraph separators, surrogates, private use, unassigned.
_BAD_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})


def _char_problem(char: str) -> str | None:
    if char == "\\":
        return REASON_BACKSLASH
    if unicodedata.category(char) in _BAD_CATEGORIES:
        return REASON_CONTROL
    if char in _LOOKALIKES:
        return REASON_LOOKALIKE
    if char not in _PATH_CHARS and _PATH_CHARS & set(unicodedata.normalize("NFKC", char)):
        return REASON_LOOKALIKE
    return None


def check_relative_path(path: str) -> str:
    """Return ``path`` unchanged when it is a safe relative POSIX path, else raise.

    Safe means: not empty; not absolute (``/x``, ``C:x``); no ``..`` or ``.`` segment and no
    empty segment (``a//b``; a single trailing ``/`` is allowed for directory entries); no
    backslash, NUL or other control/format character; no Unicode look-alike of ``/ . \\ :``
    (U+2215, U+FF0F, U+2024, U+FF0E, …); at most 255 bytes a segment and 1024 in all.
    Raises: ``UnsafePathError`` with the first reason found.
    """
    if not path:
        raise UnsafePathError(path, REASON_EMPTY)
    if path.startswith("/") or _DRIVE.match(path):
        raise UnsafePathError(path, REASON_ABSOLUTE)
    for char in path:
        problem = _char_problem(char)
        if problem is not None:
            raise UnsafePathError(path, problem)
    body = path[:-1] if path.endswith("/") else path
    segments = body.split("/")
    for segment in segments:
        if segment == "..":
            raise UnsafePathError(path, REASON_PARENT)
    for segment in segments:
        if segment == "":
            raise UnsafePathError(path, REASON_EMPTY_SEGMENT)
        if segment == ".":
            raise UnsafePathError(path, REASON_DOT_SEGMENT)
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise UnsafePathError(path, REASON_TOO_LONG)
    if len(path.encode("utf-8")) > MAX_PATH_BYTES:
        raise UnsafePathError(path, REASON_TOO_LONG)
    return path

"""Storage keys: the one function that decides whether a key is safe, and the pointer rule.

A key is a '/'-separated UTF-8 string relative to the store's root, e.g.
``3c0/ff4/240/<digest>/v1/content/original/A/营业执照.pdf``. Reads/writes nothing; raises
``UnsafeKeyError``.
"""

from __future__ import annotations

import re
import unicodedata

from .errors import UnsafeKeyError

__all__ = ["POINTER_NAMES", "TEMP_PREFIX", "is_pointer_key", "safe_key"]

#: Names a store may hold temporary files under; never valid in a key (listings skip them).
TEMP_PREFIX = ".earchive-tmp-"
#: File names that are mutable pointers (OCFL root inventory and its sidecar).
POINTER_NAMES = frozenset({"inventory.json", "inventory.json.sha256"})

MAX_KEY_BYTES = 1024  # S3's limit
MAX_SEGMENT_BYTES = 255  # common file-system limit for one name

# Characters that render as, or normalise to, a slash, a backslash or a full stop.
_LOOKALIKES = frozenset(
    "\u2215"  # DIVISION SLASH
    "\u2044"  # FRACTION SLASH
    "\uff0f"  # FULLWIDTH SOLIDUS
    "\u29f8"  # BIG SOLIDUS
    "\u2571"  # BOX DRAWINGS LIGHT DIAGONAL
    "\u29f5"  # REVERSE SOLIDUS OPERATOR
    "\u29f9"  # BIG REVERSE SOLIDUS
    "\u2216"  # SET MINUS
    "\ufe68"  # SMALL REVERSE SOLIDUS
    "\uff3c"  # FULLWIDTH REVERSE SOLIDUS
    "\u2024"  # ONE DOT LEADER
    "\u2025"  # TWO DOT LEADER
    "\ufe52"  # SMALL FULL STOP
    "\uff0e"  # FULLWIDTH FULL STOP
    "\u3002"  # IDEOGRAPHIC FULL STOP
    "\uff61"  # HALFWIDTH IDEOGRAPHIC FULL STOP
)
# Cc control, Cf format (bidi overrides, zero-width), Cs surrogates, Zl/Zp line separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
_VERSION_DIR = re.compile(r"v\d+")
_NOT_PRINTABLE_ASCII = re.compile(r"[^\x20-\x7e]")


def _refuse(key: str, why: str) -> UnsafeKeyError:
    return UnsafeKeyError(f"unsafe storage key {key!r}: {why}")


def safe_key(key: str) -> str:
    """Return ``key`` unchanged if it is a safe relative key, else raise ``UnsafeKeyError``.

    Refused: empty keys or segments (leading, trailing or doubled '/'), '.' and '..', backslashes,
    NUL and other control or format characters, Unicode look-alikes of '/', '\\' and '.', names
    reserved for temporary files, and keys too long for common backends. Chinese is allowed.
    """
    if not isinstance(key, str) or not key:
        raise _refuse(str(key), "empty")
    try:
        encoded = key.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _refuse(key, "not encodable as UTF-8") from exc
    if len(encoded) > MAX_KEY_BYTES:
        raise _refuse(key, f"longer than {MAX_KEY_BYTES} bytes")
    if "\\" in key:
        raise _refuse(key, "backslash")
    # Fast path (an audit checks every stored key): a printable key (no Cc/Cf/Cs/Zl/Zp character:
    # str.isprintable refuses all of them) without look-alikes passes this step as it is.
    # Otherwise only the non-ASCII characters are looked at, each once and in order of first
    # appearance (so the first offending one is reported).
    if not (key.isprintable() and _LOOKALIKES.isdisjoint(key)):
        for ch in dict.fromkeys(_NOT_PRINTABLE_ASCII.findall(key)):
            if ch in _LOOKALIKES:
                raise _refuse(key, f"look-alike character U+{ord(ch):04X}")
            if unicodedata.category(ch) in _REFUSED_CATEGORIES:
                raise _refuse(key, f"control or format character U+{ord(ch):04X}")
    for segment in key.split("/"):
        if segment in ("", ".", ".."):
            raise _refuse(key, "empty, '.' or '..' segment (or absolute key)")
        # NFKC leaves ASCII (and text already in NFKC form, most Chinese) unchanged
        normal = (
            segment
            if segment.isascii() or unicodedata.is_normalized("NFKC", segment)
            else unicodedata.normalize("NFKC", segment)
        )
        if "/" in normal or "\\" in normal or normal in (".", ".."):
            raise _refuse(key, "segment normalises to a separator or dot name")
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise _refuse(key, f"segment longer than {MAX_SEGMENT_BYTES} bytes")
        if segment.startswith(TEMP_PREFIX):
            raise _refuse(key, "reserved temporary-file name")
    return key


def is_pointer_key(key: str) -> bool:
    """True for the mutable pointers ``replace`` may rewrite: an object's root inventory.

    ``<object>/inventory.json`` and ``<object>/inventory.json.sha256`` qualify. Nothing below a
    version directory does (``<object>/v3/inventory.json``, or a content file that happens to be
    named ``inventory.json``): every key with a ``vN`` segment is write-once.
    """
    segments = safe_key(key).split("/")
    if segments[-1] not in POINTER_NAMES:
        return False
    return not any(_VERSION_DIR.fullmatch(segment) for segment in segments[:-1])

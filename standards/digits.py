"""Numbers typed by people and written by other systems: only ASCII digits count.

``str.isdigit`` is true for superscripts (``²``) and other scripts' digits that ``int`` refuses
or reads differently; every check of "is this a number" goes through ``is_ascii_digits``.
"""

from __future__ import annotations

__all__ = ["ascii_int", "is_ascii_digits"]


def is_ascii_digits(text: str) -> bool:
    """Whether ``text`` is one or more of ``0``–``9`` and nothing else."""
    return text.isascii() and text.isdigit()


def ascii_int(text: str) -> int | None:
    """The number ``text`` spells in ASCII digits, else None (never raises)."""
    return int(text) if is_ascii_digits(text) else None

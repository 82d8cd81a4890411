"""Masking personal data for roles without ``PERSONAL_DATA``: ID numbers and phone numbers.

``mask_id`` keeps the first 3 and last 2 characters of an identifier (``310***********12``);
``mask_text`` masks every 18-character resident ID, 15-digit old ID and mainland mobile number
inside free text, also when the search index put ``<mark>`` tags between their digits.
"""

from __future__ import annotations

import re

__all__ = ["mask_id", "mask_text"]

_TAG = r"(?:</?mark>)*"
_DIGIT = rf"{_TAG}\d"
# 18-digit resident ID (last may be X), 15-digit old ID, 11-digit mobile starting 1[3-9].
_PATTERNS = (
    re.compile(rf"(?<![\dA-Za-z]){_TAG}(?:\d{_TAG}){{17}}[\dXx]{_TAG}(?![\dA-Za-z])"),
    re.compile(rf"(?<![\dA-Za-z]){_TAG}(?:\d{_TAG}){{15}}(?![\dA-Za-z])"),
    re.compile(rf"(?<![\dA-Za-z]){_TAG}1{_TAG}[3-9](?:{_DIGIT}){{9}}{_TAG}(?![\dA-Za-z])"),
)
_TAGS = re.compile(r"</?mark>")


def mask_id(value: str, keep_start: int = 3, keep_end: int = 2) -> str:
    """``value`` with all but its first and last few characters replaced by ``*``."""
    if len(value) <= keep_start + keep_end:
        return "*" * len(value)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def _mask_match(match: re.Match[str]) -> str:
    return mask_id(_TAGS.sub("", match.group()))


def mask_text(text: str) -> str:
    """``text`` with ID and phone numbers masked (tags inside a masked number are dropped)."""
    for pattern in _PATTERNS:
        text = pattern.sub(_mask_match, text)
    return text

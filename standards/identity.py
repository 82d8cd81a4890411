"""Check digits of Chinese identifiers: resident ID (GB 11643) and USCC (GB 32100).

Pure functions; no I/O. ``*_check_char`` raise ``IdentityFormatError`` on a body of the wrong
shape; ``is_valid_*`` never raise.
"""

from __future__ import annotations

import re
from datetime import date

from standards.errors import IdentityFormatError

__all__ = [
    "USCC_ALPHABET",
    "is_valid_resident_id",
    "is_valid_uscc",
    "resident_id_check_char",
    "uscc_check_char",
]

# GB 11643-1999: weight of position i (1-based from the left) is 2^(18-i) mod 11.
_ID_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_ID_CHECK = "10X98765432"
_ID_BODY = re.compile(r"^[0-9]{17}$")
_ID_FULL = re.compile(r"^[0-9]{17}[0-9X]$")

# GB 32100-2015: 31 characters, the Arabic digits and the capitals without I O Z S V.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = tuple(pow(3, i, 31) for i in range(17))
_USCC_VALUE = {char: value for value, char in enumerate(USCC_ALPHABET)}


def resident_id_check_char(body: str) -> str:
    """Return the check character ('0'–'9' or 'X') for the first 17 digits of a resident ID."""
    if not _ID_BODY.match(body):
        raise IdentityFormatError(f"resident ID body must be 17 digits, not {body!r}")
    total = sum(int(digit) * weight for digit, weight in zip(body, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def is_valid_resident_id(number: str) -> bool:
    """True for an 18-character resident ID with a real birth date and the right check char."""
    if not _ID_FULL.match(number):
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return resident_id_check_char(number[:17]) == number[17]


def uscc_check_char(body: str) -> str:
    """Return the check character for the first 17 characters of a unified social credit code."""
    if len(body) != 17 or any(char not in _USCC_VALUE for char in body):
        raise IdentityFormatError(f"USCC body must be 17 characters of {USCC_ALPHABET}")
    total = sum(
        _USCC_VALUE[char] * weight for char, weight in zip(body, _USCC_WEIGHTS, strict=True)
    )
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """True for an 18-character unified social credit code with the right check character."""
    if len(code) != 18 or any(char not in _USCC_VALUE for char in code):
        return False
    return uscc_check_char(code[:17]) == code[17]

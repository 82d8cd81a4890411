"""The exception tree of ``standards``: every error a public function here may raise.

Checks report findings; these exceptions are for callers' mistakes (an unknown finding code, a
malformed 档号 handed to the parser, a broken rule table) and for damaged data files.
"""

from __future__ import annotations

__all__ = [
    "ArchivalCodeError",
    "DataFileError",
    "FindingTemplateError",
    "IdentityFormatError",
    "RetentionTableError",
    "StandardsError",
    "UnknownFindingCodeError",
    "UnsafePathError",
]


class StandardsError(Exception):
    """Base of every error raised by ``standards``."""


class DataFileError(StandardsError):
    """A data file of ``standards/data`` is missing or malformed."""


class UnknownFindingCodeError(StandardsError):
    """A finding code that is not in ``data/findings.tsv``."""


class FindingTemplateError(StandardsError):
    """A finding message template needs a placeholder the caller did not give."""


class ArchivalCodeError(StandardsError):
    """A 档号 (or one of its parts) that does not follow the configured template."""


class RetentionTableError(StandardsError):
    """A retention rule table that cannot be used (bad version, rule or condition)."""


class IdentityFormatError(StandardsError):
    """An identifier body of the wrong shape handed to a check-digit function."""


class UnsafePathError(StandardsError):
    """A relative path that may escape its root or be read differently elsewhere.

    ``reason`` is one of the ``REASON_*`` constants of ``standards.paths``.
    """

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"unsafe path {path!r}: {reason}")
        self.path = path
        self.reason = reason

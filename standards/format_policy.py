"""The format policy (格式策略): per declarable format, whether it is archival as it is, what a
preservation copy is made in, with which tool and options, whether its text is read by OCR, and
what the case page shows of it. A versioned table, like the retention table.

Reads: ``data/format_policy.tsv`` (its ``# table_version:`` line names the version). Writes:
nothing. Raises: ``DataFileError`` for a malformed table.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from standards.datafiles import read_text, read_tsv
from standards.errors import DataFileError

__all__ = ["FormatPolicy", "PolicyRow", "format_policy"]

_TABLE = "format_policy.tsv"
_VERSION_MARK = "# table_version:"
_OCR = frozenset({"yes", "no", "if-image-only"})
_RENDITIONS = frozenset({"original", "png", "pdfa-copy"})
_NONE = "-"


@dataclass(frozen=True)
class PolicyRow:
    """One format's policy; ``normalise_to`` is empty for an archival format."""

    format: str
    archival: bool
    normalise_to: str
    tool: str
    options: str
    ocr: str
    rendition: str
    note: str = ""

    @property
    def needs_copy(self) -> bool:
        """A preservation copy is due (the format is not archival as it is)."""
        return not self.archival and bool(self.normalise_to)


@dataclass(frozen=True)
class FormatPolicy:
    """The whole table: its version and its rows by format name."""

    version: str
    rows: Mapping[str, PolicyRow]

    def for_format(self, name: str) -> PolicyRow | None:
        """The row of a format (``PDF/A-2B`` matches ``PDF/A-2b``), None when unlisted."""
        found = self.rows.get(name)
        if found is not None:
            return found
        lowered = name.lower()
        return next((r for n, r in self.rows.items() if n.lower() == lowered), None)


def _cell(value: str) -> str:
    return "" if value == _NONE else value


def _row(row: Mapping[str, str]) -> PolicyRow:
    try:
        archival, ocr, rendition = row["archival"], row["ocr"], row["rendition"]
        if archival not in ("yes", "no"):
            raise DataFileError(f"{_TABLE}: archival must be yes/no, not {archival!r}")
        if ocr not in _OCR:
            raise DataFileError(f"{_TABLE}: ocr must be one of {sorted(_OCR)}, not {ocr!r}")
        if rendition not in _RENDITIONS:
            raise DataFileError(f"{_TABLE}: unknown rendition {rendition!r}")
        policy = PolicyRow(
            format=row["format"],
            archival=archival == "yes",
            normalise_to=_cell(row["normalise_to"]),
            tool=_cell(row["tool"]),
            options=_cell(row["options"]),
            ocr=ocr,
            rendition=rendition,
            note=row["note"],
        )
    except KeyError as exc:
        raise DataFileError(f"{_TABLE}: missing column {exc}") from exc
    if not policy.archival and not (policy.normalise_to and policy.tool):
        raise DataFileError(f"{_TABLE}: {policy.format} is not archival but names no copy/tool")
    return policy


def _version(text: str) -> str:
    for line in text.splitlines():
        if line.startswith(_VERSION_MARK):
            version = line.removeprefix(_VERSION_MARK).strip()
            if version:
                return version
    raise DataFileError(f"{_TABLE}: no '{_VERSION_MARK}' line")


@lru_cache(maxsize=1)
def format_policy() -> FormatPolicy:
    """The format policy shipped in ``standards/data`` (read once)."""
    rows = {policy.format: policy for policy in map(_row, read_tsv(_TABLE))}
    return FormatPolicy(version=_version(read_text(_TABLE)), rows=MappingProxyType(rows))

"""The finding-code table and the one way to make a ``Finding`` from it.

Reads: ``data/findings.tsv``, the one table of every finding code the archive reports: code, the
stage that raises it (``STAGES``: ingest, check, audit, package, transfer, seal,
preserve), default status,
DA/T 70 indicator, Chinese and English message templates with ``{placeholders}``, and a note on
the indicator chosen. Codes of the 四性 check engine (stage ``check``) leave the indicator empty:
the engine sets the indicator of the item it runs. Writes: nothing.
Raises: ``UnknownFindingCodeError``, ``FindingTemplateError``, ``DataFileError``.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

from standards.datafiles import read_tsv
from standards.errors import DataFileError, FindingTemplateError, UnknownFindingCodeError
from standards.finding import Finding, Status

__all__ = ["STAGES", "FindingCode", "finding_code", "finding_codes", "make"]

_DAT70 = re.compile(r"^(GD|YJ|BC)-[1-4]-[1-5]$")
_RESERVED = frozenset({"zh"})
_TABLE = "findings.tsv"
#: The stages that raise findings; each stage's tests exercise its codes.
STAGES = ("ingest", "check", "audit", "package", "transfer", "seal", "preserve")


@dataclass(frozen=True)
class FindingCode:
    """One row of the finding-code table."""

    code: str
    stage: str
    status: Status
    dat70: str
    zh: str
    en: str
    note: str

    @property
    def placeholders(self) -> frozenset[str]:
        names = set()
        for template in (self.zh, self.en):
            for _, field, _, _ in string.Formatter().parse(template):
                if field is not None:
                    names.add(field)
        return frozenset(names)


@lru_cache(maxsize=1)
def finding_codes() -> Mapping[str, FindingCode]:
    """Return every finding code of ``data/findings.tsv`` by code."""
    table: dict[str, FindingCode] = {}
    for row in read_tsv(_TABLE):
        try:
            entry = FindingCode(
                code=row["code"],
                stage=row["stage"],
                status=Status(row["status"]),
                dat70=row["dat70"],
                zh=row["zh"],
                en=row["en"],
                note=row["note"],
            )
        except (KeyError, ValueError) as exc:
            raise DataFileError(f"findings.tsv: bad row {row!r}: {exc}") from exc
        if entry.stage not in STAGES:
            raise DataFileError(f"findings.tsv: {entry.code}: unknown stage {entry.stage!r}")
        if entry.dat70 and not _DAT70.match(entry.dat70):
            raise DataFileError(f"findings.tsv: {entry.code}: bad indicator {entry.dat70!r}")
        if entry.code in table:
            raise DataFileError(f"findings.tsv: duplicate code {entry.code}")
        table[entry.code] = entry
    return MappingProxyType(table)


def finding_code(code: str) -> FindingCode:
    """Return the table row of ``code``; raises ``UnknownFindingCodeError``."""
    entry = finding_codes().get(code)
    if entry is None:
        raise UnknownFindingCodeError(f"unknown finding code: {code!r}")
    return entry


def make(
    code: str,
    status: Status | None = None,
    /,
    *,
    path: str = "",
    expected: str = "",
    found: str = "",
    tool: str = "",
    extra: Mapping[str, str] | None = None,
    keep_missing: bool = False,
    **fmt: object,
) -> Finding:
    """Build a ``Finding`` for ``code`` with its message filled from the table.

    ``status`` defaults to the code's status in the table (FAIL for refusals, WARN for
    warnings). ``message`` is the English template, ``detail["zh"]`` the Chinese one; both may
    use ``{path}``, ``{expected}``, ``{found}`` and any keyword in ``fmt``, whose values are
    also kept in ``detail`` as strings (``extra`` entries win over them). A placeholder without
    a value raises ``FindingTemplateError``, or stays as ``{name}`` in the messages with
    ``keep_missing``. Raises: ``UnknownFindingCodeError``, ``FindingTemplateError`` (also for a
    reserved keyword).
    """
    entry = finding_code(code)
    clash = _RESERVED & fmt.keys()
    if clash:
        raise FindingTemplateError(f"{code}: reserved keyword {sorted(clash)}")
    values: dict[str, object] = {"path": path, "expected": expected, "found": found, **fmt}
    missing = entry.placeholders - values.keys()
    if missing and not keep_missing:
        raise FindingTemplateError(f"{code}: no value for {sorted(missing)}")
    values.update({name: "{" + name + "}" for name in missing})
    details = {key: str(value) for key, value in fmt.items()}
    details.update(extra or {})
    details["zh"] = entry.zh.format_map(values)
    return Finding(
        code=entry.code,
        status=entry.status if status is None else status,
        message=entry.en.format_map(values),
        dat70=entry.dat70,
        path=path,
        expected=expected,
        found=found,
        tool=tool,
        detail=details,
    )

"""Provenance of a package that did not come from a handling system: a transfer from a sender.

A transferred archive keeps the 档号 its 立档单位 assigned (DA/T 13-2022: the reference code is
the 立档单位's and stays stable when the fonds moves to the archive bureau; the 全宗号 in it names
the originating unit), so the receiving archive takes that 档号 instead of allocating its own —
after checking that it follows this archive's rule, agrees with case.xml and this archive's
retention decision, and is not held by another archive here. ``detail`` (sender, batch, EEP
digest, …) goes into the ingest report inside the AIP and into the ingest event.
Reads and writes nothing. Raises nothing: problems are findings.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from search.catalog import Catalog
from standards import archival_code as ac
from standards.case import CaseRecord
from standards.errors import ArchivalCodeError
from standards.finding import Finding
from standards.findings import make

__all__ = ["Provenance", "check_kept_code"]


@dataclass(frozen=True)
class Provenance:
    """Where a transferred package came from, and the 档号 it keeps."""

    archival_code: str
    detail: Mapping[str, str] = field(default_factory=dict)


def check_kept_code(
    provenance: Provenance,
    case: CaseRecord,
    retention_code: str,
    category: str,
    rule: ac.ArchivalCodeRule,
    catalog: Catalog,
    archive_id: str,
) -> tuple[ac.ArchivalCodeParts | None, list[Finding]]:
    """The parts of the kept 档号, or None with the findings that refuse it."""
    code = provenance.archival_code
    try:
        parts = ac.parse_code(rule, code)
    except ArchivalCodeError as exc:
        return None, [make("KEPT_CODE_UNPARSABLE", found=code, error=str(exc))]
    wanted = {
        "fonds": case.fonds_identifier,
        "category": category,
        "year": str(case.year),
        "retention": retention_code,
        "organization": case.organization_code,
    }
    findings = [
        make(
            "KEPT_CODE_MISMATCH",
            expected=value,
            found=str(getattr(parts, part)),
            code=code,
            part=part,
        )
        for part, value in wanted.items()
        if str(getattr(parts, part)) != value
    ]
    holder = catalog.by_archival_code(code)
    if holder is not None and holder.id != archive_id:
        findings.append(make("KEPT_CODE_TAKEN", code=code, holder=holder.id))
    return (None, findings) if findings else (parts, [])

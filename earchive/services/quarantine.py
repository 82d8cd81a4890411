"""Reading the quarantine: one folder per refused package, with ``report.json`` (every reason).

Reads: ``<home>/quarantine/*/report.json`` as written by the ingest pipeline. Writes: nothing.
A report that cannot be read is listed with an ``unreadable`` note instead of failing the list.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["QuarantineEntry", "read_quarantine"]


@dataclass(frozen=True)
class QuarantineEntry:
    """One refused package: its quarantine folder name, when, what, and every finding."""

    name: str
    refused_at: str
    source_name: str
    electronic_record_code: str
    findings: tuple[dict[str, object], ...] = field(default_factory=tuple)
    unreadable: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "refused_at": self.refused_at,
            "source_name": self.source_name,
            "electronic_record_code": self.electronic_record_code,
            "findings": list(self.findings),
            "unreadable": self.unreadable,
        }


def _entry(folder: Path) -> QuarantineEntry:
    try:
        report = json.loads((folder / "report.json").read_text("utf-8"))
        findings = tuple(f for f in report.get("findings", []) if isinstance(f, dict))
        return QuarantineEntry(
            name=folder.name,
            refused_at=str(report.get("refused_at", "")),
            source_name=Path(str(report.get("source", ""))).name,
            electronic_record_code=str(report.get("electronic_record_code", "")),
            findings=findings,
        )
    except (OSError, ValueError, AttributeError) as exc:
        return QuarantineEntry(folder.name, "", "", "", (), unreadable=str(exc))


def read_quarantine(quarantine_dir: Path, limit: int = 200) -> list[QuarantineEntry]:
    """The newest ``limit`` refusals, newest first (folder names start with a UTC stamp)."""
    if not quarantine_dir.is_dir():
        return []
    folders = sorted((p for p in quarantine_dir.iterdir() if p.is_dir()), reverse=True)
    return [_entry(p) for p in folders[:limit]]

"""The quarantine as archivists work with it: every refused package with its reasons, its report
for download, deleting one (with a reason, logged) and submitting one again.

Reads: ``<home>/quarantine/*/report.json`` as the ingest pipeline keeps them (``ingest.quarantine``:
one folder per refusal, reduced to its report past the quota or the retention). Writes: the
quarantine and the event log. A report that cannot be read is listed with an ``unreadable`` note
instead of failing the list. Raises ``NotFoundError`` for a name that is no quarantined package,
``UploadRejectedError`` when one cannot be submitted again (reduced to its report).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from earchive.core.archive import Archive, ingest_waiting
from earchive.core.errors import InvalidRequestError, NotFoundError, UploadRejectedError
from ingest import quarantine
from ingest.pipeline import IngestResult
from preservation.events import Event

__all__ = [
    "QuarantineEntry",
    "delete_refused",
    "quarantine_dir",
    "read_quarantine",
    "refused_report",
    "resubmit",
]


@dataclass(frozen=True)
class QuarantineEntry:
    """One refused package: its quarantine folder name, when, what, and every finding; whether
    the package itself is still kept (``reduced``: when and why it was not)."""

    name: str
    refused_at: str
    source_name: str
    electronic_record_code: str
    findings: tuple[dict[str, object], ...] = field(default_factory=tuple)
    unreadable: str = ""
    kept: bool = True
    reduced: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "refused_at": self.refused_at,
            "source_name": self.source_name,
            "electronic_record_code": self.electronic_record_code,
            "findings": list(self.findings),
            "unreadable": self.unreadable,
            "kept": self.kept,
            "reduced": self.reduced,
        }


def quarantine_dir(archive: Archive) -> Path:
    return archive.home / "quarantine"


def _entry(path: Path) -> QuarantineEntry:
    try:
        report = quarantine.report(path)
        findings = tuple(f for f in report.get("findings", []) or [] if isinstance(f, dict))
        reduced = report.get("reduced")
        return QuarantineEntry(
            name=path.name,
            refused_at=str(report.get("refused_at", "")),
            source_name=Path(str(report.get("source", ""))).name,
            electronic_record_code=str(report.get("electronic_record_code", "")),
            findings=findings,
            kept=quarantine.kept_package(path) is not None,
            reduced=f"{reduced.get('at', '')}: {reduced.get('why', '')}"
            if isinstance(reduced, dict)
            else "",
        )
    except (quarantine.QuarantineError, OSError, ValueError, AttributeError) as exc:
        return QuarantineEntry(path.name, "", "", "", (), unreadable=str(exc))


def read_quarantine(directory: Path, limit: int = 200) -> list[QuarantineEntry]:
    """The newest ``limit`` refusals, newest first (folder names start with a UTC stamp)."""
    if not directory.is_dir():
        return []
    folders = sorted((p for p in directory.iterdir() if p.is_dir()), reverse=True)
    return [_entry(p) for p in folders[:limit]]


def _folder(archive: Archive, name: str) -> Path:
    try:
        return quarantine.folder(quarantine_dir(archive), name)
    except quarantine.QuarantineError as exc:
        raise NotFoundError(name) from exc


def refused_report(archive: Archive, name: str) -> dict[str, object]:
    """The report of one refused package (every reason, and whether it was reduced)."""
    try:
        return quarantine.report(_folder(archive, name))
    except quarantine.QuarantineError as exc:
        raise NotFoundError(name) from exc


def _log(archive: Archive, agent: str, name: str, outcome: str, **detail: str) -> None:
    archive.events.record(Event(agent, "quarantine", name, outcome, archive.clock(), detail))


def delete_refused(archive: Archive, name: str, reason: str, agent: str) -> None:
    """Delete one refused package and its report; the event log keeps who, when and why."""
    if len(reason.strip()) < 3:
        raise InvalidRequestError("say why the refused package is deleted (at least 3 characters)")
    path = _folder(archive, name)
    erc = str(quarantine.report(path).get("electronic_record_code", ""))
    quarantine.delete(path)
    _log(archive, agent, name, "deleted", reason=reason.strip(), electronic_record_code=erc)


def resubmit(archive: Archive, name: str, agent: str) -> IngestResult:
    """Ingest a refused package again (after a rule or a table was corrected); its quarantine
    folder goes — a new refusal keeps a new one with the new reasons."""
    path = _folder(archive, name)
    package = quarantine.kept_package(path)
    if package is None:
        raise UploadRejectedError(f"{name}: only the report is kept; submit the package anew")
    result = ingest_waiting(package, archive.context())
    quarantine.delete(path)
    _log(archive, agent, name, "resubmitted", status=result.status, id=result.id or "")
    return result

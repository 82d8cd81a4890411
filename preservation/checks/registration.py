"""The archiving registration form (GB/T 18894-2016 appendix A.1 归档登记表) of an ingest batch.

One form per batch: who archived what and when, and per archive the number of files and bytes
handed over. The 2-1 checks compare a stored archive with its entry. ``as_dict``/``from_dict``
give the JSON kept in the catalog; ``rows`` the table rendered into reports.
Reads/writes: nothing. Raises: ``RegistrationError`` for a malformed JSON form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

__all__ = ["FORM_NAME", "RegistrationEntry", "RegistrationError", "RegistrationForm"]

FORM_NAME = "GB/T 18894-2016 附录A 表A.1 归档登记表"


class RegistrationError(Exception):
    """A registration form that cannot be read."""


@dataclass(frozen=True)
class RegistrationEntry:
    """One archive on the form."""

    archive_id: str
    archival_code: str
    title: str
    version: int
    files: int
    bytes: int
    batch_id: str = ""


@dataclass(frozen=True)
class RegistrationForm:
    batch_id: str
    unit: str  # 归档单位 (fonds names)
    created_at: datetime
    agent: str  # 归档人 / archiving software
    carrier: str  # "在线" for online archiving
    entries: tuple[RegistrationEntry, ...]

    @property
    def total_files(self) -> int:
        return sum(e.files for e in self.entries)

    @property
    def total_bytes(self) -> int:
        return sum(e.bytes for e in self.entries)

    def entry(self, archive_id: str) -> RegistrationEntry | None:
        for e in self.entries:
            if e.archive_id == archive_id:
                return e
        return None

    def rows(self) -> list[tuple[str, ...]]:
        """Table rows: 序号, 档号, 题名, 版本, 文件数, 字节数."""
        return [
            (str(n), e.archival_code, e.title, f"v{e.version}", str(e.files), str(e.bytes))
            for n, e in enumerate(self.entries, start=1)
        ]

    def as_dict(self) -> dict[str, object]:
        return {
            "form": FORM_NAME,
            "batch_id": self.batch_id,
            "unit": self.unit,
            "created_at": self.created_at.isoformat(),
            "agent": self.agent,
            "carrier": self.carrier,
            "totals": {
                "archives": len(self.entries),
                "files": self.total_files,
                "bytes": self.total_bytes,
                "gigabytes": f"{self.total_bytes / 1e9:.3f}",
            },
            "entries": [
                {
                    "archive_id": e.archive_id,
                    "archival_code": e.archival_code,
                    "title": e.title,
                    "version": e.version,
                    "files": e.files,
                    "bytes": e.bytes,
                }
                for e in self.entries
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RegistrationForm:
        try:
            batch = str(data["batch_id"])
            raw_entries = data["entries"]
            if not isinstance(raw_entries, Sequence):
                raise TypeError("entries is not a list")
            entries = tuple(
                RegistrationEntry(
                    archive_id=str(e["archive_id"]),
                    archival_code=str(e["archival_code"]),
                    title=str(e.get("title", "")),
                    version=int(e["version"]),
                    files=int(e["files"]),
                    bytes=int(e["bytes"]),
                    batch_id=batch,
                )
                for e in raw_entries
            )
            return cls(
                batch_id=batch,
                unit=str(data.get("unit", "")),
                created_at=datetime.fromisoformat(str(data["created_at"])),
                agent=str(data.get("agent", "")),
                carrier=str(data.get("carrier", "在线")),
                entries=entries,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise RegistrationError(f"malformed registration form: {exc}") from exc

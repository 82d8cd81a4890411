"""The GB/T 18894 A.1 registration form of an ingest batch: the accepted archives and new
versions of one run, written as the run goes (``BatchRegistrar``) into the catalog's run store.

Loads no check engine: every ingest registers its batch, and the 四性 checks are not run then.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from preservation.checks import RegistrationEntry, RegistrationForm, RunStore

if TYPE_CHECKING:
    from earchive.core.archive import Archive
    from ingest.pipeline import IngestResult

__all__ = ["BatchRegistrar", "register_batch"]


def register_batch(
    archive: Archive, results: Iterable[IngestResult], batch_id: str | None = None
) -> RegistrationForm | None:
    """Write the GB/T 18894 A.1 registration form of an ingest batch (accepted/new versions)."""
    entries = []
    kept = [r for r in results if r.status in ("accepted", "new_version")]
    records = archive.catalog.get_many([r.id for r in kept])
    totals = archive.catalog.version_totals(list(records))
    for result in kept:
        record = records.get(result.id)
        if record is None:
            continue
        files, size = totals.get((result.id, result.version), (0, 0))
        entries.append(
            RegistrationEntry(
                archive_id=record.id,
                archival_code=record.archival_code,
                title=record.project_name,
                version=result.version,
                files=files,
                bytes=size,
            )
        )
    if not entries:
        return None
    now = archive.clock()
    units = sorted({records[e.archive_id].fonds_identifier for e in entries})
    form = RegistrationForm(
        batch_id=batch_id or f"ingest-{now:%Y%m%dT%H%M%S%f}",
        unit="、".join(units),
        created_at=now,
        agent=archive.settings.agent,
        carrier="在线",
        entries=tuple(RegistrationEntry(**{**e.__dict__, "batch_id": ""}) for e in entries),
    )
    store = RunStore(archive.engine)
    store.create_schema()
    store.save_form(form)
    return form


class BatchRegistrar:
    """Registers an ingest run as it goes: the accepted archives are written as GB/T 18894 A.1
    forms in parts of ``part`` entries (``<batch>-0001``, ``-0002``…; a run that fits one part
    keeps the plain batch id), so a run of any size holds at most one part in memory."""

    def __init__(self, archive: Archive, batch_id: str | None = None, part: int = 1000) -> None:
        self.archive = archive
        self.batch_id = batch_id or f"ingest-{archive.clock():%Y%m%dT%H%M%S%f}"
        self.part = part
        self.forms: list[str] = []
        self._pending: list[IngestResult] = []

    def add(self, result: IngestResult) -> None:
        if result.status in ("accepted", "new_version"):
            self._pending.append(result)
            if len(self._pending) >= self.part:
                self._flush(f"{self.batch_id}-{len(self.forms) + 1:04d}")

    def close(self) -> list[str]:
        """Write what is left; the batch ids of every form written."""
        if self._pending:
            self._flush(
                f"{self.batch_id}-{len(self.forms) + 1:04d}" if self.forms else self.batch_id
            )
        return self.forms

    def _flush(self, batch_id: str) -> None:
        if register_batch(self.archive, self._pending, batch_id) is not None:
            self.forms.append(batch_id)
        self._pending = []

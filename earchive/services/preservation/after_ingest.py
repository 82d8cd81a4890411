"""Preservation work that follows an ingest run, per fonds (``EARCHIVE_NORMALISE_FONDS``,
``EARCHIVE_OCR_FONDS``; both empty by default, so an ingest does nothing more).

``AfterIngest`` collects the archives an ingest run accepted whose fonds asks for copies or OCR,
and ``run()`` makes them once the run is over — never inside an ingest's transaction, each
archive its own new version. This is the hook for a durable work queue: a queue would take the
same (archive id, options) items as ``normalise`` / ``ocr`` jobs instead of running them here.
"""

from __future__ import annotations

from collections.abc import Iterator

from earchive.core.archive import Archive
from earchive.services.preservation.options import PreserveOptions, fonds_options
from earchive.services.preservation.service import PreserveReport, preserve_archive
from ingest.pipeline import IngestResult

__all__ = ["AfterIngest"]

_NEW = frozenset({"accepted", "new_version"})


class AfterIngest:
    """The preservation work an ingest run leaves due, in the order the archives arrived."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.due: dict[str, PreserveOptions] = {}
        settings = archive.settings
        self.enabled = bool(settings.normalise_fonds or settings.ocr_fonds)

    def add(self, result: IngestResult) -> None:
        if not self.enabled or result.status not in _NEW or not result.id:
            return
        record = self.archive.catalog.get(result.id)
        if record is None:
            return
        options = fonds_options(self.archive.settings, record.fonds_identifier)
        if options.any:
            self.due[result.id] = options

    def run(self) -> Iterator[PreserveReport]:
        """Make what is due, one archive at a time."""
        while self.due:
            archive_id = next(iter(self.due))
            options = self.due.pop(archive_id)
            yield preserve_archive(self.archive, archive_id, options)

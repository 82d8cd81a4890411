"""The demo's preservation step: one archive with each kind of sample attachment that takes a
preservation path (a DOCX, an XLSX, a scan) gets its copies and OCR text, so the case page shows
a PDF/A copy and search finds a scan's words. A few archives only: the demo stays quick."""

from __future__ import annotations

from earchive.core.archive import Archive
from earchive.services.preservation.options import PreserveOptions
from earchive.services.preservation.service import PreserveReport, preserve_archive

__all__ = ["DEMO_FORMATS", "demo_preservation"]

DEMO_FORMATS = ("DOCX", "XLSX", "PNG")


def demo_preservation(archive: Archive) -> list[PreserveReport]:
    """Preserve the first archive holding each of ``DEMO_FORMATS``; returns their reports."""
    chosen: dict[str, str] = {}
    for record in archive.catalog.iter_archives():
        for row in archive.catalog.files(record.id, record.version):
            if row.format in DEMO_FORMATS and row.format not in chosen:
                chosen[row.format] = record.id
        if len(chosen) == len(DEMO_FORMATS):
            break
    reports = []
    for archive_id in dict.fromkeys(chosen.values()):
        reports.append(preserve_archive(archive, archive_id, PreserveOptions()))
    return reports

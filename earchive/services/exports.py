"""Exports of an archive's current version: a BagIt bag (with its objection annotations as tag
files, never payload) or one signed DA/T 48 EEP (``earchive.services.transfer.sender``).

Reads: the catalog and storage. Writes: the export at ``dest``. Raises ``NotFoundError``,
``ConfigurationError`` (an unknown form, or an archive that cannot be written as an EEP).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError
from earchive.services.objections.service import bag_annotations
from package.bagit import export_bag

__all__ = ["FORMS", "export_archive"]

FORMS = ("bagit", "eep")


def export_archive(archive: Archive, archive_id: str, dest: Path, form: str = "bagit") -> Path:
    """Write the current version of ``archive_id`` at ``dest`` as ``form`` (``FORMS``)."""
    if form == "eep":
        from earchive.services.transfer.sender import export_eep  # loads the transfer package
        from transfer import EepError

        try:
            return export_eep(archive, archive_id, dest)
        except EepError as exc:  # the archive cannot be written as an EEP: not a refusal
            raise ConfigurationError(str(exc)) from exc
    if form != "bagit":
        raise ConfigurationError(f"export form {form!r} is not available (use bagit or eep)")
    view = archive.show(archive_id)
    record = view.record

    def opener(path: str) -> Callable[[], BinaryIO]:
        return lambda: archive.open_file(archive_id, path)

    info = {
        "Source-Organization": record.fonds_identifier,
        "External-Identifier": archive_id,
        "External-Description": record.project_name,
        "Archival-Code": record.archival_code,
        "Electronic-Record-Code": record.electronic_record_code,
        "AIP-Version": f"v{record.version}",
    }
    files = [(p, opener(p)) for p in archive.version_paths(archive_id)]
    tags, marks = bag_annotations(archive, archive_id)  # 异议标注: tag files, never payload
    info.update(marks)
    return export_bag(dest, files, info, bagging_date=archive.clock().date(), tag_files=tags)

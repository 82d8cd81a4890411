"""Catalog rows as frozen dataclasses: an archive's current record, its files, its versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

__all__ = ["ArchiveRecord", "FileRow", "VersionRow"]


@dataclass(frozen=True)
class ArchiveRecord:
    """One archive (the current version's metadata). ``id`` is ``<fonds>-<erc>``."""

    id: str
    object_id: str
    electronic_record_code: str
    fonds_identifier: str
    archival_code: str
    year: int
    retention: str
    category: str
    organization_code: str
    item_number: int
    task_code: str
    task_name: str
    task_type: str
    project_name: str  # the title (题名)
    project_id: str
    accept_number: str
    applicant_name: str
    applicant_type: str
    receive_department: str
    result: str
    security_classification: str
    receive_time: datetime
    transact_time: datetime
    version: int  # current version number (OCFL vN)
    ingested_at: datetime
    file_count: int
    total_bytes: int
    status: str


@dataclass(frozen=True)
class FileRow:
    """One file of one version of an archive (its logical path in the AIP)."""

    path: str
    material_code: str
    title: str
    format: str
    size: int
    sm3: str
    sha256: str
    signed: bool


@dataclass(frozen=True)
class VersionRow:
    """One version of an archive; ``package_sha256`` identifies the submitted package content."""

    version: int
    created: datetime
    manifest_sha256: str
    package_sha256: str

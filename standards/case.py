"""The case package contract (shared/spec/case-package.md) as frozen dataclasses.

``CaseRecord`` is what ``ingest`` parses out of ``case.xml`` and what ``package`` maps to the
archival metadata. Times are timezone-aware ``datetime`` values.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class Applicant:
    name: str
    type: str  # 自然人 / 法人 / 其他组织
    id_type: str
    id_number: str
    address: str = ""
    legal_representative: str = ""


@dataclass(frozen=True)
class Certificate:
    """A licence: the case's result certificate or one called from the licence library."""

    type: str
    number: str
    issuer: str


@dataclass(frozen=True)
class Step:
    code: str  # 1 收件, 2 受理, 3 审核, 4 办结, 11 补齐补正, 12 挂起, 99 其他
    actor: str
    department: str
    time: datetime
    opinion: str = ""


@dataclass(frozen=True)
class FileEntry:
    path: str  # relative, "A/…", "B/…" or "C/…", forward slashes
    material_code: str
    title: str
    format: str  # PDF, PDF/A-1b, PDF/A-2b, OFD, JPEG, TIFF, PNG, XML
    size: int
    created: datetime
    sm3: str
    sha256: str = ""
    signed: bool = False
    licence: Certificate | None = None


@dataclass(frozen=True)
class CaseRecord:
    electronic_record_code: str
    region_code: str
    fonds_identifier: str
    fonds_name: str
    organization_code: str
    task_code: str
    task_name: str
    task_type: str
    project_id: str
    project_name: str
    accept_number: str
    applicant: Applicant
    receive_department: str
    receive_time: datetime
    transact_time: datetime
    result: str
    security_classification: str
    sharing: str
    source_system: str
    submitted_at: datetime
    process: tuple[Step, ...]
    files: tuple[FileEntry, ...]
    declared_file_count: int
    task_version: str = ""
    result_certificate: Certificate | None = None

    @property
    def year(self) -> int:
        """The archiving year (年度): the year the case was completed (办结)."""
        return self.transact_time.year

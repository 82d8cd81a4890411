"""The plan of one case: every value of its ``case.xml`` except measured sizes and digests,
and a list of files still to be rendered. Plans are cheap, deterministic and picklable."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from standards.case import Applicant, Certificate, Step

from .catalog import ServiceItem
from .people import Organization, Person

__all__ = ["CasePlan", "FileSpec"]


@dataclass(frozen=True)
class FileSpec:
    """A file to render: where it goes, what it is, and how it is drawn."""

    path: str  # "A/A1-公司设立登记申请书.pdf"
    material_code: str
    title: str
    kind: str  # rendering kind, see ``documents.KINDS``
    format: str  # PDF / JPEG / XML
    created: datetime
    sealed_by: str = ""  # department whose seal signs the file; "" = unsigned
    licence: Certificate | None = None


@dataclass(frozen=True)
class CasePlan:
    """Everything known about a case before its files exist."""

    seed: int
    index: int
    item: ServiceItem
    electronic_record_code: str
    region_code: str
    project_id: str
    project_name: str
    accept_number: str
    applicant: Applicant
    person: Person | None  # the natural-person applicant, or the legal representative
    organization: Organization | None
    receive_department: str
    receive_time: datetime
    transact_time: datetime
    result: str
    result_certificate: Certificate | None
    security_classification: str
    sharing: str
    source_system: str
    submitted_at: datetime
    process: tuple[Step, ...]
    files: tuple[FileSpec, ...]
    corrected: bool  # had a 补齐补正 step

    @property
    def file_seed(self) -> str:
        """Seed prefix for per-file random generators (independent of rendering order)."""
        return f"earchive-samples/{self.seed}/{self.electronic_record_code}"

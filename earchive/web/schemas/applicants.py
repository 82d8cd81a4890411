"""HTTP shapes of the applicant view (``POST /api/applicants``): the query and the timeline."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

__all__ = [
    "ApplicantCaseOut",
    "ApplicantOut",
    "ApplicantQuery",
    "ApplicantYearOut",
    "LicenceOut",
]


class ApplicantQuery(BaseModel):
    """Who and why; sent as a JSON body so identifiers never sit in URLs or access logs."""

    identifier: str = Field(
        min_length=1, max_length=64, description="resident ID number or unified social credit code"
    )
    purpose: str = Field(min_length=1, max_length=200, description="查档目的, recorded")


class LicenceOut(BaseModel):
    type: str
    number: str
    issuer: str


class ApplicantCaseOut(BaseModel):
    id: str
    archival_code: str
    electronic_record_code: str
    fonds_identifier: str
    year: int
    task_code: str
    task_name: str
    title: str
    result: str
    receive_time: datetime
    transact_time: datetime
    applicant_name: str
    licences: list[LicenceOut]


class ApplicantYearOut(BaseModel):
    year: int
    cases: list[ApplicantCaseOut]


class ApplicantOut(BaseModel):
    """The timeline of one identity, oldest year first (only archives the caller may see)."""

    kind: str  # person | organisation
    identifier: str  # normalised, as the caller sent it
    names: list[str]
    total: int
    years: list[ApplicantYearOut]

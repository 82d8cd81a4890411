"""Pydantic models of the API's answers (the edge only; the domain keeps frozen dataclasses)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

__all__ = [
    "ArchiveOut",
    "EventOut",
    "FileOut",
    "FindingOut",
    "IngestOut",
    "MeOut",
    "QuarantineOut",
    "SearchHitOut",
    "SearchOut",
    "StepOut",
    "VersionOut",
]


class FindingOut(BaseModel):
    code: str
    status: str
    message: str
    dat70: str | None = None
    path: str | None = None
    expected: str | None = None
    found: str | None = None
    detail: dict[str, object] | None = None


class IngestOut(BaseModel):
    status: str
    electronic_record_code: str
    id: str
    archival_code: str | None = None
    version: int
    findings: list[FindingOut]


class SearchHitOut(BaseModel):
    id: str
    electronic_record_code: str
    archival_code: str
    title: str
    score: float
    snippet: str  # HTML-escaped text with <mark> around query words


class SearchOut(BaseModel):
    total: int
    hits: list[SearchHitOut]
    facets: dict[str, dict[str, int]]


class FileOut(BaseModel):
    path: str
    material_code: str
    title: str
    format: str
    size: int
    sm3: str
    sha256: str
    signed: bool


class VersionOut(BaseModel):
    version: int
    created: datetime
    manifest_sha256: str
    package_sha256: str


class StepOut(BaseModel):
    code: str
    actor: str
    department: str
    time: datetime
    opinion: str


class ArchiveOut(BaseModel):
    id: str
    electronic_record_code: str
    archival_code: str
    fonds_identifier: str
    year: int
    retention: str
    task_code: str
    task_name: str
    title: str
    accept_number: str
    applicant_name: str
    applicant_type: str
    applicant_id_type: str | None = None
    applicant_id_number: str | None = None  # masked unless the role may see personal data
    receive_department: str
    result: str
    security_classification: str
    receive_time: datetime
    transact_time: datetime
    version: int
    file_count: int
    total_bytes: int
    personal_data_masked: bool
    process: list[StepOut]
    files: list[FileOut]
    versions: list[VersionOut]


class EventOut(BaseModel):
    seq: int
    at: datetime
    agent: str
    action: str
    object: str
    outcome: str
    detail: dict[str, Any]  # ``object`` is a field name here, so ``Any`` stands for it
    hash: str


class QuarantineOut(BaseModel):
    name: str
    refused_at: str
    source_name: str
    electronic_record_code: str
    findings: list[dict[str, object]]
    unreadable: str


class MeOut(BaseModel):
    name: str
    kind: str
    role: str
    clearance: str
    fonds: list[str] | None
    permissions: list[str]

"""Pydantic models of the API's answers (the edge only; the domain keeps frozen dataclasses)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field

__all__ = [
    "ArchiveOut",
    "AuditRequest",
    "AuditRunOut",
    "BatchItemOut",
    "BatchOut",
    "CheckItemOut",
    "CheckRequest",
    "CheckRunOut",
    "EventOut",
    "FileOut",
    "FindingOut",
    "IngestOut",
    "JobOut",
    "LedgerRowOut",
    "MeOut",
    "PlanEntryOut",
    "QuarantineDeleteIn",
    "QuarantineOut",
    "ReceiptIn",
    "ReceiptItemOut",
    "ReceiptOut",
    "ReminderOut",
    "RemindersOut",
    "RestoreRequest",
    "SealOut",
    "SearchHitOut",
    "SearchOut",
    "StepOut",
    "TokenCreated",
    "TokenOut",
    "TokenRequest",
    "TransferRequestIn",
    "UserCreated",
    "UserOut",
    "UserRequest",
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
    objection_open: bool = False  # a data subject's objection (异议标注) awaits a decision
    open_objections: int = 0


class SearchOut(BaseModel):
    total: int
    hits: list[SearchHitOut]
    facets: dict[str, dict[str, int]]
    # set when the query was not run, e.g. an ID number searched without personal-data permission
    notice: str | None = None


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
    kept: bool = True  # the package itself is still there (not reduced to its report)
    reduced: str = ""  # when and why it was reduced


class QuarantineDeleteIn(BaseModel):
    reason: str = Field(min_length=3, max_length=2000)


class MeOut(BaseModel):
    name: str
    kind: str
    role: str
    clearance: str
    fonds: list[str] | None
    permissions: list[str]


# -- operations: 四性 checks, fixity audits, jobs, transfers, reminders, admin -----------------


class CheckRequest(BaseModel):
    stage: Literal["gd", "yj", "bc", "GD", "YJ", "BC"] = "gd"


class CheckItemOut(BaseModel):
    item: str  # the DA/T 70 catalogue item, e.g. GD-1-1
    finding: FindingOut


class CheckRunOut(BaseModel):
    archive_id: str
    stage: str
    version: int
    started: datetime
    finished: datetime
    agent: str
    failed: bool
    summary: dict[str, int]
    results: list[CheckItemOut]


class JobOut(BaseModel):
    id: str
    kind: str
    status: str  # queued | running | done | failed | lost
    owner: str
    created: datetime
    finished: datetime | None = None
    result: dict[str, Any] | None = None
    error: str = ""
    url: str


class AuditRequest(BaseModel):
    location: Literal["primary", "replica"] = "primary"
    limit: int | None = Field(default=None, ge=1, le=1_000_000)
    seconds: float | None = Field(default=None, gt=0, le=86_400)


class AuditRunOut(BaseModel):
    seq: int
    at: datetime
    location: str
    outcome: str
    objects: int
    files: int
    bytes: int
    failed: int
    seconds: float
    remaining: int
    agent: str


class LedgerRowOut(BaseModel):
    location: str
    archive_id: str
    object_id: str
    last_audit: datetime
    outcome: str


class PlanEntryOut(BaseModel):
    id: str
    archival_code: str
    title: str
    fonds: str
    retention: str
    formed: date
    deadline: date
    status: str  # overdue | due | not_due | transferred
    reason_zh: str
    reason_en: str


class BatchItemOut(BaseModel):
    id: str
    archival_code: str
    status: str


class ReceiptItemOut(BaseModel):
    archival_code: str
    code: str
    findings: list[FindingOut]


class ReceiptOut(BaseModel):
    batch_id: str
    code: str
    received_at: datetime | None
    path: str
    items: list[ReceiptItemOut]
    findings: list[FindingOut]
    problem: str = ""


class BatchOut(BaseModel):
    batch_id: str
    created: datetime
    target: str
    sent: int
    refused: int
    status: str
    items: list[BatchItemOut]
    receipt: ReceiptOut | None = None


class TransferRequestIn(BaseModel):
    ids: list[Annotated[str, Field(min_length=1, max_length=300)]] | None = Field(
        default=None, max_length=10_000, description="archive ids; default: every due or overdue"
    )


class SignOffIn(BaseModel):
    reason: str = Field(min_length=5, max_length=2000, description="why the items may go")
    ids: list[Annotated[str, Field(min_length=1, max_length=300)]] = Field(
        default_factory=list, max_length=10_000, description="archive ids (or name the batch)"
    )
    batch_id: str | None = Field(default=None, max_length=100)


class ReviewItemOut(BaseModel):
    item: str  # DA/T 70 item, e.g. YJ-4-1
    code: str
    message: str


class SignOffOut(BaseModel):
    batch_id: str
    id: str
    version: int
    items: list[ReviewItemOut]
    signed_by: str | None
    signed_at: str | None
    reason: str | None


class ReminderOut(BaseModel):
    id: str  # stable while the condition holds: de-duplicate on it
    kind: str
    severity: str  # critical | warning | info
    due: date | None
    object: str
    fonds: str | None
    raised: datetime  # when the condition began (``since`` filters on it)
    message_zh: str
    message_en: str


class RemindersOut(BaseModel):
    generated: datetime
    today: date
    horizon_days: int
    reminders: list[ReminderOut]


class SealOut(BaseModel):
    sealed: bool
    version: str | None = None
    first_seq: int | None = None
    head_seq: int | None = None
    head_hash: str | None = None


class UserOut(BaseModel):
    name: str
    role: str
    fonds: list[str] | None
    clearance: str
    disabled: bool
    created: datetime


class UserRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    role: str = Field(min_length=1, max_length=16)
    fonds: list[Annotated[str, Field(min_length=1, max_length=16)]] = Field(
        default_factory=list, max_length=100
    )
    clearance: str | None = Field(default=None, max_length=8)


class UserCreated(UserOut):
    password: str  # shown once


class TokenOut(BaseModel):
    id: str
    name: str
    role: str
    fonds: list[str] | None
    clearance: str
    revoked: bool


class TokenRequest(BaseModel):
    name: str = Field(min_length=1, max_length=64)
    role: str = Field(default="submitter", min_length=1, max_length=16)
    fonds: list[Annotated[str, Field(min_length=1, max_length=16)]] = Field(
        default_factory=list, max_length=100
    )
    clearance: str | None = Field(default=None, max_length=8)


class TokenCreated(TokenOut):
    token: str  # shown once


class RestoreRequest(BaseModel):
    source: Literal["primary", "replica"] = "replica"
    target: Literal["primary", "replica"] = "primary"


class ReceiptIn(BaseModel):
    receipt: dict[str, Any]  # the bureau's signed receipt.json, as it came
    receiver_key_pem: str = Field(min_length=1, max_length=20_000)


class ScheduleEntryOut(BaseModel):
    """One archive's disposition (retention schedule): transfer or disposal review."""

    id: str
    archival_code: str
    retention: str
    retention_years: int | None
    formation_year: int
    retention_end: date | None
    outcome: str  # transfer | disposal_review
    transfer_deadline: date | None
    transfer_status: str | None
    kept_until: date | None
    disposal_review: date | None
    disposal_not_before: date | None


class ReworkOut(BaseModel):
    """An archive the bureau refused: its receipt code and findings, waiting to be sent again."""

    id: str
    archival_code: str
    batch_id: str
    code: str
    receipt_at: datetime
    findings: list[FindingOut]

"""HTTP schemas of the objection API (异议标注): what comes in and what goes out."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from earchive.services.objections.service import MAX_ATTACHMENTS, MAX_CLAIM_CHARS
from earchive.services.objections.store import Objection

__all__ = [
    "AttachmentIn",
    "AttachmentOut",
    "DataSubjectIn",
    "DecisionIn",
    "ObjectionIn",
    "ObjectionOut",
    "OverdueOut",
    "objection_out",
]


class DataSubjectIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    id_number: str = Field(default="", max_length=64, description="personal data; masked on read")


class AttachmentIn(BaseModel):
    filename: str = Field(min_length=1, max_length=255)
    content_base64: str = Field(description="the file, Base64 (at most 20 MiB decoded)")
    media_type: str = Field(default="application/octet-stream", max_length=100)


class ObjectionIn(BaseModel):
    element: str = Field(
        min_length=1,
        max_length=1024,
        description="a metadata element of archival.xml (e.g. applicantName) or a file path",
    )
    claim: str = Field(min_length=1, max_length=MAX_CLAIM_CHARS)
    data_subject: DataSubjectIn
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class DecisionIn(BaseModel):
    decision: Literal["confirmed", "rejected"]
    reason: str = Field(default="", max_length=4000, description="required when rejected")
    correction: str = Field(default="", max_length=4000, description="correction annotation")
    new_version: int | None = Field(
        default=None, ge=2, description="version received from the handling system"
    )


class AttachmentOut(BaseModel):
    name: str
    size: int
    sm3: str
    sha256: str
    media_type: str


class ObjectionOut(BaseModel):
    id: str
    archive_id: str
    status: str
    open: bool
    element_kind: str
    element: str
    claim: str
    data_subject_name: str
    data_subject_id_number: str
    channel: str
    entered_by: str
    entered_at: datetime
    department: str
    fonds_identifier: str
    archive_version: int
    attachments: list[AttachmentOut]
    entry_sm3: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str | None = None
    correction: str | None = None
    new_version: int | None = None
    decision_sm3: str | None = None


class OverdueOut(BaseModel):
    objection: ObjectionOut
    deadline: datetime


def objection_out(o: Objection) -> ObjectionOut:
    return ObjectionOut(
        id=o.id,
        archive_id=o.archive_id,
        status=o.status,
        open=o.is_open,
        element_kind=o.element_kind,
        element=o.element,
        claim=o.claim,
        data_subject_name=o.subject_name,
        data_subject_id_number=o.subject_id_number,
        channel=o.channel,
        entered_by=o.entered_by,
        entered_at=o.entered_at,
        department=o.department,
        fonds_identifier=o.fonds_identifier,
        archive_version=o.archive_version,
        attachments=[AttachmentOut(**a.__dict__) for a in o.attachments],
        entry_sm3=o.entry_sm3,
        decided_by=o.decided_by,
        decided_at=o.decided_at,
        reason=o.reason,
        correction=o.correction,
        new_version=o.new_version,
        decision_sm3=o.decision_sm3,
    )

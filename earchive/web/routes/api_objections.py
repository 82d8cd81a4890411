"""``/api/…/objections``: enter a data subject's objection (异议标注), list, decide, report.

The handling system posts objections with its submitter token; archivists with theirs or their
session. Deciding and the queue/overdue report are for the responsible department (same fonds)
and archivists. The signed annotation documents can be fetched for offline verification.
"""

from __future__ import annotations

import base64
import binascii
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from earchive.access.access import Access
from earchive.access.objections import ObjectionAccess
from earchive.auth import Permission
from earchive.core.errors import ObjectionError, PermissionDeniedError
from earchive.services.objections.service import DECISION, ENTRY, NewAttachment
from earchive.web.deps import AccessDep
from earchive.web.schemas.objections import (
    DecisionIn,
    ObjectionIn,
    ObjectionOut,
    OverdueOut,
    objection_out,
)

router = APIRouter(prefix="/api", tags=["objections"])


def _enterer(access: AccessDep) -> Access:
    access.require(Permission.OBJECTION_ENTER)  # before the body is read: 403, not 422
    return access


def _decider(access: AccessDep) -> Access:
    access.require(Permission.OBJECTION_DECIDE)
    return access


EntererDep = Annotated[Access, Depends(_enterer)]
DeciderDep = Annotated[Access, Depends(_decider)]

Status = Annotated[
    Literal["open", "confirmed", "rejected", "all"], Query(description="which objections")
]


def _attachments(body: ObjectionIn) -> list[NewAttachment]:
    out = []
    for a in body.attachments:
        try:
            data = base64.b64decode(a.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ObjectionError(f"attachment {a.filename!r} is not Base64") from exc
        out.append(NewAttachment(a.filename, data, a.media_type))
    return out


@router.post("/archives/{archive_id}/objections", response_model=ObjectionOut, status_code=201)
def enter_objection(archive_id: str, body: ObjectionIn, access: EntererDep) -> ObjectionOut:
    """Mark an objection on an archive at once (signed annotation; the record is unchanged)."""
    made = ObjectionAccess(access).enter(
        archive_id,
        element=body.element,
        claim=body.claim,
        subject_name=body.data_subject.name,
        subject_id_number=body.data_subject.id_number,
        attachments=_attachments(body),
    )
    return objection_out(made)


@router.get("/archives/{archive_id}/objections", response_model=list[ObjectionOut])
def archive_objections(archive_id: str, access: AccessDep) -> list[ObjectionOut]:
    """Every objection of an archive, oldest first (open ones have ``open: true``)."""
    return [objection_out(o) for o in ObjectionAccess(access).for_archive(archive_id)]


@router.get("/objections", response_model=list[ObjectionOut])
def objection_queue(access: DeciderDep, status: Status = "open") -> list[ObjectionOut]:
    """The objections routed to the caller's fonds (the department's queue), oldest first."""
    chosen = None if status == "all" else status
    return [objection_out(o) for o in ObjectionAccess(access).queue(chosen)]


@router.get("/objections/overdue", response_model=list[OverdueOut])
def overdue_objections(access: AccessDep) -> list[OverdueOut]:
    """Open objections older than one working day (deadline: end of the next working day)."""
    return [
        OverdueOut(objection=objection_out(x.objection), deadline=x.deadline)
        for x in ObjectionAccess(access).overdue()
    ]


@router.get("/objections/{objection_id}", response_model=ObjectionOut)
def get_objection(objection_id: str, access: AccessDep) -> ObjectionOut:
    return objection_out(ObjectionAccess(access).get(objection_id))


@router.post("/objections/{objection_id}/decision", response_model=ObjectionOut)
def decide_objection(objection_id: str, body: DecisionIn, access: DeciderDep) -> ObjectionOut:
    """Confirm (correction text and/or new version number) or reject (reason) an objection."""
    decided = ObjectionAccess(access).decide(
        objection_id,
        body.decision,
        reason=body.reason,
        correction=body.correction,
        new_version=body.new_version,
    )
    return objection_out(decided)


@router.get(
    "/objections/{objection_id}/annotations/{name}",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}}},
)
def annotation_document(objection_id: str, name: str, access: AccessDep) -> Response:
    """The signed annotation ``entry`` or ``decision`` (verify with the archive's public key);
    for principals cleared for personal data (the claim is not masked in it)."""
    if access.masks_personal_data:
        raise PermissionDeniedError("the signed annotation holds unmasked personal data")
    if name not in ("entry", "decision"):
        raise HTTPException(status_code=404)
    objection = ObjectionAccess(access).get(objection_id)
    file = ENTRY if name == "entry" else DECISION
    if file == DECISION and not objection.decision_sm3:
        raise HTTPException(status_code=404)
    data = access.archive.annotations.read(objection.archive_id, objection.id, file)
    return Response(data, media_type="application/json")

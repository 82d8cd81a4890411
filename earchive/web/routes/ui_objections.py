"""The web UI's objection pages (异议标注): the entry form and decision form on the case page post
here; ``/objections`` is the department's queue with the overdue report."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from starlette.datastructures import UploadFile

from earchive.access.objections import ObjectionAccess
from earchive.core.errors import ObjectionError
from earchive.services.objections.service import MAX_ATTACHMENT_BYTES, NewAttachment
from earchive.web.deps import AccessDep
from earchive.web.ui import render
from standards.digits import ascii_int

router = APIRouter(include_in_schema=False)

Short = Annotated[str, Form(max_length=1024)]
Long = Annotated[str, Form(max_length=4000)]


def _case_url(archive_id: str) -> str:
    return f"/archives/{quote(archive_id, safe='')}#objections"


async def _read(request: Request) -> list[NewAttachment]:
    """The chosen files of the form's ``attachments`` input (none chosen: an empty part)."""
    out = []
    for f in (await request.form()).getlist("attachments"):
        if not isinstance(f, UploadFile) or not f.filename:
            continue  # an empty file input
        data = await f.read(MAX_ATTACHMENT_BYTES + 1)
        if len(data) > MAX_ATTACHMENT_BYTES:
            raise ObjectionError(f"attachment {f.filename!r} is too large")
        out.append(NewAttachment(f.filename, data, f.content_type or ""))
    return out


@router.post("/archives/{archive_id}/objections")
async def enter_objection(
    request: Request,
    archive_id: str,
    access: AccessDep,
    element: Short,
    claim: Long,
    subject_name: Annotated[str, Form(max_length=200)],
    subject_id_number: Annotated[str, Form(max_length=64)] = "",
) -> RedirectResponse:
    files = await _read(request)
    ObjectionAccess(access).enter(
        archive_id,
        element=element,
        claim=claim,
        subject_name=subject_name,
        subject_id_number=subject_id_number,
        attachments=files,
    )
    return RedirectResponse(_case_url(archive_id), status_code=303)


@router.post("/objections/{objection_id}/decision")
def decide_objection(
    objection_id: str,
    access: AccessDep,
    decision: Annotated[str, Form(max_length=16)],
    reason: Long = "",
    correction: Long = "",
    new_version: Annotated[str, Form(max_length=9)] = "",
    back: Annotated[str, Form(max_length=16)] = "case",
) -> RedirectResponse:
    version = ascii_int(new_version.strip())
    if new_version.strip() and version is None:
        raise ObjectionError("the new version is a number")
    decided = ObjectionAccess(access).decide(
        objection_id,
        decision,
        reason=reason,
        correction=correction,
        new_version=version,
    )
    target = "/objections" if back == "queue" else _case_url(decided.archive_id)
    return RedirectResponse(target, status_code=303)


@router.get("/objections", response_class=HTMLResponse)
def objection_queue(request: Request, access: AccessDep) -> HTMLResponse:
    objections = ObjectionAccess(access)
    late = objections.overdue()
    return render(
        request,
        "objections.html",
        queue=objections.queue("open"),
        overdue={x.objection.id: x.deadline for x in late},
        late=late,
    )

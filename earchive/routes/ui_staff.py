"""The archivist console (upload with progress, the quarantine) and the auditor dashboard."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from earchive.auth import Permission
from earchive.deps import AccessDep
from earchive.ui import render

router = APIRouter(include_in_schema=False)


@router.get("/console", response_class=HTMLResponse)
def console(request: Request, access: AccessDep) -> HTMLResponse:
    access.require(Permission.UPLOAD)
    return render(request, "console.html", quarantine=access.quarantine())


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    access: AccessDep,
    action: Annotated[str, Query(max_length=64)] = "",
    object: Annotated[str, Query(max_length=300)] = "",
) -> HTMLResponse:
    events = access.events(limit=300, action=action, object_prefix=object)
    return render(
        request,
        "audit.html",
        events=list(reversed(events)),
        chain=access.verify_events(),
        action=action,
        object=object,
    )

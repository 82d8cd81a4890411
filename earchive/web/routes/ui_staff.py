"""The archivist console (upload with progress, the quarantine, reminders) and the auditor
dashboard (fixity-audit history as a chart, report downloads, reminders, the event log and its
hash-chain verification)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from earchive.auth import Permission
from earchive.core.errors import NotFoundError
from earchive.services.audit.history import history_chart
from earchive.services.checks.summaries import stage_totals
from earchive.web.deps import JobsDep, OperationsDep
from earchive.web.i18n import translator
from earchive.web.ui import local_time, render

router = APIRouter(include_in_schema=False)


def _lang(request: Request) -> str:
    return "en" if request.cookies.get("lang") == "en" else "zh"


@router.get("/console", response_class=HTMLResponse)
def console(request: Request, access: OperationsDep) -> HTMLResponse:
    access.require(Permission.UPLOAD)
    reminders = access.reminders() if access.principal.can(Permission.REMINDERS) else []
    return render(request, "console.html", quarantine=access.quarantine(), reminders=reminders)


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    access: OperationsDep,
    jobs: JobsDep,
    action: Annotated[str, Query(max_length=64)] = "",
    object: Annotated[str, Query(max_length=300)] = "",
    job: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    events = access.events(limit=300, action=action, object_prefix=object)
    started = None
    if job:
        try:
            started = access.job(jobs, job, wait=5.0)
        except NotFoundError:  # an unknown or foreign job id shows nothing
            started = None
    p = access.principal
    runs = access.audit_runs(limit=30) if p.can(Permission.FIXITY) else []
    t = translator(_lang(request))
    chart = history_chart(
        runs,
        {
            "title": t("chart_title"),
            "desc": t("chart_desc"),
            "files": t("chart_files"),
            "mb": t("chart_mb"),
            "failed": t("chart_failed"),
            "empty": t("no_audits"),
        },
        when=lambda at: local_time(at, "%m-%d %H:%M"),
    )
    totals = stage_totals(access.check_summary()) if p.can(Permission.FIXITY) else []
    return render(
        request,
        "audit.html",
        events=list(reversed(events)),
        chain=access.verify_events(),
        action=action,
        object=object,
        runs=list(reversed(runs)),
        chart=chart,
        totals=totals,
        reminders=access.reminders() if p.can(Permission.REMINDERS) else [],
        job=started,
    )


@router.post("/audit/run")
def start_audit(
    access: OperationsDep,
    jobs: JobsDep,
    limit: Annotated[int | None, Form(ge=1, le=1_000_000)] = None,
) -> RedirectResponse:
    """Start a bounded fixity audit of the primary location; the dashboard shows the job."""
    job = access.start_audit(jobs, location="primary", limit=limit, seconds=None)
    return RedirectResponse(f"/audit?job={job.id}", status_code=303)

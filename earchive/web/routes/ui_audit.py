"""The auditor's dashboard: reminders, the fixity-audit history as a chart, report downloads, the
hash-chain verification and the event log — paged, sorted, filtered by date range, type, actor,
archive and outcome, with Chinese labels — exported as CSV/XLSX or printed as the audit report
(PDF) of a period; and starting a bounded fixity audit."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from earchive.auth import Permission
from earchive.core.errors import NotFoundError
from earchive.services.audit.history import history_chart
from earchive.services.checks.summaries import stage_totals
from earchive.services.table_files import FORMATS
from earchive.web.audit_report import audit_report_pdf, event_cells
from earchive.web.deps import JobsDep, ListingsDep, OperationsDep
from earchive.web.i18n import MESSAGES, translator
from earchive.web.listing import ListParams, PageSize, listing
from earchive.web.routes.table_response import table_response
from earchive.web.ui import local_time, query_string, render
from ingest.casexml import DEFAULT_TZ
from preservation.event_query import EventFilter

router = APIRouter(include_in_schema=False)


def _blank(value: object) -> object:
    return None if value == "" else value


def _lang(request: Request) -> str:
    return "en" if request.cookies.get("lang") == "en" else "zh"


#: Columns the event log may be sorted by.
EVENT_SORTS = ("seq", "at", "agent", "action", "object", "outcome")
#: The exported event log's columns (catalogue keys).
EVENT_COLUMNS = ("seq", "time", "agent", "action", "object", "outcome", "detail")


class EventQuery(BaseModel):
    """The audit page's filters: a date range (China Standard Time, both days included), the
    event type, a part of the actor, the start of the object (an archive's id), the outcome."""

    model_config = ConfigDict(extra="ignore")

    since: Annotated[date | None, BeforeValidator(_blank)] = None
    until: Annotated[date | None, BeforeValidator(_blank)] = None
    action: str = Field("", max_length=64)
    agent: str = Field("", max_length=200)
    object: str = Field("", max_length=300)
    outcome: str = Field("", max_length=32)

    def filter(self) -> EventFilter:
        def start(day: date | None) -> datetime | None:
            return None if day is None else datetime.combine(day, time(), DEFAULT_TZ)

        return EventFilter(
            since=start(self.since),
            until=start(self.until + timedelta(days=1)) if self.until else None,
            action=self.action.strip(),
            agent=self.agent.strip(),
            object_prefix=self.object.strip(),
            outcome=self.outcome.strip(),
        )

    def shown(self) -> dict[str, str]:
        return {k: "" if v is None else str(v) for k, v in self.model_dump().items()}


def _action_choices(chosen: str) -> list[str]:
    """The event types the filter offers: those the catalogue names (no scan of the log), and
    the one asked for."""
    known = [key.removeprefix("action_") for key in MESSAGES if key.startswith("action_")]
    return sorted({*known, chosen} - {""})


@router.get("/audit", response_class=HTMLResponse)
def audit(
    request: Request,
    access: ListingsDep,
    jobs: JobsDep,
    filters: Annotated[EventQuery, Query()],
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[PageSize, Query()] = 50,
    sort: Annotated[str, Query(max_length=20, pattern=r"^-?[a-z_]*$")] = "-seq",
    job: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    """The auditor's dashboard: reminders, fixity history, downloads, the hash chain and the
    event log — paged, sorted, filtered by date range, type, actor, archive and outcome."""
    chosen = ListParams(page=page, size=size, sort=sort)
    wanted = filters.filter()
    total, _ = access.event_page(wanted, order="-seq", offset=0, limit=1)
    lst = listing(chosen, total, EVENT_SORTS, filters.shown(), default_sort="-seq")
    _, events = access.event_page(wanted, order=lst.sort, offset=lst.offset, limit=lst.size)
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
        events=events,
        listing=lst,
        filters=filters.shown(),
        actions=_action_choices(filters.action),
        export_query=query_string({**filters.shown(), "sort": lst.sort}),
        chain=access.verify_events(),
        runs=list(reversed(runs)),
        chart=chart,
        totals=totals,
        reminders=access.reminders() if p.can(Permission.REMINDERS) else [],
        job=started,
    )


@router.get("/audit/events.{fmt}")
def audit_events_export(
    request: Request,
    fmt: str,
    access: ListingsDep,
    filters: Annotated[EventQuery, Query()],
    sort: Annotated[str, Query(max_length=20, pattern=r"^-?[a-z_]*$")] = "-seq",
) -> Response:
    """The filtered event log as CSV or XLSX (details masked by role); recorded."""
    if fmt not in FORMATS:
        raise HTTPException(status_code=404)
    t = translator(_lang(request))
    order = sort if sort.lstrip("-") in EVENT_SORTS else "-seq"
    table = access.events_table(
        filters.filter(), order, fmt, [t(k) for k in EVENT_COLUMNS], event_cells(t)
    )
    return table_response(table, fmt, f"{t('events_export_name')}.{fmt}")


@router.get("/audit/report.pdf")
def audit_report(
    request: Request, access: ListingsDep, filters: Annotated[EventQuery, Query()]
) -> Response:
    """The printable audit report (PDF) of the events in a date range."""
    t = translator(_lang(request))
    pdf = audit_report_pdf(access, filters.filter(), filters.since, filters.until, t)
    name = quote(f"{t('audit_report_title')}.pdf")
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f"inline; filename=audit.pdf; filename*=UTF-8''{name}"},
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

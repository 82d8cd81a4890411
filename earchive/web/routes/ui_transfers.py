"""The transfer console: the plan (due / overdue / not due, deadline and why), the batches with
their items, the bureau's receipts with per-item findings, and a button that starts a transfer
of the due items, and the review items waiting for an archivist's sign-off with a form to
confirm them with a reason (archivists and admins; bureau and auditors read only)."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from earchive.access.listings import Listings
from earchive.auth import Permission
from earchive.core.errors import ConfigurationError, InvalidRequestError, NotFoundError
from earchive.services.table_pdf import Section, report_pdf
from earchive.services.transfer.console import delivery_target
from earchive.web.deps import BatchesDep, JobsDep, ListingsDep, OperationsDep, get_lang
from earchive.web.i18n import translator
from earchive.web.listing import ListParams, PageSize, listing
from earchive.web.routes.table_response import table_response
from earchive.web.ui import local_time, query_string, render

router = APIRouter(include_in_schema=False)


#: Columns the plan may be sorted by.
PLAN_SORTS = ("status", "deadline", "code", "title")
#: The 移交清单's columns (catalogue keys).
PLAN_COLUMNS = ("seq_no", "archival_code", "title", "fonds", "retention", "deadline", "status")


class PlanQuery(BaseModel):
    """The plan's filters: a status, a fonds, a text in the 档号 or the title."""

    model_config = ConfigDict(extra="ignore")

    status: str = Field("", max_length=20, pattern=r"^[a-z_]*$")
    fonds: str = Field("", max_length=16)
    text: str = Field("", max_length=200)


@router.get("/transfers", response_class=HTMLResponse)
def transfer_console(
    request: Request,
    ops: BatchesDep,
    jobs: JobsDep,
    filters: Annotated[PlanQuery, Query()],
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    size: Annotated[PageSize, Query()] = 50,
    sort: Annotated[str, Query(max_length=20, pattern=r"^-?[a-z_]*$")] = "",
    job: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    """The plan filtered, sorted and paged, with a box per archive (transfer the chosen, or
    their 移交清单), counts of every status that add up to the plan, the batch being prepared,
    the batches and receipts, the review items awaiting sign-off."""
    rows, counts = ops.plan_filtered(
        status=filters.status, fonds=filters.fonds, text=filters.text.strip(), order=sort
    )
    shown = filters.model_dump()
    lst = listing(ListParams(page=page, size=size, sort=sort), len(rows), PLAN_SORTS, shown)
    try:
        target = str(delivery_target(ops.archive))
    except ConfigurationError:
        target = ""
    started = None
    if job:
        try:
            started = ops.job(jobs, job, wait=0.0)
        except NotFoundError:  # an unknown or foreign job id shows nothing
            started = None
    draft = ops.draft()
    return render(
        request,
        "transfers.html",
        plan=rows[lst.offset : lst.offset + lst.size],
        listing=lst,
        filters=shown,
        counts=counts,
        total=sum(counts.values()),
        fonds_choices=sorted({r.fonds for r in ops.transfer_plan()}),
        export_query=query_string({**shown, "sort": lst.sort}),
        draft=[ops.archive.catalog.get(i) for i in draft],
        batches=ops.transfer_batches(),
        may_run=ops.principal.can(Permission.TRANSFER_RUN),
        target=target,
        job=started,
        signoffs=ops.signoff_requests(),
    )


def _plan_list(
    request: Request, ops: Listings, fmt: str, filters: PlanQuery, sort: str, ids: list[str]
) -> Response:
    rows, _ = ops.plan_filtered(
        status=filters.status, fonds=filters.fonds, text=filters.text.strip(), order=sort
    )
    if ids:
        chosen = set(ids)
        rows = [r for r in rows if r.entry.archive_id in chosen]
    t = translator(get_lang(request))
    headers = [t(k) for k in PLAN_COLUMNS]
    table = ops.plan_table(rows, fmt, headers, lambda s: t(f"plan_{s}"))
    name = t("plan_export_name")
    if fmt == "pdf":
        lines = [f"{t('plan_total')}：{len(rows)} {t('items')}", local_time(ops.archive.clock())]
        body = [Section(t("transfer_plan"), table.headers, table.rows)]
        pdf = report_pdf(t("transfer_list"), lines, body, wide=True, empty=t("empty_plan"))
        disposition = f"inline; filename=transfer-list.pdf; filename*=UTF-8''{quote(name)}.pdf"
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": disposition})  # fmt: skip
    return table_response(table, fmt, f"{name}.{fmt}")


@router.get("/transfers/list.{fmt}")
def transfer_list(
    request: Request,
    fmt: Literal["xlsx", "csv", "pdf"],
    ops: ListingsDep,
    filters: Annotated[PlanQuery, Query()],
    sort: Annotated[str, Query(max_length=20, pattern=r"^-?[a-z_]*$")] = "",
) -> Response:
    """The 移交清单 of the filtered plan (XLSX, CSV or PDF); recorded."""
    return _plan_list(request, ops, fmt, filters, sort, [])


@router.post("/transfers/chosen")
def transfer_chosen(
    request: Request,
    ops: BatchesDep,
    jobs: JobsDep,
    what: Annotated[Literal["transfer", "draft", "xlsx", "pdf"], Form()],
    ids: Annotated[list[str], Form(max_length=2000)] = [],  # noqa: B006 — copied by FastAPI
) -> Response:
    """The boxes ticked in the plan: transfer them now, add them to the batch being prepared,
    or their 移交清单 (XLSX/PDF)."""
    if not ids:
        raise InvalidRequestError("ids: 请先勾选至少一件档案 (choose at least one archive)")
    if what == "transfer":
        job = ops.start_transfer(jobs, ids)
        return RedirectResponse(f"/transfers?job={job.id}", status_code=303)
    if what == "draft":
        job = ops.start_batch(jobs, "transfer_add", ids)
        return RedirectResponse(f"/jobs/{job.id}", status_code=303)
    return _plan_list(request, ops, what, PlanQuery(status="", fonds="", text=""), "", ids)


@router.post("/transfers/run")
def start_transfer(ops: OperationsDep, jobs: JobsDep) -> RedirectResponse:
    job = ops.start_transfer(jobs)
    return RedirectResponse(f"/transfers?job={job.id}", status_code=303)


@router.post("/transfers/signoff")
def sign_off(
    ops: OperationsDep,
    batch_id: Annotated[str, Form(max_length=100)],
    reason: Annotated[str, Form(max_length=2000)],
) -> RedirectResponse:
    ops.sign_off(reason, batch_id=batch_id)
    return RedirectResponse("/transfers", status_code=303)

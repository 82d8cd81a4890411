"""The transfer console: the plan (due / overdue / not due, deadline and why), the batches with
their items, the bureau's receipts with per-item findings, and a button that starts a transfer
of the due items, and the review items waiting for an archivist's sign-off with a form to
confirm them with a reason (archivists and admins; bureau and auditors read only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from earchive.auth import Permission
from earchive.core.errors import ConfigurationError, NotFoundError
from earchive.services.transfer.console import delivery_target
from earchive.web.deps import JobsDep, OperationsDep
from earchive.web.ui import render

router = APIRouter(include_in_schema=False)


@router.get("/transfers", response_class=HTMLResponse)
def transfer_console(
    request: Request,
    ops: OperationsDep,
    jobs: JobsDep,
    job: Annotated[str, Query(max_length=64)] = "",
) -> HTMLResponse:
    rows = ops.transfer_plan()
    counts = {s: sum(1 for r in rows if r.entry.status == s)
              for s in ("overdue", "due", "not_due", "transferred")}  # fmt: skip
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
    return render(
        request,
        "transfers.html",
        plan=rows,
        counts=counts,
        batches=ops.transfer_batches(),
        may_run=ops.principal.can(Permission.TRANSFER_RUN),
        target=target,
        job=started,
        signoffs=ops.signoff_requests(),
    )


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

"""Batch work from the lists: the chosen archives re-checked, exported (BagIt/EEP, one ZIP),
added to or removed from the transfer batch being prepared — each a job whose page shows its
progress — or printed as a list; and the job page itself."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response

from earchive.core.errors import InvalidRequestError
from earchive.jobs.records import ACTIVE
from earchive.web.deps import BatchesDep, JobsDep
from earchive.web.ui import render

router = APIRouter(include_in_schema=False)

ArchiveIds = Annotated[list[str], Form(max_length=500)]
JobId = Annotated[str, Path(min_length=8, max_length=64, pattern=r"^[0-9a-f]+$")]


@router.post("/batch", response_model=None)
def batch(
    request: Request,
    access: BatchesDep,
    jobs: JobsDep,
    action: Annotated[str, Form(max_length=40)],
    ids: ArchiveIds = [],  # noqa: B006 — FastAPI copies a default; none chosen is a clear 400
) -> Response:
    """Start ``action`` over the chosen archives (``print``: the printable list at once)."""
    if action == "print":
        if not ids:
            raise InvalidRequestError("ids: 请先勾选至少一件档案 (choose at least one archive)")
        return render(request, "batch_print.html", rows=access.printable(ids))
    job = access.start_batch(jobs, action, ids)
    return RedirectResponse(f"/jobs/{job.id}", status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: JobId, access: BatchesDep, jobs: JobsDep) -> HTMLResponse:
    """A job's status and progress (the page reloads itself while the job runs)."""
    job = access.job(jobs, job_id, wait=0.5)
    progress = (job.result or {}).get("progress") if job.status in ACTIVE else None
    return render(
        request,
        "job.html",
        job=job,
        active=job.status in ACTIVE,
        progress=progress if isinstance(progress, dict) else None,
        may_download=job.status == "done" and bool((job.result or {}).get("zip")),
    )


@router.get("/jobs/{job_id}/download")
def job_download(job_id: JobId, access: BatchesDep, jobs: JobsDep) -> FileResponse:
    """The ZIP of an export batch (only for the user who started it)."""
    path = access.batch_export(jobs, job_id)
    return FileResponse(path, media_type="application/zip", filename=f"export-{job_id[:12]}.zip")


@router.post("/transfers/draft/send")
def send_draft(access: BatchesDep, jobs: JobsDep) -> RedirectResponse:
    job = access.send_draft(jobs)
    return RedirectResponse(f"/transfers?job={job.id}", status_code=303)


@router.post("/transfers/draft/clear")
def clear_draft(access: BatchesDep) -> RedirectResponse:
    access.clear_draft()
    return RedirectResponse("/transfers#draft", status_code=303)

"""``/api/audits`` (fixity-audit history, a new audit as a job, the ledger), ``/api/checks/summary``
(the 四性 summary across the archive) and ``/api/jobs/{id}`` (a job's status)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from fastapi.responses import JSONResponse, Response

from earchive.auth import Permission
from earchive.services.audit.history import ledger_csv, ledger_json
from earchive.services.checks.summaries import summary_csv
from earchive.web.deps import JobsDep, OperationsDep, require
from earchive.web.routes.responses import job_out
from earchive.web.schemas.api import AuditRequest, AuditRunOut, JobOut, LedgerRowOut

router = APIRouter(prefix="/api", tags=["fixity"])
_FIXITY = [require(Permission.FIXITY)]

_CSV_OR_JSON: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/json": {}, "text/csv": {}}}
}


def accepted(job: JobOut) -> JSONResponse:
    """``202 Accepted`` with the job and its status URL in ``Location``."""
    return JSONResponse(job.model_dump(mode="json"), status_code=202, headers={"Location": job.url})


@router.get("/audits", response_model=list[AuditRunOut], dependencies=_FIXITY)
def audit_history(
    ops: OperationsDep, limit: Annotated[int, Query(ge=1, le=1000)] = 50
) -> list[AuditRunOut]:
    """The newest fixity-audit runs (from the event log), oldest first."""
    return [AuditRunOut(**r.__dict__) for r in ops.audit_runs(limit)]


@router.post("/audits", response_model=JobOut, status_code=202, dependencies=_FIXITY)
def start_audit(
    ops: OperationsDep, jobs: JobsDep, body: AuditRequest | None = None
) -> JSONResponse:
    """Start a bounded fixity audit (``limit`` objects, ``seconds``); poll the job URL."""
    body = body or AuditRequest()
    job = ops.start_audit(jobs, location=body.location, limit=body.limit, seconds=body.seconds)
    return accepted(job_out(job))


@router.get(
    "/audits/ledger",
    response_model=list[LedgerRowOut],
    responses=_CSV_OR_JSON,
    dependencies=_FIXITY,
)
def audit_ledger(ops: OperationsDep, format: Literal["json", "csv"] = "json") -> Response:
    """When each stored object was last audited in each location, and the outcome."""
    rows = ops.audit_ledger()
    if format == "csv":
        return Response(
            ledger_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": "attachment; filename=fixity-ledger.csv"},
        )
    return Response(ledger_json(rows), media_type="application/json")


@router.get("/checks/summary", responses=_CSV_OR_JSON, dependencies=_FIXITY)
def check_summary(ops: OperationsDep, format: Literal["json", "csv"] = "json") -> Response:
    """The newest 四性 run of each stage of every archive the caller may see."""
    rows = ops.check_summary()
    if format == "csv":
        return Response(
            summary_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": "attachment; filename=check-summary.csv"},
        )
    return JSONResponse([r.__dict__ for r in rows])


@router.get(
    "/jobs/{job_id}",
    response_model=JobOut,
    tags=["jobs"],
    dependencies=[require(Permission.FIXITY, Permission.TRANSFERS, Permission.MAINTENANCE)],
)
def job_status(
    job_id: str,
    ops: OperationsDep,
    jobs: JobsDep,
    wait: Annotated[float, Query(ge=0, le=30, description="seconds to wait for the end")] = 0,
) -> JobOut:
    """A job's status and, once done, its result (any API worker process answers; ``lost`` when
    the process running it stopped)."""
    return job_out(ops.job(jobs, job_id, wait))

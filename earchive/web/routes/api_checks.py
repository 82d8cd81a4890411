"""``/api/archives/{id}/checks``: an archive's 四性 check runs, a new run, and its report."""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter
from fastapi.responses import Response

from earchive.auth import Permission
from earchive.web.deps import OperationsDep, require
from earchive.web.routes.responses import check_run_out
from earchive.web.schemas.api import CheckRequest, CheckRunOut

router = APIRouter(prefix="/api/archives", tags=["checks"])

_REPORT: dict[int | str, dict[str, Any]] = {
    200: {"content": {"application/pdf": {}, "text/html": {}}}
}


@router.get("/{archive_id}/checks", response_model=list[CheckRunOut])
def list_check_runs(archive_id: str, ops: OperationsDep) -> list[CheckRunOut]:
    """Every 四性 run of the archive (GD, YJ, BC), newest first."""
    return [check_run_out(run) for run in ops.check_runs(archive_id)]


@router.post(
    "/{archive_id}/checks",
    response_model=CheckRunOut,
    status_code=201,
    dependencies=[require(Permission.RUN_CHECKS)],
)
def run_check(archive_id: str, ops: OperationsDep, body: CheckRequest | None = None) -> CheckRunOut:
    """Run one stage of the 四性 checks on the archive's current version now (bounded: one
    archive); the run joins the archive's history and the event log."""
    stage = (body or CheckRequest()).stage.lower()
    return check_run_out(ops.run_check(archive_id, stage))


@router.get("/{archive_id}/check-report", response_class=Response, responses=_REPORT)
def check_report(
    archive_id: str, ops: OperationsDep, form: Literal["pdf", "html"] = "pdf"
) -> Response:
    """The 四性检测报告 of the archive's newest run of each stage, as PDF or HTML."""
    data, name = ops.check_report(archive_id, form)
    media = "application/pdf" if form == "pdf" else "text/html; charset=utf-8"
    disposition = f"attachment; filename*=UTF-8''{archive_id}-{name}"
    return Response(data, media_type=media, headers={"Content-Disposition": disposition})

"""Re-running the 四性 checks from the case page or the archivist console: a POST form
(same-origin only, like every cookie-authenticated change) that runs one stage and returns to the
case page showing the run."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse

from earchive.web.deps import OperationsDep

router = APIRouter(include_in_schema=False)


@router.post("/archives/{archive_id}/checks")
def rerun_checks(
    archive_id: str,
    ops: OperationsDep,
    stage: Annotated[Literal["gd", "yj", "bc"], Form()] = "gd",
) -> RedirectResponse:
    run = ops.run_check(archive_id, stage)
    outcome = "failed" if run.failed else "passed"
    target = f"/archives/{quote(archive_id, safe='')}?checked={run.stage}&outcome={outcome}#checks"
    return RedirectResponse(target, status_code=303)


@router.post("/console/checks")
def rerun_checks_by_id(
    ops: OperationsDep,
    archive_id: Annotated[str, Form(min_length=1, max_length=300)],
    stage: Annotated[Literal["gd", "yj", "bc"], Form()] = "gd",
) -> RedirectResponse:
    """The console's form: the same, for an archive named by its id."""
    return rerun_checks(archive_id.strip(), ops, stage)

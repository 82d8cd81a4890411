"""Domain values → API response models, shared by the operation routes (no I/O)."""

from __future__ import annotations

from earchive.jobs.board import Job
from earchive.web.schemas.api import CheckItemOut, CheckRunOut, FindingOut, JobOut
from preservation.checks import CheckRun
from standards.finding import Finding

__all__ = ["check_run_out", "finding_out", "job_out"]


def finding_out(f: Finding) -> FindingOut:
    return FindingOut.model_validate(f.as_dict())


def check_run_out(run: CheckRun) -> CheckRunOut:
    return CheckRunOut(
        archive_id=run.archive_id,
        stage=run.stage,
        version=run.version,
        started=run.started,
        finished=run.finished,
        agent=run.agent,
        failed=run.failed,
        summary=run.summary(),
        results=[CheckItemOut(item=r.item, finding=finding_out(r.finding)) for r in run.results],
    )


def job_out(job: Job) -> JobOut:
    return JobOut(
        id=job.id,
        kind=job.kind,
        status=job.status,
        owner=job.owner,
        created=job.created,
        finished=job.finished,
        result=job.result,
        error=job.error,
        url=f"/api/jobs/{job.id}",
    )

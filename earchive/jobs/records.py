"""API job records in the catalog database (table ``api_jobs``), so every API worker process
sharing the catalog answers a job's status, whichever process runs it.

A row holds what was started (``kind``, ``owner``, the ``permission`` needed to read it), its
``status`` (``queued`` → ``running`` → ``done`` | ``failed``), the JSON ``result`` or the
``error``, when it was created, started and finished, the ``runner`` (the board, in one process,
that runs it) and that runner's last ``heartbeat``. Every write is one statement (no
read-then-write), done through the writer engine. ``lost`` is never stored: it is how a reader
reports a queued or running job whose runner stopped heartbeating (``JobBoard.get``).

Reads/writes: ``api_jobs``. Raises: ``sqlalchemy.exc.SQLAlchemyError`` when the database fails,
``TypeError``/``ValueError`` when a result cannot be stored as JSON.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

from sqlalchemy import Engine, delete, select, update
from sqlalchemy.engine import Row

from earchive.auth import Permission
from earchive.core.tables import api_jobs

__all__ = [
    "ACTIVE",
    "Job",
    "api_jobs",
    "beat",
    "finish",
    "insert",
    "progress",
    "prune",
    "read",
    "start",
]

#: Statuses of a job that has not ended (its runner must keep heartbeating).
ACTIVE = ("queued", "running")


@dataclass(frozen=True)
class Job:
    """A job's state: ``queued`` → ``running`` → ``done`` | ``failed`` (``lost`` when read and its
    runner stopped heartbeating)."""

    id: str
    kind: str
    owner: str
    permission: Permission
    status: str
    created: datetime
    finished: datetime | None = None
    result: dict[str, object] | None = None
    error: str = ""
    started: datetime | None = None
    runner: str = ""
    heartbeat: datetime | None = None


def _json_default(value: object) -> object:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, PurePath):
        return str(value)
    raise TypeError(f"not JSON: {type(value).__name__}")


def insert(writer: Engine, job: Job) -> None:
    """Record a new job (queued, heartbeat = created)."""
    with writer.begin() as conn:
        conn.execute(
            api_jobs.insert().values(
                id=job.id,
                kind=job.kind,
                owner=job.owner,
                permission=job.permission.value,
                status=job.status,
                result=None,
                error="",
                created=job.created,
                runner=job.runner,
                heartbeat=job.heartbeat or job.created,
            )
        )


def start(writer: Engine, job_id: str, now: datetime) -> None:
    """Mark a queued job running."""
    with writer.begin() as conn:
        conn.execute(
            update(api_jobs)
            .where(api_jobs.c.id == job_id)
            .values(status="running", started=now, heartbeat=now)
        )


def progress(writer: Engine, job_id: str, now: datetime, done: int, total: int) -> None:
    """Record how far a running job got (kept as its ``result`` until it ends:
    ``{"progress": {"done": …, "total": …}}``)."""
    body = json.dumps({"progress": {"done": done, "total": total}})
    with writer.begin() as conn:
        conn.execute(
            update(api_jobs)
            .where(api_jobs.c.id == job_id, api_jobs.c.status == "running")
            .values(result=body, heartbeat=now)
        )


def finish(
    writer: Engine,
    job_id: str,
    now: datetime,
    result: dict[str, object] | None = None,
    error: str | None = None,
) -> None:
    """Mark a job ``done`` with ``result`` or ``failed`` with ``error`` (when given)."""
    values: dict[str, object] = {"finished": now, "heartbeat": now}
    if error is None:
        values |= {"status": "done", "result": json.dumps(result, default=_json_default)}
    else:
        values |= {"status": "failed", "error": error[:2000]}
    with writer.begin() as conn:
        conn.execute(update(api_jobs).where(api_jobs.c.id == job_id).values(**values))


def beat(writer: Engine, runner: str, now: datetime) -> int:
    """Refresh the heartbeat of every unfinished job of ``runner``; returns how many."""
    with writer.begin() as conn:
        return conn.execute(
            update(api_jobs)
            .where(api_jobs.c.runner == runner, api_jobs.c.status.in_(ACTIVE))
            .values(heartbeat=now)
        ).rowcount


def _job(row: Row[tuple[object, ...]]) -> Job:
    m = row._mapping
    result = json.loads(m["result"]) if m["result"] is not None else None
    return Job(
        id=m["id"],
        kind=m["kind"],
        owner=m["owner"],
        permission=Permission(m["permission"]),
        status=m["status"],
        created=m["created"],
        finished=m["finished"],
        result=result,
        error=m["error"],
        started=m["started"],
        runner=m["runner"],
        heartbeat=m["heartbeat"],
    )


def read(engine: Engine, job_id: str) -> Job | None:
    """The stored job, or None."""
    with engine.connect() as conn:
        row = conn.execute(select(api_jobs).where(api_jobs.c.id == job_id)).first()
    return _job(row) if row is not None else None


def prune(writer: Engine, before: datetime) -> int:
    """Forget jobs that finished before ``before`` and unfinished ones whose runner has not
    heartbeated since then; returns how many."""
    c = api_jobs.c
    with writer.begin() as conn:
        return conn.execute(
            delete(api_jobs).where(
                ((c.finished.is_not(None)) & (c.finished < before))
                | (c.status.in_(ACTIVE) & (c.heartbeat < before))
            )
        ).rowcount

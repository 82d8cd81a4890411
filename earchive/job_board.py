"""Long-running API work as jobs: started at once (``202 Accepted`` + a status URL), run one at a
time on a background thread of this process, their status and JSON result kept for polling.

A job is a callable returning a JSON-ready dict; fixity audits and 四性 checks go through
``earchive.tasks`` (so with a broker configured they run on Celery workers and this thread only
waits for the result). Each job remembers the permission needed to read its status. The board
lives in the app state (not at module level) and keeps the newest ``keep`` jobs. With several
API worker processes a job's status is known only to the process that started it.
"""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime

from earchive.auth import Permission

__all__ = ["Job", "JobBoard", "JobNotFoundError"]

Work = Callable[[], dict[str, object]]


class JobNotFoundError(LookupError):
    """No job with that id on this board."""


@dataclass(frozen=True)
class Job:
    """A job's state: ``queued`` → ``running`` → ``done`` | ``failed``."""

    id: str
    kind: str
    owner: str
    permission: Permission
    status: str
    created: datetime
    finished: datetime | None = None
    result: dict[str, object] | None = None
    error: str = ""


class JobBoard:
    """Runs jobs one after another on one background thread."""

    def __init__(self, clock: Callable[[], datetime], keep: int = 200) -> None:
        self.clock = clock
        self.keep = keep
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._done: dict[str, threading.Event] = {}
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None

    def _set(self, job: Job) -> None:
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self.keep:
                old, _ = self._jobs.popitem(last=False)
                self._done.pop(old, None)

    def submit(self, kind: str, owner: str, permission: Permission, work: Work) -> Job:
        """Queue ``work``; returns the queued job."""
        job = Job(uuid.uuid4().hex, kind, owner, permission, "queued", self.clock())
        done = threading.Event()
        with self._lock:
            self._done[job.id] = done
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="earchive-job")
            pool = self._pool
        self._set(job)
        pool.submit(self._run, job, work, done)
        return job

    def _run(self, job: Job, work: Work, done: threading.Event) -> None:
        self._set(replace(job, status="running"))
        try:
            result = work()
        except Exception as exc:  # kept for the status route, as a worker keeps a failure
            self._set(replace(job, status="failed", finished=self.clock(), error=f"{exc}"[:2000]))
        else:
            self._set(replace(job, status="done", finished=self.clock(), result=result))
        finally:
            done.set()

    def get(self, job_id: str, wait: float = 0.0) -> Job:
        """The job, after waiting up to ``wait`` seconds for it to finish; raises
        ``JobNotFoundError``."""
        with self._lock:
            done = self._done.get(job_id)
        if done is None:
            raise JobNotFoundError(job_id)
        if wait > 0:
            done.wait(wait)
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise JobNotFoundError(job_id)
        return job

    def close(self) -> None:
        """Stop taking jobs and wait for the running one."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

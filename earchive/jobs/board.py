"""Long-running API work as jobs: started at once (``202 Accepted`` + a status URL), run one at a
time on a background thread of this process, their status and JSON result kept in the catalog
database (``earchive.jobs.records``, table ``api_jobs``) so that any API worker process answers a
status poll.

A job is a callable returning a JSON-ready dict; fixity audits and 四性 checks go through
``earchive.jobs.tasks`` (so with a broker configured they run on Celery workers and this thread only
waits for the result). Each job remembers the permission needed to read its status. The board
lives in the app state (not at module level); it names itself (host, process id, a random part)
as the ``runner`` of its jobs and, while it has unfinished ones, refreshes their ``heartbeat``
every ``beat`` seconds on a second thread. A queued or running job of another runner whose
heartbeat is older than ``lost_after`` (on the injected clock) is reported ``lost``: its process
stopped (crashed, killed, restarted) and nobody will finish it. Jobs are forgotten ``retention``
after they end.

Reads/writes: ``api_jobs``. Raises: ``JobNotFoundError`` (``get``), ``SQLAlchemyError`` when the
database fails while a job is submitted or read.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from earchive.auth import Permission
from earchive.core.errors import JobNotFoundError
from earchive.jobs import records as job_records
from earchive.jobs.records import ACTIVE, Job

__all__ = ["Job", "JobBoard"]

Work = Callable[[], dict[str, object]]
_log = logging.getLogger(__name__)
#: How often ``get`` re-reads a job that runs in another process while it waits.
POLL_SECONDS = 0.2


class JobBoard:
    """Runs jobs one after another on one background thread; status in ``api_jobs``."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        engine: Engine,
        writer: Engine | None = None,
        *,
        beat: float = 10.0,
        lost_after: timedelta = timedelta(minutes=2),
        retention: timedelta = timedelta(days=7),
    ) -> None:
        """``engine`` reads the catalog, ``writer`` writes it (default ``engine``; on SQLite the
        writer engine of ``search.tables.writer_engine``)."""
        self.clock = clock
        self.engine = engine
        self.writer = writer if writer is not None else self.engine
        self.beat = beat
        self.lost_after = lost_after
        self.retention = retention
        self.runner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:200]
        self._done: dict[str, threading.Event] = {}  # this board's unfinished jobs
        self._lock = threading.Lock()
        self._pool: ThreadPoolExecutor | None = None
        self._heart: threading.Thread | None = None
        self._stop = threading.Event()

    # -- running -------------------------------------------------------------------------------
    def submit(
        self, kind: str, owner: str, permission: Permission, work: Work, *, job_id: str = ""
    ) -> Job:
        """Record ``work`` as a queued job and queue it on this process; returns the job.
        ``job_id`` (default: a new one) lets ``work`` report its progress under it."""
        now = self.clock()
        job = Job(
            job_id or uuid.uuid4().hex, kind, owner, permission, "queued", now,
            runner=self.runner, heartbeat=now,
        )  # fmt: skip
        job_records.insert(self.writer, job)
        done = threading.Event()
        with self._lock:
            self._done[job.id] = done
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="earchive-job")
                self._stop = threading.Event()
                self._heart = threading.Thread(
                    target=self._heartbeat, args=(self._stop,), name="earchive-job-beat",
                    daemon=True,
                )  # fmt: skip
                self._heart.start()
            pool = self._pool
        pool.submit(self._run, job, work, done)
        self._prune(now)
        return job

    def report(self, job_id: str, done: int, total: int) -> None:
        """How far a running job of this board got (``done`` of ``total`` items); readers see
        it as the job's ``result`` until it ends."""
        self._write(job_records.progress, job_id, self.clock(), done, total)

    def _run(self, job: Job, work: Work, done: threading.Event) -> None:
        try:
            self._write(job_records.start, job.id, self.clock())
            try:
                result = work()
            except Exception as exc:  # kept for the status route, as a worker keeps a failure
                self._write(job_records.finish, job.id, self.clock(), error=f"{exc}")
            else:
                try:
                    self._write(job_records.finish, job.id, self.clock(), result)
                except (TypeError, ValueError) as exc:
                    error = f"result is not JSON: {exc}"
                    self._write(job_records.finish, job.id, self.clock(), error=error)
        finally:
            with self._lock:
                self._done.pop(job.id, None)
            done.set()

    def _write(self, step: Callable[..., None], *args: object, **kwargs: object) -> None:
        """A status write, tried a few times (another process may hold SQLite's write lock)."""
        for attempt in range(3):
            try:
                step(self.writer, *args, **kwargs)
                return
            except SQLAlchemyError:
                if attempt == 2:
                    _log.exception("cannot record a job's status")
                    return
                time.sleep(0.5 * (attempt + 1))

    def _heartbeat(self, stop: threading.Event) -> None:
        while not stop.wait(self.beat):
            with self._lock:
                busy = bool(self._done)
            if not busy:
                continue
            try:
                job_records.beat(self.writer, self.runner, self.clock())
            except SQLAlchemyError:  # the next beat tries again
                _log.warning("cannot refresh the jobs' heartbeat", exc_info=True)

    def _prune(self, now: datetime) -> None:
        try:
            job_records.prune(self.writer, now - self.retention)
        except SQLAlchemyError:  # pruning is housekeeping: the next submit tries again
            _log.warning("cannot prune old jobs", exc_info=True)

    # -- reading -------------------------------------------------------------------------------
    def _shown(self, job: Job) -> Job:
        """The job as a reader should see it: ``lost`` when nobody is running it any more."""
        if job.status not in ACTIVE or job.heartbeat is None:
            return job
        with self._lock:
            mine = job.id in self._done
        if not mine and self.clock() - job.heartbeat > self.lost_after:
            return replace(job, status="lost")
        return job

    def get(self, job_id: str, wait: float = 0.0) -> Job:
        """The job, after waiting up to ``wait`` seconds for it to end (whichever process runs
        it); raises ``JobNotFoundError``."""
        deadline = time.monotonic() + wait
        while True:
            stored = job_records.read(self.engine, job_id)
            if stored is None:
                raise JobNotFoundError(job_id)
            job = self._shown(stored)
            left = deadline - time.monotonic()
            if job.status not in ACTIVE or left <= 0:
                return job
            with self._lock:
                done = self._done.get(job_id)
            if done is not None:
                done.wait(left)
            else:
                time.sleep(min(POLL_SECONDS, left))

    def close(self) -> None:
        """Stop taking jobs and wait for the running one (a later ``submit`` starts again)."""
        with self._lock:
            pool, self._pool = self._pool, None
            heart, self._heart = self._heart, None
            stop = self._stop
        if pool is not None:
            pool.shutdown(wait=True)
        stop.set()
        if heart is not None:
            heart.join()

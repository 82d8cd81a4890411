"""API job status is shared by every API worker process: a job started on app A is polled to its
end, with its result, from app B; its read permission holds there too; a job whose runner process
was killed is reported ``lost`` once its heartbeat is stale, while a live runner's heartbeat keeps
its job ``running`` — on SQLite and on PostgreSQL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.engine import URL

from earchive.auth import Permission
from earchive.jobs.board import JobBoard
from tests.databases import temporary_database
from tests.earchive.web.ops_archive import login
from tests.earchive.web.worker_pair import WorkerPair, worker_pair

ROOT = Path(__file__).resolve().parents[3]

#: A runner process that starts a job which never ends, says its id, and waits to be killed.
RUNNER = """
import sys, threading
from datetime import datetime
from sqlalchemy import create_engine
from earchive.auth import Permission
from earchive.jobs.board import JobBoard
from search.tables import configure_sqlite, writer_engine

url, now = sys.argv[1], datetime.fromisoformat(sys.argv[2])
engine = create_engine(url)
configure_sqlite(engine)
board = JobBoard(lambda: now, engine, writer_engine(engine))
job = board.submit("audit", "agent:runner", Permission.FIXITY, lambda: threading.Event().wait())
print(job.id, flush=True)
threading.Event().wait()
"""


@pytest.fixture(scope="module")
def pg_database() -> Iterator[URL]:
    with temporary_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WorkerPair]:
    pg = request.getfixturevalue("pg_database") if request.param == "postgresql" else None
    with worker_pair(tmp_path, request.param, pg) as made:
        yield made


def test_a_job_started_on_one_worker_is_polled_on_the_other(pair: WorkerPair) -> None:
    auditor_a = login(pair.a, "auditor")
    started = auditor_a.post("/api/audits", json={"limit": 5})
    assert started.status_code == 202
    job = started.json()
    auditor_b = login(pair.b, "auditor")
    done = auditor_b.get(job["url"], params={"wait": 30}).json()
    assert done["status"] == "done", done
    assert set(done) == {"id", "kind", "status", "owner", "created", "finished", "result"} | {
        "error",
        "url",
    }
    assert done["id"] == job["id"] and done["kind"] == "audit" and done["url"] == job["url"]
    assert done["owner"] == job["owner"] and done["created"] == job["created"]
    assert isinstance(done["result"], dict) and done["error"] == ""
    assert auditor_a.get(job["url"]).json() == done  # both workers say the same
    # the job's read permission (fixity) holds on worker B: the bureau may poll jobs, not this one
    bureau_b = login(pair.b, "bureau")
    assert bureau_b.get(job["url"]).status_code == 404
    assert auditor_b.get("/api/jobs/0123456789abcdef0123456789abcdef").status_code == 404
    for client in (auditor_a, auditor_b, bureau_b):
        client.close()


def test_a_failed_job_shows_its_error_on_the_other_worker(pair: WorkerPair) -> None:
    admin_a = login(pair.a, "admin")
    started = admin_a.post("/api/audits", json={"location": "replica"})  # no replica configured
    admin_b = login(pair.b, "admin")
    failed = admin_b.get(started.json()["url"], params={"wait": 30}).json()
    assert failed["status"] == "failed" and failed["error"] and failed["result"] is None
    admin_a.close()
    admin_b.close()


def test_a_live_heartbeat_keeps_a_long_job_running(pair: WorkerPair) -> None:
    archive = pair.archives[0]
    board = JobBoard(pair.clock, archive.engine, archive.writer, beat=0.05)
    release = threading.Event()
    try:
        job = board.submit("rebuild", "agent:a", Permission.MAINTENANCE, lambda: _wait(release))
        reader = pair.b.state.jobs
        assert reader.get(job.id).status in ("queued", "running")
        pair.clock.advance(minutes=5)  # beyond lost_after, but the runner is alive and beating
        deadline = time.monotonic() + 10
        while reader.get(job.id).heartbeat != pair.clock() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reader.get(job.id).status == "running"
        release.set()
        done = reader.get(job.id, wait=10)
        assert done.status == "done" and done.result == {"waited": True}
    finally:
        release.set()
        board.close()


def test_a_job_whose_runner_was_killed_is_lost(pair: WorkerPair) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    runner = subprocess.Popen(
        [sys.executable, "-c", RUNNER, pair.url, pair.clock().isoformat()],
        stdout=subprocess.PIPE,
        cwd=ROOT,
        env=env,
        text=True,
    )
    try:
        assert runner.stdout is not None
        job_id = runner.stdout.readline().strip()
        assert job_id, "the runner process started no job"
        reader = pair.b.state.jobs
        deadline = time.monotonic() + 30
        while reader.get(job_id).status != "running" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert reader.get(job_id).status == "running"
    finally:
        runner.send_signal(signal.SIGKILL)
        runner.wait(30)
        if runner.stdout is not None:
            runner.stdout.close()
    assert reader.get(job_id).status == "running"  # not yet: the heartbeat is still recent
    pair.clock.advance(minutes=2, seconds=1)  # past lost_after (2 minutes) on the fixed clock
    admin_a = login(pair.a, "admin")
    lost = admin_a.get(f"/api/jobs/{job_id}", params={"wait": 1}).json()
    assert lost["status"] == "lost" and lost["finished"] is None and lost["kind"] == "audit"
    admin_a.close()
    assert pair.a.state.jobs.get(job_id).status == "lost"


def _wait(release: threading.Event) -> dict[str, object]:
    assert release.wait(30)
    return {"waited": True}


def test_old_jobs_are_forgotten(pair: WorkerPair) -> None:
    archive = pair.archives[0]
    board = JobBoard(pair.clock, archive.engine, archive.writer, retention=timedelta(days=1))
    try:
        old = board.submit("reindex", "agent:a", Permission.MAINTENANCE, lambda: {"n": 1})
        assert board.get(old.id, wait=10).status == "done"
        pair.clock.advance(days=1, seconds=1)
        new = board.submit("reindex", "agent:a", Permission.MAINTENANCE, lambda: {"n": 2})
        assert board.get(new.id, wait=10).result == {"n": 2}
        from earchive.core.errors import JobNotFoundError

        with pytest.raises(JobNotFoundError):
            board.get(old.id)
    finally:
        board.close()

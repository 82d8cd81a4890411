"""Background work through real Celery workers (``earchive worker`` subprocesses) on the
machine's Redis: cases ingested by a worker are archived and searchable, ``earchive submit``
prints the ``earchive ingest --json`` objects, and a task whose worker is killed mid-ingest is
redelivered to another worker and completes exactly once (no 档号 gap, nothing half-done)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.jobs.celery_app import create_celery
from earchive.jobs.tasks import Outcome, TaskHandle, TaskTimeoutError
from earchive.jobs.tasks.celery_runner import CeleryRunner
from earchive.settings import Settings
from ingest import journal
from search.index import SearchQuery
from standards.archival_code import ArchivalCodeRule
from tests.servers.celery_worker import Broker, Worker, redis_broker, worker

RESULT_TIMEOUT = 120.0
VISIBILITY = 15  # seconds before Redis hands a dead worker's task to another (> any task here)


@pytest.fixture
def broker() -> Iterator[Broker]:
    with redis_broker() as b:
        yield b


def _cases(dest: Path, n: int, seed: int) -> list[Path]:
    from samples import SMALL_PROFILE, generate

    return sorted(generate(n, dest, seed=seed, size_profile=SMALL_PROFILE).packages)


def _runner(broker: Broker, home: Path) -> CeleryRunner:
    settings = Settings(
        home=home,
        broker_url=broker.url,
        broker_key_prefix=broker.prefix,
        broker_visibility_timeout=VISIBILITY,
        task_queue=broker.queue,
    )
    return CeleryRunner(create_celery(settings), broker.queue)


def _result(runner: CeleryRunner, handle: TaskHandle, *workers: Worker) -> Outcome:
    try:
        return runner.result(handle, timeout=RESULT_TIMEOUT)
    except TaskTimeoutError:
        logs = "\n---\n".join(w.tail() for w in workers)
        pytest.fail(f"no result for {handle.id} in {RESULT_TIMEOUT} s; worker logs:\n{logs}")


def _archive(home: Path) -> Archive:
    return Archive(Settings(home=home))


def _items_per_class(archive: Archive) -> dict[str, list[int]]:
    rule = ArchivalCodeRule.load()
    classes: dict[str, list[int]] = defaultdict(list)
    for record in archive.catalog.iter_archives():
        parts = rule.parse(record.archival_code)
        classes[rule.class_key(parts)].append(parts.item)
    return classes


def test_worker_ingests_cases_and_submit_prints_ingest_json(broker: Broker, tmp_path: Path) -> None:
    packages = _cases(tmp_path / "cases", 3, seed=31)
    home = tmp_path / "home"
    runner = _runner(broker, home)
    try:
        with worker(broker.env(home), tmp_path / "worker.log") as w:
            handles = [runner.submit("ingest_package", {"path": str(p)}) for p in packages]
            results = [_result(runner, h, w) for h in handles]
            assert [r["status"] for r in results] == ["accepted"] * 3, results

            # the command line: same packages again through the workers → duplicates
            proc = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "earchive",
                    "submit",
                    "--json",
                    "--timeout",
                    "120",
                    str(tmp_path / "cases"),
                ],
                env=broker.env(home),
                capture_output=True,
                text=True,
                timeout=300,
                check=False,
            )
            assert proc.returncode == 0, proc.stderr + w.tail()
            again = [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]
    finally:
        runner.close()
    assert [r["status"] for r in again] == ["duplicate"] * 3
    assert sorted(r["id"] for r in again) == sorted(r["id"] for r in results)
    assert all(
        {"electronic_record_code", "archival_code", "version", "findings"} <= set(r) for r in again
    )

    archive = _archive(home)
    assert archive.catalog.count() == 3
    for r in results:
        hits = archive.search(SearchQuery(text=str(r["electronic_record_code"]))).hits
        assert hits and hits[0].archive_id == r["id"]
        hits = archive.search(SearchQuery(text=str(r["archival_code"]))).hits
        assert hits and hits[0].archive_id == r["id"]
    for items in _items_per_class(archive).values():
        assert sorted(items) == list(range(1, len(items) + 1))


def test_task_of_a_killed_worker_is_redelivered_and_completes_once(
    broker: Broker, tmp_path: Path
) -> None:
    first, second = _cases(tmp_path / "cases", 2, seed=47)
    home = tmp_path / "home"
    runner = _runner(broker, home)
    timeout = str(VISIBILITY)
    try:
        # worker 1 dies (exit 137) right after storing the version, before the catalog row
        crash_env = broker.env(
            home, EARCHIVE_CRASH_AT="stored", EARCHIVE_BROKER_VISIBILITY_TIMEOUT=timeout
        )
        with worker(crash_env, tmp_path / "worker1.log", pool="solo", name="doomed") as w1:
            handle = runner.submit("ingest_package", {"path": str(first)})
            try:
                code = w1.wait(timeout=RESULT_TIMEOUT)
            except subprocess.TimeoutExpired:
                pytest.fail(f"worker 1 did not die at the crash point\n{w1.tail()}")
            assert code == 137, w1.tail()
            assert handle.id in w1.log.read_text(errors="replace")

        half = _archive(home)
        with half.engine.begin() as conn:
            open_entries = journal.pending(conn)
        assert [e.state for e in open_entries] == ["stored"]
        reserved = open_entries[0].archival_code
        assert half.catalog.count() == 0
        half.engine.dispose()
        half.writer.dispose()

        env = broker.env(home, EARCHIVE_BROKER_VISIBILITY_TIMEOUT=timeout)
        with worker(env, tmp_path / "worker2.log", name="rescuer") as w2:
            done = _result(runner, handle, w2)  # the same task, not a new one
            assert done["status"] == "accepted", done
            assert done["archival_code"] == reserved
            # the result can arrive before the worker's log line is flushed: wait for it briefly
            line = f"ingest_package[{handle.id}] succeeded"
            deadline = time.monotonic() + 20
            while line not in w2.log.read_text(errors="replace") and time.monotonic() < deadline:
                time.sleep(0.2)
            assert line in w2.log.read_text(errors="replace"), w2.tail()
            later = _result(runner, runner.submit("ingest_package", {"path": str(second)}), w2)
            assert later["status"] == "accepted", later
            repeat = _result(runner, runner.submit("ingest_package", {"path": str(first)}), w2)
            assert repeat["status"] == "duplicate" and repeat["id"] == done["id"]
    finally:
        runner.close()

    archive = _archive(home)
    records = list(archive.catalog.iter_archives())
    assert sorted(r.id for r in records) == sorted({str(done["id"]), str(later["id"])})
    with archive.engine.begin() as conn:
        assert journal.pending(conn) == []
    for items in _items_per_class(archive).values():
        assert sorted(items) == list(range(1, len(items) + 1))  # no 档号 gap
    record = archive.catalog.get(str(done["id"]))
    assert record is not None and record.version == 1
    inventory = archive.storage.read_inventory(record.object_id)
    assert inventory is not None and sorted(inventory["versions"]) == ["v1"]
    assert list((home / "work").iterdir()) == []  # nothing half-done left behind
    hits = archive.search(SearchQuery(text=str(done["electronic_record_code"]))).hits
    assert [h.archive_id for h in hits] == [done["id"]]

"""The task interface without a broker: the in-process runner runs the same jobs as the
workers, refuses unknown names, keeps a task's failure for ``result``; the Celery app carries
the at-least-once delivery settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.jobs.celery_app import create_celery
from earchive.jobs.tasks import (
    JOB_NAMES,
    InProcessRunner,
    TaskFailedError,
    UnknownTaskError,
    runner_for,
)
from earchive.jobs.tasks.celery_runner import CeleryRunner, task_name
from earchive.settings import Settings


def _archive(home: Path) -> Archive:
    archive = Archive(Settings(home=home))
    archive.init()
    return archive


def test_in_process_is_the_default_and_ingests(
    tmp_path: Path, zips: Callable[[], list[Path]]
) -> None:
    runner = runner_for(Settings(home=tmp_path), lambda: _archive(tmp_path))
    assert isinstance(runner, InProcessRunner)
    package = zips()[0]
    first = runner.result(runner.submit("ingest_package", {"path": str(package)}))
    again = runner.result(runner.submit("ingest_package", {"path": str(package)}))
    assert (first["status"], again["status"]) == ("accepted", "duplicate")
    assert again["id"] == first["id"] and first["archival_code"]
    audit = runner.result(runner.submit("audit", {"limit": 10}))
    assert (audit["objects"], audit["failed"]) == (1, 0)


def test_unknown_names_and_failures(tmp_path: Path) -> None:
    runner = InProcessRunner(_archive(tmp_path))
    with pytest.raises(UnknownTaskError):
        runner.submit("format_disk", {})
    handle = runner.submit("ingest_package", {})  # no path: the job raises
    with pytest.raises(TaskFailedError, match="path"):
        runner.result(handle)


def test_celery_app_redelivers_tasks_of_dead_workers(tmp_path: Path) -> None:
    settings = Settings(
        home=tmp_path,
        broker_url="redis://127.0.0.1:6379/15",
        broker_key_prefix="p:",
        broker_visibility_timeout=600,
        task_queue="q1",
    )
    app = create_celery(settings)
    conf = app.conf
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] == 600
    assert conf.broker_transport_options["global_keyprefix"] == "p:"
    assert conf.result_backend == settings.broker_url
    assert conf.accept_content == ["json"]
    assert {task_name(n) for n in JOB_NAMES} <= set(app.tasks)
    assert conf.beat_schedule["fixity-audit"]["task"] == task_name("audit")
    sweeps = {k: v for k, v in conf.beat_schedule.items() if k.startswith("work-queue-")}
    assert [v["kwargs"]["kind"] for v in sweeps.values()] == ["index"]
    assert {v["task"] for v in sweeps.values()} == {task_name("work_queued")}
    assert all(v["schedule"] == settings.work_sweep_interval for v in sweeps.values())
    assert all(v["options"]["queue"] == "q1" for v in sweeps.values())
    runner = runner_for(settings, lambda: pytest.fail("no archive is built for Celery"))
    assert isinstance(runner, CeleryRunner) and runner.queue == "q1"
    amqp = create_celery(settings.model_copy(update={"broker_url": "amqp://guest@127.0.0.1//"}))
    assert amqp.conf.result_backend == "rpc://"
    assert "visibility_timeout" not in amqp.conf.broker_transport_options


def test_the_sweep_task_makes_a_queued_archive_searchable(
    tmp_path: Path, zips: Callable[[], list[Path]]
) -> None:
    """What the scheduler's ``work-queue-index`` entry sends: ``work_queued`` works off the index
    jobs that an ingest left queued (as when its chained task was lost)."""
    from ingest.pipeline import ingest_path
    from ingest.work_queue import pending_count
    from search.index import SearchQuery

    archive = _archive(tmp_path)
    result = ingest_path(zips()[0], archive.context())  # queued for the indexer, not indexed
    assert result.status == "accepted"
    query = SearchQuery(text=result.electronic_record_code)
    assert archive.search(query).total == 0 and pending_count(archive.writer, "index") == 1
    runner = InProcessRunner(archive)
    swept = runner.result(runner.submit("work_queued", {"kind": "index"}))
    assert swept == {"kind": "index", "done": 1}
    assert [h.archive_id for h in archive.search(query).hits] == [result.id]
    assert pending_count(archive.writer, "index") == 0

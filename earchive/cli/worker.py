"""``earchive worker``, ``earchive submit PATH...`` and ``earchive scheduler``: background work.

``worker`` runs a Celery worker in this process (``EARCHIVE_BROKER_URL`` required) consuming
``EARCHIVE_TASK_QUEUE``; ``submit`` sends one ``ingest_package`` task per case package and
prints the results as ``earchive ingest`` does (``--json``: the same objects); without a broker
it runs them in-process. ``scheduler`` runs Celery beat: a bounded fixity audit every
``EARCHIVE_AUDIT_INTERVAL`` seconds and a sweep of the queued index jobs every
``EARCHIVE_WORK_SWEEP_INTERVAL`` seconds (run exactly one scheduler per deployment).
Package paths are sent as absolute paths: workers must see them at the same place.
Exit codes: 0 success, 1 a package refused or a task failed, 2 usage or configuration error.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from earchive.cli.support import UsageError, emit, initialised
from earchive.cli.support import err as _err
from earchive.cli.support import out as _out
from earchive.core.errors import ConfigurationError
from earchive.settings import Settings

if TYPE_CHECKING:
    from earchive.jobs.tasks import TaskHandle, TaskRunner

__all__ = ["register"]


def _settings(queue: str | None) -> Settings:
    settings = Settings()
    if queue:
        settings = settings.model_copy(update={"task_queue": queue})
    return settings


def _require_broker(settings: Settings) -> None:
    if not settings.broker_url:
        raise ConfigurationError("set EARCHIVE_BROKER_URL (redis:// or amqp://)")


def worker(
    concurrency: Annotated[int, typer.Option(help="Worker processes (tasks at a time).")] = 2,
    queue: Annotated[
        str | None, typer.Option(help="Queue to consume (default EARCHIVE_TASK_QUEUE).")
    ] = None,
    pool: Annotated[str, typer.Option(help="prefork, solo or threads.")] = "prefork",
    name: Annotated[str, typer.Option(help="Celery node name (%h = host name).")] = "earchive@%h",
    loglevel: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Run a Celery worker for ingest, check and audit tasks (until stopped)."""
    from earchive.jobs.celery_app import create_celery

    settings = _settings(queue)
    _require_broker(settings)
    if pool not in ("prefork", "solo", "threads") or concurrency < 1:
        raise UsageError("--pool must be prefork, solo or threads; --concurrency at least 1")
    archive = initialised(settings)  # migrations and the signing key before any task runs
    archive.engine.dispose()
    archive.writer.dispose()
    del archive  # each pool process builds its own
    app = create_celery(settings)
    app.worker_main(
        [
            "worker",
            f"--queues={settings.task_queue}",
            f"--concurrency={concurrency}",
            f"--pool={pool}",
            f"--hostname={name}",
            f"--loglevel={loglevel}",
            "--without-gossip",  # no worker-to-worker chatter; tasks need none
            "--without-mingle",
        ]
    )


def scheduler(
    queue: Annotated[
        str | None, typer.Option(help="Queue the audit goes to (default EARCHIVE_TASK_QUEUE).")
    ] = None,
    loglevel: Annotated[str, typer.Option(help="debug, info, warning or error.")] = "info",
) -> None:
    """Run the scheduler (Celery beat): a bounded fixity audit every EARCHIVE_AUDIT_INTERVAL s
    and a sweep of the queued index jobs every EARCHIVE_WORK_SWEEP_INTERVAL s."""
    from earchive.jobs.celery_app import create_celery

    settings = _settings(queue)
    _require_broker(settings)
    settings.home.mkdir(parents=True, exist_ok=True)
    app = create_celery(settings)
    beat = app.Beat(schedule=str(settings.home / "celerybeat-schedule"), loglevel=loglevel.upper())
    beat.run()


def submit(
    paths: Annotated[
        list[Path], typer.Argument(help="ZIPs, case directories, or folders of them.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line.")] = False,
    queue: Annotated[
        str | None, typer.Option(help="Queue to send to (default EARCHIVE_TASK_QUEUE).")
    ] = None,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each result.")] = 3600.0,
) -> None:
    """Ingest case packages through the workers: one task per package, results in order."""
    from earchive.jobs.tasks import runner_for
    from ingest.pipeline import expand_sources

    settings = _settings(queue)
    missing = [p for p in paths if not p.exists()]
    if missing:
        raise UsageError(f"no such file or folder: {', '.join(map(str, missing))}")
    sources = [p.resolve() for p in expand_sources(paths)]
    runner = runner_for(settings, lambda: initialised(settings))
    handles = [runner.submit("ingest_package", {"path": str(p)}) for p in sources]
    counts = _collect(runner, handles, timeout, as_json)
    if not as_json:
        line = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
        _out.print(f"submit: {line or 'nothing to do'}")
    if counts.get("refused") or counts.get("failed"):
        raise typer.Exit(1)


def _collect(
    runner: TaskRunner, handles: list[TaskHandle], timeout: float, as_json: bool
) -> dict[str, int]:
    """Wait for each result in submission order; print it; count statuses (and failures)."""
    from earchive.jobs.tasks import TaskError

    counts: dict[str, int] = {}
    for handle in handles:
        try:
            outcome = runner.result(handle, timeout)
        except TaskError as exc:
            _err.print(f"[red]task failed:[/red] {exc}")
            counts["failed"] = counts.get("failed", 0) + 1
            continue
        status = str(outcome.get("status", ""))
        counts[status] = counts.get(status, 0) + 1
        if as_json:
            emit(outcome)
            sys.stdout.flush()
        else:
            line = f"{status} {outcome.get('archival_code', '')} {outcome.get('source', '')}"
            _out.print(line, markup=False, highlight=False, soft_wrap=True)
    return counts


def register(app: typer.Typer) -> None:
    """Add ``worker``, ``submit`` and ``scheduler`` to the ``earchive`` command line."""
    app.command("worker")(worker)
    app.command("submit")(submit)
    app.command("scheduler")(scheduler)

"""Background work behind one small interface (ARCHITECTURE decision 2).

``TaskRunner.submit(name, payload) -> TaskHandle`` and ``result(handle, timeout)``.
``runner_for(settings, archive)`` picks ``InProcessRunner`` (no ``EARCHIVE_BROKER_URL``: the
embedded default) or ``CeleryRunner`` (Celery workers, ``earchive worker``). Task names:
``JOB_NAMES`` (``ingest_package``, ``check_archive``, ``audit``).
"""

from __future__ import annotations

from collections.abc import Callable

from earchive.core.archive import Archive
from earchive.core.errors import TaskError, TaskFailedError, TaskTimeoutError, UnknownTaskError
from earchive.jobs.tasks.jobs import JOB_NAMES, Outcome, Payload
from earchive.jobs.tasks.runner import InProcessRunner, TaskHandle, TaskRunner
from earchive.settings import Settings

__all__ = [
    "JOB_NAMES",
    "InProcessRunner",
    "Outcome",
    "Payload",
    "TaskError",
    "TaskFailedError",
    "TaskHandle",
    "TaskRunner",
    "TaskTimeoutError",
    "UnknownTaskError",
    "runner_for",
]


def runner_for(settings: Settings, archive: Callable[[], Archive]) -> TaskRunner:
    """Celery when a broker is configured, else in-process on ``archive()`` (called only then)."""
    if not settings.broker_url:
        return InProcessRunner(archive())
    from earchive.jobs.celery_app import create_celery
    from earchive.jobs.tasks.celery_runner import CeleryRunner

    return CeleryRunner(create_celery(settings), settings.task_queue)

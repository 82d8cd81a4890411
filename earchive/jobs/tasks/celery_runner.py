"""``CeleryRunner``: the task interface on Celery workers (``earchive worker``).

Tasks go to one queue as JSON; ``result`` waits on the result backend. Translates Celery's
errors into ``TaskFailedError`` / ``TaskTimeoutError``.
"""

from __future__ import annotations

from celery import Celery
from celery.exceptions import TimeoutError as CeleryTimeoutError
from celery.result import AsyncResult

from earchive.core.errors import TaskFailedError, TaskTimeoutError
from earchive.jobs.tasks.jobs import Outcome, Payload, job_for
from earchive.jobs.tasks.runner import TaskHandle

__all__ = ["CeleryRunner", "task_name"]


def task_name(name: str) -> str:
    """The Celery name of job ``name`` (``earchive.<name>``)."""
    return f"earchive.{name}"


class CeleryRunner:
    """Sends tasks to ``queue`` through ``app`` (see ``earchive.jobs.celery_app.create_celery``)."""

    def __init__(self, app: Celery, queue: str) -> None:
        self.app = app
        self.queue = queue

    def submit(self, name: str, payload: Payload) -> TaskHandle:
        job_for(name)  # refuse unknown names here, not in a worker
        try:
            sent = self.app.send_task(task_name(name), kwargs=dict(payload), queue=self.queue)
        except Exception as exc:  # kombu/redis/amqp connection errors have no common base
            raise TaskFailedError(f"could not send {name}: {exc}") from exc
        return TaskHandle(id=str(sent.id), name=name)

    def result(self, handle: TaskHandle, timeout: float | None = None) -> Outcome:
        pending = AsyncResult(handle.id, app=self.app)
        try:
            value = pending.get(timeout=timeout, propagate=True)
        except CeleryTimeoutError as exc:
            raise TaskTimeoutError(f"{handle.name} {handle.id}: no result in {timeout} s") from exc
        except Exception as exc:  # the task's own exception, re-raised by Celery
            raise TaskFailedError(f"{handle.name} {handle.id}: {exc!r}") from exc
        if not isinstance(value, dict):
            raise TaskFailedError(f"{handle.name} {handle.id}: unexpected result {value!r}")
        return value

    def close(self) -> None:
        """Release the app's broker and backend connections."""
        self.app.close()

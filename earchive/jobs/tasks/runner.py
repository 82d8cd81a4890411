"""The task interface: submit a named task with a JSON payload, wait for its JSON result.

``InProcessRunner`` (the embedded default) runs the task at once in this process;
``earchive.jobs.tasks.celery_runner.CeleryRunner`` sends it to Celery workers. Both run the same
functions from ``earchive.jobs.tasks.jobs``. Raises ``UnknownTaskError`` for a name no job has,
``TaskFailedError`` when the task raised, ``TaskTimeoutError`` when no result came in time.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Protocol

from earchive.core.archive import Archive
from earchive.core.errors import TaskFailedError
from earchive.jobs.tasks.jobs import Outcome, Payload, job_for

__all__ = [
    "InProcessRunner",
    "TaskHandle",
    "TaskRunner",
]


@dataclass(frozen=True)
class TaskHandle:
    """What ``submit`` returns: the task's id and name, enough to ask for its result."""

    id: str
    name: str


class TaskRunner(Protocol):
    """Runs named tasks (``earchive.jobs.tasks.jobs.JOB_NAMES``) somewhere."""

    def submit(self, name: str, payload: Payload) -> TaskHandle: ...

    def result(self, handle: TaskHandle, timeout: float | None = None) -> Outcome: ...


class InProcessRunner:
    """Runs each task immediately in the calling process, on the given ``Archive``."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._done: dict[str, Outcome | Exception] = {}

    def submit(self, name: str, payload: Payload) -> TaskHandle:
        job = job_for(name)
        handle = TaskHandle(id=uuid.uuid4().hex, name=name)
        try:
            self._done[handle.id] = job(self._archive, payload)
        except Exception as exc:  # kept for result(), as a worker keeps a task's failure
            self._done[handle.id] = exc
        return handle

    def result(self, handle: TaskHandle, timeout: float | None = None) -> Outcome:
        if handle.id not in self._done:
            raise TaskFailedError(f"no task {handle.id} was submitted to this runner")
        outcome = self._done.pop(handle.id)
        if isinstance(outcome, Exception):
            raise TaskFailedError(f"{handle.name} {handle.id}: {outcome}") from outcome
        return outcome

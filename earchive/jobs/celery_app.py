"""The Celery application: ``create_celery(settings)`` configures it and registers every job of
``earchive.jobs.tasks.jobs`` as task ``earchive.<name>``.

Delivery is at-least-once: a task is acknowledged only after it finished
(``task_acks_late``), a task whose worker process died is handed back to the queue
(``task_reject_on_worker_lost``), and a worker reserves one task at a time
(``worker_prefetch_multiplier=1``). On Redis, a task whose whole worker died is redelivered
after ``EARCHIVE_BROKER_VISIBILITY_TIMEOUT`` seconds (it must exceed the longest task). That is
safe because the ingest pipeline is idempotent: a rerun resumes its journal entry.

Each worker process builds its own ``Archive`` from the settings on first use (after the pool
forked). ``celery -A earchive.jobs.celery_app worker`` also works: ``app`` is built from the
environment when first asked for.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from celery import Celery
from celery.schedules import crontab

from earchive.core.archive import Archive
from earchive.jobs.tasks.celery_runner import task_name
from earchive.jobs.tasks.jobs import JOB_NAMES, Job, Outcome, job_for
from earchive.settings import Settings
from ingest.pipeline import IngestBusyError
from transfer import TransferPolicy

__all__ = ["create_celery", "transfer_beat", "work_queue_beat"]

BUSY_RETRY_SECONDS = 15  # the same package is being ingested by another worker: ask again later
BUSY_RETRIES = 40


class _ArchivePerProcess:
    """One ``Archive`` per process, built lazily (a forked child builds its own)."""

    def __init__(self, settings: Settings) -> None:
        self._settings = settings
        self._archive: Archive | None = None
        self._pid = 0

    def get(self) -> Archive:
        if self._archive is None or self._pid != os.getpid():
            self._archive = Archive(self._settings)
            self._pid = os.getpid()
        return self._archive


def _result_backend(settings: Settings) -> str:
    if settings.result_backend:
        return settings.result_backend
    if settings.broker_url.startswith(("redis://", "rediss://")):
        return settings.broker_url
    return "rpc://"


def _transport_options(settings: Settings) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if settings.broker_url.startswith(("redis://", "rediss://")):
        timeout = settings.broker_visibility_timeout
        options = {
            "visibility_timeout": timeout,
            # look for abandoned (unacked) tasks every few seconds, at most every 10 s
            "unacked_restore_interval": max(1, min(10, timeout // 4)),
            "unacked_restore_throttle": 1,
        }
        if settings.broker_key_prefix:
            options["global_keyprefix"] = settings.broker_key_prefix
    return options


def _task_body(job: Job, archives: _ArchivePerProcess) -> Callable[..., Outcome]:
    def run(**payload: object) -> Outcome:
        return job(archives.get(), payload)

    run.__doc__ = job.__doc__
    return run


def work_queue_beat(settings: Settings) -> dict[str, Any]:
    """``work_queued`` of the index jobs every ``work_sweep_interval`` seconds: archives whose
    chained indexing task was lost still become searchable (a sweep not started before the next
    is due is dropped, not stacked up). Indexing twice is harmless (a document replaces its
    archive's); the copy and OCR jobs are left to their chained tasks and ``earchive indexer``,
    since two workers preserving one archive at once would race for its next version."""
    from ingest.indexing import INDEX_JOB

    every = float(settings.work_sweep_interval)
    return {
        f"work-queue-{INDEX_JOB}": {
            "task": task_name("work_queued"),
            "schedule": every,
            "kwargs": {"kind": INDEX_JOB},
            "options": {"queue": settings.task_queue, "expires": every},
        }
    }


def transfer_beat(settings: Settings, policy: TransferPolicy) -> dict[str, Any]:
    """One beat entry per enabled endpoint of the transfer policy, firing on its cron schedule
    (read in the app's ``timezone``, set to the policy's ``schedule_timezone``); the task
    itself runs only what is due."""
    return {
        f"transfer-{e.name}": {
            "task": task_name("transfer_scheduled"),
            "schedule": crontab(**e.schedule.celery_fields()),
            "kwargs": {"endpoint": e.name},
            "options": {"queue": settings.task_queue},
        }
        for e in policy.endpoints
        if e.enabled
    }


def create_celery(settings: Settings) -> Celery:
    """A Celery app on ``settings.broker_url`` with every earchive task registered."""
    app = Celery("earchive", set_as_current=False)
    policy = TransferPolicy.load()
    backend_options: dict[str, Any] = {}
    if settings.broker_key_prefix:
        backend_options["global_keyprefix"] = settings.broker_key_prefix
    app.conf.update(
        broker_url=settings.broker_url,
        result_backend=_result_backend(settings),
        broker_transport_options=_transport_options(settings),
        result_backend_transport_options=backend_options,
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        worker_cancel_long_running_tasks_on_connection_loss=True,
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        result_expires=7 * 86400,
        task_track_started=True,
        task_default_queue=settings.task_queue,
        beat_schedule={
            "fixity-audit": {
                "task": task_name("audit"),
                "schedule": float(settings.audit_interval),
                "kwargs": {"limit": settings.audit_limit},
                # a run not started before the next one is due is dropped, not stacked up
                "options": {"queue": settings.task_queue, "expires": settings.audit_interval},
            },
            **work_queue_beat(settings),
            **transfer_beat(settings, policy),
        },
        timezone=policy.schedule_timezone,  # cron schedules of transfer endpoints
    )
    archives = _ArchivePerProcess(settings)
    for name in JOB_NAMES:
        app.task(  # registered on this app now, not lazily through Celery's shared registry
            name=task_name(name),
            shared=False,
            lazy=False,
            autoretry_for=(IngestBusyError,),
            retry_kwargs={"max_retries": BUSY_RETRIES, "countdown": BUSY_RETRY_SECONDS},
        )(_task_body(job_for(name), archives))
    return app


def __getattr__(name: str) -> Celery:
    """``app`` / ``celery`` for ``celery -A earchive.jobs.celery_app``: built from the
    environment."""
    if name in ("app", "celery"):
        return create_celery(Settings())
    raise AttributeError(name)

"""The functions behind the tasks: each takes an ``Archive`` and a JSON payload and returns a
JSON-ready dict. The same functions run in-process and in Celery workers.

- ``ingest_package`` ``{"path": str}`` → the ``earchive ingest --json`` object. The path must be
  readable by the process that runs the task (a worker: a shared volume or mount). Idempotent:
  a rerun after a crash resumes the journal entry; a rerun after success reports ``duplicate``.
- ``check_archive`` ``{"id": str, "stage": "gd"|"yj"|"bc"}`` → the check run as a dict.
- ``audit`` ``{"limit": int | None}`` → a fixity audit summary and its findings.
- ``preserve`` ``{"id": str, "copies": bool, "ocr": bool}`` → the preservation copies and OCR
  text made for one archive (``earchive.services.preservation``), as ``earchive normalise``.
- ``transfer_scheduled`` ``{"endpoint": str}`` → the scheduled transfer runs that were due now
  (one policy endpoint, or every one when empty); Celery beat fires it per endpoint schedule.
- ``work_queued`` ``{"kind": "index"}`` → ``{"kind", "done"}``: the durable work queue's jobs of
  that kind worked off now (``earchive.core.work``). ``ingest_package`` flushes the index queue
  itself, so a worker's archives are searchable when its task returns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from types import MappingProxyType

from earchive.core.archive import Archive
from earchive.core.errors import UnknownTaskError
from preservation.audit import AuditLimits

__all__ = ["JOB_NAMES", "Job", "Outcome", "Payload", "job_for"]

Payload = Mapping[str, object]
Outcome = dict[str, object]
Job = Callable[[Archive, Payload], Outcome]


def _text(payload: Payload, key: str) -> str:
    value = payload.get(key)
    if not isinstance(value, str) or not value:
        raise ValueError(f"payload needs a non-empty string {key!r}")
    return value


def ingest_package(archive: Archive, payload: Payload) -> Outcome:
    """Ingest one case package (ZIP or directory) at ``payload["path"]``."""
    from ingest.pipeline import ingest_path

    result = ingest_path(Path(_text(payload, "path")), archive.context()).as_dict()
    archive.flush_index()  # what this and other workers queued (one commit for all of it)
    return result


def check_archive(archive: Archive, payload: Payload) -> Outcome:
    """Run one 四性 stage on one archive; the run is kept with the archive's history."""
    from earchive.services.checks.service import CheckOptions, antivirus_from_settings
    from earchive.services.checks.service import check_archive as run_check

    options = CheckOptions(antivirus=antivirus_from_settings(archive))
    run = run_check(archive, _text(payload, "id"), _text(payload, "stage"), options)
    return run.as_dict()


def audit(archive: Archive, payload: Payload) -> Outcome:
    """One bounded fixity audit of the primary storage location (oldest-audited first)."""
    from earchive.services.audit.service import run_audit

    limit = payload.get("limit")
    if limit is not None and not isinstance(limit, int):
        raise ValueError("payload 'limit' must be an integer or null")
    return run_audit(archive, limits=AuditLimits(max_objects=limit)).summary()


def transfer_scheduled(archive: Archive, payload: Payload) -> Outcome:
    """Run the transfers whose endpoint schedule is due now
    (``earchive.services.transfer.schedule``)."""
    from earchive.services.transfer.schedule import run_scheduled

    only = payload.get("endpoint") or ""
    if not isinstance(only, str):
        raise ValueError("payload 'endpoint' must be a string")
    return {"runs": [r.as_dict() for r in run_scheduled(archive, only=only)]}


def preserve(archive: Archive, payload: Payload) -> Outcome:
    """Preservation copies and OCR text of one archive (``earchive normalise``)."""
    from earchive.services.preservation.options import PreserveOptions
    from earchive.services.preservation.service import preserve_archive

    copies, ocr = payload.get("copies", True), payload.get("ocr", True)
    if not isinstance(copies, bool) or not isinstance(ocr, bool):
        raise ValueError("payload 'copies' and 'ocr' must be booleans")
    report = preserve_archive(archive, _text(payload, "id"), PreserveOptions(copies, ocr))
    return {
        "id": report.archive_id,
        "version": report.version,
        "derived": list(report.derived),
        "findings": [f.as_dict() for f in report.findings],
    }


def work_queued(archive: Archive, payload: Payload) -> Outcome:
    """Work off the durable work queue's jobs of ``payload["kind"]`` (default ``index``)."""
    from earchive.core.work import drain

    kind = payload.get("kind") or "index"
    if not isinstance(kind, str):
        raise ValueError("payload 'kind' must be a string")
    if kind in ("normalise", "ocr"):  # preservation jobs: their handlers live in the services
        from earchive.services.preservation.jobs import register

        register()
    return {"kind": kind, "done": drain(archive, kind, archive.settings.index_batch)}


_JOBS: Mapping[str, Job] = MappingProxyType(
    {
        "ingest_package": ingest_package,
        "check_archive": check_archive,
        "audit": audit,
        "transfer_scheduled": transfer_scheduled,
        "preserve": preserve,
        "work_queued": work_queued,
    }
)
JOB_NAMES: tuple[str, ...] = tuple(_JOBS)


def job_for(name: str) -> Job:
    """The function behind task ``name``; raises ``UnknownTaskError``."""
    try:
        return _JOBS[name]
    except KeyError as exc:
        raise UnknownTaskError(f"no task {name!r}; known: {', '.join(JOB_NAMES)}") from exc

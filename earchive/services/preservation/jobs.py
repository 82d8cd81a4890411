"""The preservation work an ingest leaves in the durable work queue, worked off like the index
jobs (``earchive.core.work``): a ``normalise`` job makes an archive's preservation copies, an
``ocr`` job reads its scans (``ingest.derived_version.NORMALISE_JOB`` / ``OCR_JOB``). Ingest
enqueues them in its own transaction when the fonds asks for them (``EARCHIVE_NORMALISE_FONDS``,
``EARCHIVE_OCR_FONDS``); ``register()`` makes this module the handler of both kinds, and
``drain_preservation`` works them off now (the CLI's ingest, the demo). A job whose archive
cannot be preserved (a conflict, an unreadable version) stays queued with its error; what a tool
could not convert is not a failure of the job: it is a MANUAL_REVIEW finding of the archive.
"""

from __future__ import annotations

from collections.abc import Sequence

from earchive.core.archive import Archive
from earchive.core.errors import NotFoundError
from earchive.core.index_jobs import BatchOutcome
from earchive.core.work import drain, register_handler
from earchive.services.preservation.options import PreserveOptions
from earchive.services.preservation.service import preserve_archive
from ingest.derived_version import NORMALISE_JOB, OCR_JOB, PRESERVATION_JOBS, DerivedVersionError
from ingest.work_queue import WorkItem
from preservation.ocfl_root import OcflError
from preservation.storage import StorageError

__all__ = ["drain_preservation", "register"]

_OPTIONS = {
    NORMALISE_JOB: PreserveOptions(copies=True, ocr=False),
    OCR_JOB: PreserveOptions(copies=False, ocr=True),
}


def _handler(kind: str):  # type: ignore[no-untyped-def]
    def handle(archive: Archive, items: Sequence[WorkItem]) -> BatchOutcome:
        outcome = BatchOutcome()
        for item in items:
            try:
                preserve_archive(archive, item.subject, _OPTIONS[kind])
            except NotFoundError:
                outcome.done.append(item.id)  # the archive is gone (disposed): nothing owed
            except (DerivedVersionError, OcflError, StorageError, OSError) as exc:
                outcome.failed[item.id] = f"{type(exc).__name__}: {exc}"
            else:
                outcome.done.append(item.id)
        return outcome

    return handle


def register() -> None:
    """Make this module the handler of the ``normalise`` and ``ocr`` jobs."""
    for kind in PRESERVATION_JOBS:
        register_handler(kind, _handler(kind))


def drain_preservation(archive: Archive) -> int:
    """Work off every queued ``normalise`` and ``ocr`` job now; returns how many are done."""
    register()
    return sum(drain(archive, kind, batch=1) for kind in PRESERVATION_JOBS)

"""``Batches``: work on many chosen archives at once, as one principal may — re-run the 四性
checks, export as BagIt or EEP (one ZIP of them all), add to or remove from the transfer batch
being prepared — each batch a job with progress (``earchive.jobs.batch``).

Each action needs its permission (``PermissionDeniedError``); every chosen archive must be
visible to the principal (``NotFoundError`` before anything starts); exports of archives holding
a natural person's data need the personal-data permission (that item fails, the others go on).
The request is logged (``access`` with ``mode=batch``); the work logs its own events.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from earchive.access.listings import NATURAL_PERSON, Listings
from earchive.auth import Permission
from earchive.core.errors import InvalidRequestError, NotFoundError, PermissionDeniedError
from earchive.jobs.batch import Close, Step, submit_batch
from earchive.jobs.board import Job, JobBoard
from earchive.services.checks.service import CheckOptions, antivirus_from_settings, check_archive
from earchive.services.exports import export_archive
from earchive.services.transfer.draft import (
    add_to_draft,
    clear_draft,
    draft_ids,
    remove_from_draft,
)

__all__ = ["ACTIONS", "MAX_BATCH", "Batches"]

#: Batch action → the permission it needs.
ACTIONS = {
    "recheck": Permission.RUN_CHECKS,
    "bagit": Permission.EXPORT,
    "eep": Permission.EXPORT,
    "transfer_add": Permission.TRANSFER_RUN,
    "transfer_remove": Permission.TRANSFER_RUN,
}
#: The most archives one batch takes.
MAX_BATCH = 500


class Batches(Listings):
    """Batch actions for one principal."""

    def start_batch(self, board: JobBoard, action: str, ids: Sequence[str]) -> Job:
        """Start ``action`` over ``ids`` as a job (``InvalidRequestError`` for an unknown action,
        no archive or too many)."""
        permission = ACTIONS.get(action)
        if permission is None:
            raise InvalidRequestError(f"action: choose one of {', '.join(ACTIONS)}")
        self.require(permission)
        chosen = list(dict.fromkeys(i for i in ids if i))
        if not chosen:
            raise InvalidRequestError("ids: 请先勾选至少一件档案 (choose at least one archive)")
        if len(chosen) > MAX_BATCH:
            raise InvalidRequestError(f"ids: 一次最多 {MAX_BATCH} 件 (at most {MAX_BATCH})")
        for archive_id in chosen:
            self._visible(archive_id)
        work, close = self._work(action)
        codes = {i: self.archive.show(i).record.archival_code for i in chosen}

        def step(archive_id: str) -> dict[str, object]:
            return {"archival_code": codes[archive_id], **work(archive_id)}

        job = submit_batch(
            board, f"batch_{action}", self.principal.agent, permission, chosen, step, close
        )
        self._log("access", f"batch:{action}", "started", mode="batch", job=job.id,
                  items=len(chosen))  # fmt: skip
        return job

    def _work(self, action: str) -> tuple[Step, Close | None]:
        archive, owner = self.archive, self.principal.agent
        if action == "recheck":
            options = CheckOptions(antivirus=antivirus_from_settings(archive))

            def recheck(archive_id: str) -> dict[str, object]:
                run = check_archive(archive, archive_id, "gd", options)
                return {"failed": run.failed, "stage": run.stage}

            return recheck, None
        if action in ("transfer_add", "transfer_remove"):
            change = add_to_draft if action == "transfer_add" else remove_from_draft

            def draft(archive_id: str) -> dict[str, object]:
                change(archive, owner, [archive_id])
                return {}

            return draft, None
        return self._export_work(action)

    def _export_work(self, form: str) -> tuple[Step, Close]:
        archive = self.archive
        masks = self.masks_personal_data
        work = archive.home / "work"
        work.mkdir(parents=True, exist_ok=True)
        folder = Path(tempfile.mkdtemp(dir=work, prefix="batch-"))

        def export(archive_id: str) -> dict[str, object]:
            record = archive.show(archive_id).record
            if masks and record.applicant_type == NATURAL_PERSON:
                self._log("export", archive_id, "denied", reason="personal data", mode="batch")
                raise PermissionDeniedError("personal data: 需要个人信息权限 (ask an archivist)")
            export_archive(archive, archive_id, folder / archive_id, form)
            self._log("export", archive_id, "success", form=form, mode="batch")
            return {}

        def close_zip(outcomes: list[dict[str, object]]) -> dict[str, object]:
            """One ZIP of every export that went through (``batch_export`` finds it)."""
            made = shutil.make_archive(str(folder), "zip", root_dir=folder)
            shutil.rmtree(folder, ignore_errors=True)
            return {"zip": Path(made).name, "exported": sum(1 for o in outcomes if o["ok"])}

        return export, close_zip

    # -- the transfer batch being prepared -----------------------------------------------------
    def draft(self) -> list[str]:
        """The archives in this principal's batch being prepared (those it may still see)."""
        self.require(Permission.TRANSFERS)
        visible = []
        for archive_id in draft_ids(self.archive, self.principal.agent):
            record = self.archive.catalog.get(archive_id)
            if record is not None and self.principal.may_see(record):
                visible.append(archive_id)
        return visible

    def send_draft(self, board: JobBoard) -> Job:
        """Transfer the batch being prepared (one package per 立档单位), then empty it."""
        ids = self.draft()
        if not ids:
            raise InvalidRequestError("待移交批次为空 (the batch being prepared is empty)")
        job = self.start_transfer(board, ids)
        clear_draft(self.archive, self.principal.agent)
        return job

    def batch_export(self, board: JobBoard, job_id: str) -> Path:
        """The ZIP a finished export batch of this principal made (``NotFoundError`` else)."""
        job = self.job(board, job_id)
        name = str((job.result or {}).get("zip", ""))
        if job.owner != self.principal.agent or not job.kind.startswith("batch_"):
            raise NotFoundError(job_id)
        if not (name.startswith("batch-") and name.endswith(".zip") and "/" not in name):
            raise NotFoundError(job_id)
        path = self.archive.home / "work" / name
        if not path.is_file():
            raise NotFoundError(job_id)
        self._log("export", f"batch:{job_id}", "success", mode="download")
        return path

    def clear_draft(self) -> None:
        self.require(Permission.TRANSFER_RUN)
        clear_draft(self.archive, self.principal.agent)

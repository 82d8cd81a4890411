"""``Operations``: the archive's operations (四性 checks, fixity audits, transfers, reminders)
as one principal may use them — ``Access`` extended, so the same policy applies.

Each method checks its permission (``PermissionDeniedError``), keeps archives outside the
principal's fonds or clearance invisible (``NotFoundError``) and records what the user asked for
in the event log (``access`` events with a ``mode``; the work itself logs its own ``check``,
``audit`` and ``transfer`` events). Long work is handed to a ``JobBoard`` and returns the job.
Raises ``ConfigurationError`` when the archive is not set up for a request (no transfer target,
no report font).
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from earchive.access.access import Access
from earchive.auth import Permission
from earchive.core.errors import NotFoundError
from earchive.jobs.board import Job, JobBoard
from earchive.jobs.tasks import runner_for
from earchive.services.audit.history import AuditRunRow, LedgerRow, audit_runs, ledger_rows
from earchive.services.checks.service import CheckOptions, antivirus_from_settings, check_archive
from earchive.services.checks.summaries import CheckSummaryRow, summary_rows
from earchive.services.reminders import Reminder, reminders
from earchive.services.transfer.console import (
    BatchView,
    PlanRow,
    batches,
    delivery_target,
    plan_rows,
)
from earchive.services.transfer.disposition import ScheduleEntry, retention_schedule
from earchive.services.transfer.receipts import accept_receipt, rework_queue
from earchive.services.transfer.sender import SignOffNeededError, group_by_unit, run_transfer
from earchive.services.transfer.signoff import SignOff, open_requests, sign_off
from preservation.checks import CheckRun, RunStore
from transfer import Outcome, Receipt

__all__ = ["Operations"]


class Operations(Access):
    """Checks, audits, transfers and reminders for one principal."""

    # -- 四性 checks ---------------------------------------------------------------------------
    def check_runs(self, archive_id: str) -> list[CheckRun]:
        """Every 四性 run of an archive, newest first (recorded as a view of its checks)."""
        self._visible(archive_id)
        self._log("access", archive_id, "success", mode="checks")
        return list(reversed(list(RunStore(self.archive.engine).runs(archive_id))))

    def run_check(self, archive_id: str, stage: str) -> CheckRun:
        """Run one stage (gd, yj, bc) on the archive now; the run is kept with its history."""
        self.require(Permission.RUN_CHECKS)
        self._visible(archive_id)
        options = CheckOptions(antivirus=antivirus_from_settings(self.archive))
        run = check_archive(self.archive, archive_id, stage, options)
        self._log(
            "access", archive_id, "success", mode="run_check", stage=run.stage, version=run.version
        )
        return run

    def check_summary(self) -> list[CheckSummaryRow]:
        """The newest run of each stage of every archive the principal may see."""
        self.require(Permission.FIXITY)
        return summary_rows(self.archive, self.principal.may_see)

    # -- fixity --------------------------------------------------------------------------------
    def audit_runs(self, limit: int = 50) -> list[AuditRunRow]:
        self.require(Permission.FIXITY)
        return audit_runs(self.archive, limit)

    def audit_ledger(self) -> list[LedgerRow]:
        """The audit ledger (every object); recorded as a download of the ledger."""
        self.require(Permission.FIXITY)
        self._log("access", "ledger:fixity", "success", mode="download")
        return ledger_rows(self.archive)

    def start_audit(
        self, board: JobBoard, *, location: str, limit: int | None, seconds: float | None
    ) -> Job:
        """A bounded fixity audit of ``location`` as a job (through ``earchive.jobs.tasks`` for the
        primary location, so a configured Celery worker runs it)."""
        self.require(Permission.FIXITY)
        archive = self.archive

        def work() -> dict[str, object]:
            if location == "primary" and seconds is None:
                runner = runner_for(archive.settings, lambda: archive)
                handle = runner.submit("audit", {"limit": limit})
                return runner.result(handle)
            from earchive.services.audit.service import run_audit
            from preservation.audit import AuditLimits

            limits = AuditLimits(max_objects=limit, max_seconds=seconds)
            return run_audit(archive, location=location, limits=limits).summary()

        job = board.submit("audit", self.principal.agent, Permission.FIXITY, work)
        self._log("access", f"storage:{location}", "started", mode="audit", job=job.id)
        return job

    # -- transfers -----------------------------------------------------------------------------
    def transfer_plan(self, today: date | None = None) -> list[PlanRow]:
        self.require(Permission.TRANSFERS)
        return plan_rows(self.archive, self.principal.may_see, today)

    def transfer_batches(self) -> list[BatchView]:
        """Batches with their items (only the items of archives the principal may see)."""
        self.require(Permission.TRANSFERS)
        seen = {r.id for r in self.archive.catalog.iter_archives() if self.principal.may_see(r)}
        return batches(self.archive, seen)

    def retention_schedule(self, today: date | None = None) -> list[ScheduleEntry]:
        """Each visible archive's disposition: transfer (deadline, status, kept copy) or disposal
        review (when)."""
        self.require(Permission.TRANSFERS)
        seen = {r.id for r in self.archive.catalog.iter_archives() if self.principal.may_see(r)}
        return [e for e in retention_schedule(self.archive, today) if e.archive_id in seen]

    def transfer_rework(self) -> list[Outcome]:
        """Visible archives the bureau refused, with its findings, oldest first."""
        self.require(Permission.TRANSFERS)
        seen = {r.id for r in self.archive.catalog.iter_archives() if self.principal.may_see(r)}
        return [o for o in rework_queue(self.archive) if o.archive_id in seen]

    def start_transfer(self, board: JobBoard, ids: Sequence[str] | None = None) -> Job:
        """Transfer ``ids`` (default: every due or overdue archive) to the configured target:
        one package per 立档单位. A unit whose review items nobody signed off yet sends nothing;
        the job's result names its batch and items (``signoff`` lists them to confirm)."""
        self.require(Permission.TRANSFER_RUN)
        target = delivery_target(self.archive)
        chosen: list[str] | None = None
        if ids:
            chosen = []
            for archive_id in ids:
                self._visible(archive_id)
                chosen.append(archive_id)
        else:
            due = [r for r in self.transfer_plan() if r.entry.status in ("due", "overdue")]
            chosen = [r.entry.archive_id for r in due]
        if not chosen:
            raise NotFoundError("no archive is due for transfer")
        archive = self.archive
        preparer = self.principal.agent

        def work() -> dict[str, object]:
            sent_batches: list[dict[str, object]] = []
            waiting: list[dict[str, object]] = []
            for unit_ids in group_by_unit(archive, chosen).values():
                try:
                    sent = run_transfer(archive, target, unit_ids, preparer=preparer)
                except SignOffNeededError as exc:
                    waiting.append(
                        {
                            "batch_id": exc.batch_id,
                            "items": [
                                {"id": i, "review": [f"{r.item} {r.code}" for r in items]}
                                for i, items in exc.needs
                            ],
                        }
                    )
                    continue
                pkg = sent.package
                sent_batches.append(
                    {
                        "batch_id": pkg.batch_id,
                        "unit": pkg.registration.sender,
                        "target": sent.delivery.target,
                        "items": [
                            {"id": i.archive_id, "archival_code": i.archival_code, "sm3": i.eep.sm3}
                            for i in pkg.items
                        ],
                        "refused": [f.as_dict() for f in pkg.refused],
                    }
                )
            return {"batches": sent_batches, "signoff_needed": waiting}

        job = board.submit("transfer", self.principal.agent, Permission.TRANSFERS, work)
        self._log("access", "transfer", "started", mode="transfer", job=job.id, items=len(chosen))
        return job

    def signoff_requests(self) -> list[SignOff]:
        """Open sign-off requests for archives the principal may see."""
        self.require(Permission.TRANSFERS)
        seen = {r.id for r in self.archive.catalog.iter_archives() if self.principal.may_see(r)}
        return [s for s in open_requests(self.archive) if s.archive_id in seen]

    def sign_off(
        self, reason: str, *, archive_ids: Sequence[str] = (), batch_id: str | None = None
    ) -> list[SignOff]:
        """Confirm open review items (by archive or batch), as this principal, with a reason."""
        self.require(Permission.TRANSFER_RUN)
        for archive_id in archive_ids:
            self._visible(archive_id)
        if batch_id is not None:
            for s in open_requests(self.archive, batch_id):
                self._visible(s.archive_id)
        done = sign_off(
            self.archive, self.principal.agent, reason, archive_ids=archive_ids, batch_id=batch_id
        )
        for s in done:
            self._log("access", s.archive_id, "signed_off", mode="transfer", batch=s.batch_id)
        return done

    def accept_receipt(self, data: bytes, receiver_key_pem: str) -> Receipt:
        """Verify the bureau's signed receipt against ``receiver_key_pem`` and record it (as
        ``earchive transfer receipt`` does); raises ``transfer.ReceiptError`` / ``LedgerError``."""
        self.require(Permission.TRANSFER_RUN)
        work = self.archive.home / "work"
        work.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=work, prefix="receipt-") as tmp:
            path = Path(tmp) / "receipt.json"
            path.write_bytes(data)
            receipt = accept_receipt(self.archive, path, receiver_key_pem)
        self._log("access", receipt.batch_id, receipt.code, mode="receipt")
        return receipt

    # -- reminders -----------------------------------------------------------------------------
    def reminders(
        self,
        *,
        today: date | None = None,
        horizon_days: int = 90,
        since: datetime | None = None,
        kinds: Sequence[str] | None = None,
    ) -> list[Reminder]:
        """What the archive owes this principal, within its fonds and clearance."""
        self.require(Permission.REMINDERS)
        return reminders(
            self.archive,
            self.principal,
            today=today,
            horizon_days=horizon_days,
            since=since,
            kinds=kinds,
        )

    # -- jobs ----------------------------------------------------------------------------------
    def job(self, board: JobBoard, job_id: str, wait: float = 0.0) -> Job:
        """A job's status; 404 for an unknown id or one the principal may not read."""
        from earchive.core.errors import JobNotFoundError

        try:
            job = board.get(job_id, wait)
        except JobNotFoundError as exc:
            raise NotFoundError(job_id) from exc
        if not self.principal.can(job.permission):
            raise NotFoundError(job_id)
        return job

"""Scheduled transfers: run, for each policy endpoint whose cron schedule has fired since its last
run, a transfer of the due archives it selects.

An endpoint's last run is its latest ``transfer_schedule`` event (object ``endpoint:<name>``); a
firing missed while nothing ran is caught up once. Archives go when ``plan`` calls them due or
overdue, the endpoint selects their fonds, category and retention class, and they are not in a batch
still waiting for its receipt; one package per 立档单位, and a unit whose review items nobody signed
off yet waits (``signoff_needed``, its batch named) while the others go. Used by ``earchive transfer
run --scheduled`` and by the ``transfer_scheduled`` task that Celery beat fires per endpoint. Raises
``PolicyError``; a failing endpoint is recorded and reported, the others still run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from earchive.core.archive import Archive
from earchive.core.errors import ConfigurationError
from earchive.services.transfer.sender import (
    SignOffNeededError,
    group_by_unit,
    plan,
    run_transfer,
)
from package.errors import PackageError
from preservation.events import Event, EventLog
from transfer import TransferError, TransferLedger, TransferPolicy
from transfer.endpoints import Endpoint, due_endpoints, zone

__all__ = ["ScheduledRun", "due_archives", "last_runs", "run_scheduled"]

ACTION = "transfer_schedule"
_PREFIX = "endpoint:"


@dataclass(frozen=True)
class ScheduledRun:
    endpoint: str
    fired: datetime
    status: str  # sent | nothing_due | signoff_needed | failed
    batch_id: str = ""
    archives: int = 0
    error: str = ""

    def as_dict(self) -> dict[str, object]:
        return {
            "endpoint": self.endpoint,
            "fired": self.fired.isoformat(),
            "status": self.status,
            "batch_id": self.batch_id,
            "archives": self.archives,
            "error": self.error,
        }


def last_runs(archive: Archive) -> dict[str, datetime]:
    """Each endpoint's latest scheduled run (its firing time) from the event log."""
    out: dict[str, datetime] = {}
    for event in EventLog(archive.writer).iter_events(object_prefix=_PREFIX):
        if event.action == ACTION:
            fired = datetime.fromisoformat(str(event.detail.get("fired", event.at.isoformat())))
            name = event.object.removeprefix(_PREFIX)
            out[name] = max(out.get(name, fired), fired)
    return out


def due_archives(
    archive: Archive, endpoint: Endpoint, now: datetime, exclude: Iterable[str] = ()
) -> list[str]:
    """Ids due or overdue on ``now``'s date that ``endpoint`` selects, minus ``exclude``."""
    skip = set(exclude)
    ids = []
    for entry in plan(archive, today=now.date()):
        if entry.status not in ("due", "overdue") or entry.archive_id in skip:
            continue
        record = archive.catalog.get(entry.archive_id)
        if record is not None and endpoint.selects(
            record.fonds_identifier, record.category, record.retention
        ):
            ids.append(entry.archive_id)
    return sorted(ids)


def _run_one(
    archive: Archive, endpoint: Endpoint, fired: datetime, now: datetime
) -> list[ScheduledRun]:
    """One transfer package per 立档单位 among the due archives."""
    ids = due_archives(archive, endpoint, now, TransferLedger(archive.writer).in_flight())
    if not ids:
        return [ScheduledRun(endpoint.name, fired, "nothing_due")]
    runs = []
    for unit_ids in group_by_unit(archive, ids).values():
        try:
            sent = run_transfer(
                archive,
                endpoint.target,
                unit_ids,
                receiver=endpoint.receiver,
                endpoint=endpoint.name,
                form=endpoint.form,
            )
        except SignOffNeededError as exc:
            runs.append(
                ScheduledRun(
                    endpoint.name, fired, "signoff_needed", exc.batch_id, len(unit_ids), str(exc)
                )
            )
            continue
        except (TransferError, PackageError, ConfigurationError, OSError) as exc:
            runs.append(
                ScheduledRun(endpoint.name, fired, "failed", archives=len(unit_ids), error=str(exc))
            )
            continue
        batch = sent.package.batch_id
        runs.append(ScheduledRun(endpoint.name, fired, "sent", batch, len(unit_ids)))
    return runs


def run_scheduled(
    archive: Archive,
    *,
    now: datetime | None = None,
    policy: TransferPolicy | None = None,
    only: str = "",
) -> list[ScheduledRun]:
    """Run every endpoint that is due at ``now`` (default: the archive's clock); ``only`` limits
    it to one endpoint name. Each run is a ``transfer_schedule`` event."""
    policy = policy or TransferPolicy.load()
    at = (now or archive.clock()).astimezone(zone(policy.schedule_timezone))
    endpoints = [e for e in policy.endpoints if not only or e.name == only]
    runs = []
    for endpoint, fired in due_endpoints(endpoints, at, last_runs(archive)):
        for run in _run_one(archive, endpoint, fired, at):
            detail = {k: str(v) for k, v in run.as_dict().items() if v not in ("", 0)}
            archive.events.record(
                Event(
                    archive.settings.agent,
                    ACTION,
                    _PREFIX + endpoint.name,
                    run.status,
                    archive.clock(),
                    detail,
                )
            )
            runs.append(run)
    return runs

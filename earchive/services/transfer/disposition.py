"""The retention schedule: how each archive ends — transfer to the bureau or disposal review.

Per archive: retention class, formation year, retention end (1 January of the year after the
archiving year plus the period; none for 永久), and the disposition outcome the transfer policy
gives its class (``standards/data/transfer-policy.json``: ``disposition_by_retention``, e.g.
永久 and 30 年 go to the bureau, 10 年 end in disposal review): for ``transfer`` the deadline and
status of the transfer plan and, once transferred, until when the copy here is kept; for
``disposal_review`` the day the review is due. An archive the bureau took in by transfer
(status ``received``) stays there: disposal review at its end (never for 永久).
``disposal_not_before`` is the guard of
``earchive.core.disposal``: never before the retention end nor, for a transferred archive, before
the
end of its kept-copy period. The CLI (``earchive retention schedule``) and the API call
``retention_schedule``. Reads the catalog and the transfer ledger; writes nothing. Raises
``transfer.PolicyError`` for an unreadable policy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from earchive.core.archive import Archive
from earchive.services.transfer.sender import plan
from standards.retention import disposal_date, disposal_not_before, retention_years
from transfer import DISPOSAL_REVIEW, TRANSFER, TransferPolicy

__all__ = ["ScheduleEntry", "retention_schedule"]


@dataclass(frozen=True)
class ScheduleEntry:
    archive_id: str
    archival_code: str
    retention: str  # Y | D30 | D10 …
    retention_years: int | None  # None: 永久
    formation_year: int
    retention_end: date | None  # the first day after the period; None: 永久
    outcome: str  # transfer | disposal_review
    transfer_deadline: date | None  # outcome transfer (or sent anyway)
    transfer_status: str | None  # overdue | due | not_due | transferred | rework | received
    kept_until: date | None  # transferred: the copy here is kept at least until then
    disposal_review: date | None  # outcome disposal_review: when the review is due
    disposal_not_before: date | None  # never disposable here before; None: never (永久)

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.archive_id,
            "archival_code": self.archival_code,
            "retention": self.retention,
            "retention_years": self.retention_years,
            "formation_year": self.formation_year,
            "retention_end": self.retention_end,
            "outcome": self.outcome,
            "transfer_deadline": self.transfer_deadline,
            "transfer_status": self.transfer_status,
            "kept_until": self.kept_until,
            "disposal_review": self.disposal_review,
            "disposal_not_before": self.disposal_not_before,
        }


def retention_schedule(archive: Archive, today: date | None = None) -> list[ScheduleEntry]:
    """Every archive's disposition under the shipped policy, as of ``today`` (default: the
    archive's clock)."""
    policy = TransferPolicy.load()
    planned = {e.archive_id: e for e in plan(archive, today)}
    out = []
    for record in archive.catalog.iter_archives():
        entry = planned.get(record.id)
        if entry is None:  # ingested between the two reads
            continue
        years = retention_years(record.retention)
        end = disposal_date(record.year, years)
        guard = disposal_not_before(record.year, years, entry.kept_until)
        received = entry.status == "received"  # the bureau's side: it stays here
        outcome = DISPOSAL_REVIEW if received else policy.disposition(record.retention)
        sent = entry.status in ("transferred", "rework")
        out.append(
            ScheduleEntry(
                archive_id=record.id,
                archival_code=record.archival_code,
                retention=record.retention,
                retention_years=years,
                formation_year=record.year,
                retention_end=None if end is None else end.date(),
                outcome=outcome,
                transfer_deadline=entry.deadline if outcome == TRANSFER or sent else None,
                transfer_status=entry.status if outcome == TRANSFER or sent or received else None,
                kept_until=entry.kept_until,
                disposal_review=(
                    None if guard is None or outcome != DISPOSAL_REVIEW else guard.date()
                ),
                disposal_not_before=None if guard is None else guard.date(),
            )
        )
    return out

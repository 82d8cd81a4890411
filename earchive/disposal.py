"""Object Lock until each archive's disposal date (永久: legal hold) on S3 storage.

Ingest declares, before it stores a version, the object's retention: the archive is kept until
1 January of the year after its archiving year plus its retention period (DA/T: periods count
from the year after archiving), and a permanent (永久, ``Y``) archive gets a legal hold. The S3
store asks ``until(key)`` / ``hold(key)`` for every object version it writes; keys outside any
declared object (the storage root's own files) get the default number of days.

``disposal_not_before`` is the guard the disposal side applies: a transferred archive is not
disposable here before the end of its kept-copy period either (the sender keeps its copy at least
5 years after the bureau accepted it), and a lock date is only ever extended by it, never
shortened.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

__all__ = ["DisposalLocks", "disposal_date", "disposal_not_before"]


def disposal_date(year: int, retention_years: int | None) -> datetime | None:
    """When a record of archiving ``year`` may be appraised for disposal; None for 永久."""
    if retention_years is None:
        return None
    return datetime(year + 1 + retention_years, 1, 1, tzinfo=UTC)


def disposal_not_before(
    year: int, retention_years: int | None, kept_until: date | None = None
) -> datetime | None:
    """The first moment this archive may be disposed of here: its retention end, and for a
    transferred archive not before its kept-copy date; None for 永久 (never)."""
    end = disposal_date(year, retention_years)
    if end is None or kept_until is None:
        return end
    return max(end, datetime(kept_until.year, kept_until.month, kept_until.day, tzinfo=UTC))


class DisposalLocks:
    """Object root → (retain-until, legal hold), declared per archive by the ingest pipeline."""

    def __init__(self, default_days: int, clock: Callable[[], datetime]) -> None:
        self.default_days = default_days
        self.clock = clock
        self._declared: dict[str, tuple[datetime | None, bool]] = {}
        self._lock = threading.Lock()

    def declare(self, object_root: str, until: datetime | None, hold: bool) -> None:
        with self._lock:
            self._declared[object_root.rstrip("/") + "/"] = (until, hold)

    def _lookup(self, key: str) -> tuple[datetime | None, bool] | None:
        with self._lock:
            for prefix, value in self._declared.items():
                if key.startswith(prefix):
                    return value
        return None

    def until(self, key: str) -> datetime | None:
        """The declared disposal date (never in the past: at least one day ahead), else default."""
        now = self.clock()
        declared = self._lookup(key)
        if declared is None:
            return now + timedelta(days=self.default_days)
        until, hold = declared
        if until is None:  # permanent: the legal hold keeps it; a date is not needed
            return None if hold else now + timedelta(days=self.default_days)
        return max(until, now + timedelta(days=1))

    def hold(self, key: str) -> bool:
        declared = self._lookup(key)
        return bool(declared and declared[1])

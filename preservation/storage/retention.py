"""``RetentionPolicy``: the S3 Object Lock settings put on every object version ``S3Store`` writes.

Mode is always COMPLIANCE (no account, root included, can shorten it or delete the version).
The retain-until date comes from a callable per key (the disposal date of the archive the key
belongs to) or from a default number of days; 永久 records get a legal hold instead of, or beside,
a date. Time is injected (``clock``). Reads/writes nothing; raises ``StorageError``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .errors import StorageError

__all__ = ["COMPLIANCE", "RetentionPolicy"]

COMPLIANCE = "COMPLIANCE"


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class RetentionPolicy:
    """Object Lock for each version written: ``until(key)`` and ``hold(key)``.

    ``retain_until(key)`` wins over ``days``; either may give ``None`` (no retention date).
    ``legal_hold`` is a fixed flag or a callable per key.
    """

    days: int | None = None
    retain_until: Callable[[str], datetime | None] | None = None
    legal_hold: bool | Callable[[str], bool] = False
    clock: Callable[[], datetime] = _utc_now

    def __post_init__(self) -> None:
        if self.days is not None and self.days < 1:
            raise StorageError(f"retention days must be at least 1, not {self.days}")

    def until(self, key: str) -> datetime | None:
        """The retain-until date (aware, UTC) for a new version of ``key``, or ``None``."""
        if self.retain_until is not None:
            date = self.retain_until(key)
        elif self.days is not None:
            date = self.clock() + timedelta(days=self.days)
        else:
            return None
        if date is None:
            return None
        if date.tzinfo is None or date.utcoffset() is None:
            raise StorageError(f"retain-until date for {key!r} must be timezone-aware")
        if date <= self.clock():
            raise StorageError(f"retain-until date for {key!r} is not in the future: {date}")
        return date.astimezone(UTC)

    def hold(self, key: str) -> bool:
        """True if a new version of ``key`` gets a legal hold (permanent records)."""
        return self.legal_hold(key) if callable(self.legal_hold) else self.legal_hold

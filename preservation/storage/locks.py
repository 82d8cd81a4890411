"""Object Lock until each archive's disposal date (永久: legal hold), declared per archive.

Ingest declares, before it stores a version, the object's retention (``standards.retention.
disposal_date``: 1 January of the year after its archiving year plus its retention period; a
permanent archive gets a legal hold). The S3 store asks ``until(key)`` / ``hold(key)`` for every
object version it writes (``RetentionPolicy``); keys outside any declared object (the storage
root's own files) get the default number of days.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

__all__ = ["DisposalLocks"]


class DisposalLocks:
    """Object root → (retain-until, legal hold), declared per archive by the ingest pipeline.

    A declaration is needed while that archive's version is written, just after it is made;
    the most recent ``keep`` are remembered (a long ingest run must not grow with every archive),
    and a key is looked up by its folder prefixes, not by a scan of every declared root.
    """

    def __init__(self, default_days: int, clock: Callable[[], datetime], keep: int = 4096) -> None:
        self.default_days = default_days
        self.clock = clock
        self.keep = keep
        self._declared: OrderedDict[str, tuple[datetime | None, bool]] = OrderedDict()
        self._lock = threading.Lock()

    def declare(self, object_root: str, until: datetime | None, hold: bool) -> None:
        root = object_root.rstrip("/") + "/"
        with self._lock:
            self._declared[root] = (until, hold)
            self._declared.move_to_end(root)
            while len(self._declared) > self.keep:
                self._declared.popitem(last=False)

    def _lookup(self, key: str) -> tuple[datetime | None, bool] | None:
        with self._lock:
            end = key.find("/")
            while end != -1:
                found = self._declared.get(key[: end + 1])
                if found is not None:
                    return found
                end = key.find("/", end + 1)
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

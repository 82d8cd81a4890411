"""Working days (工作日) in mainland China and the "one working day" deadline.

A day is a working day when it is Monday to Friday and not an official holiday, or when it is a
make-up working day (调休上班). Holidays and make-up days come from ``data/workday-calendar.tsv``,
transcribed from the State Council's yearly notices (国务院办公厅关于<年>年部分节假日安排的通知); a
year without rows there falls back to weekends only (``WorkCalendar.covers`` tells which).

Deadlines are counted as Chinese administrative periods are: from the day after the start, and a
period ends at the end (24:00, China Standard Time) of its last working day.

Reads: ``data/workday-calendar.tsv`` (``WorkCalendar.load``). Pure otherwise. Raises:
``DataFileError`` for a malformed table.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from standards.datafiles import read_tsv
from standards.errors import DataFileError

__all__ = ["CALENDAR_FILE", "CHINA_TZ", "WorkCalendar"]

CALENDAR_FILE = "workday-calendar.tsv"
CHINA_TZ = timezone(timedelta(hours=8))


@dataclass(frozen=True)
class WorkCalendar:
    """Holidays and make-up working days; every other date follows the Monday-Friday rule."""

    holidays: frozenset[date] = frozenset()
    workdays: frozenset[date] = frozenset()

    @classmethod
    def load(cls, name: str = CALENDAR_FILE) -> WorkCalendar:
        """The shipped calendar; raises ``DataFileError`` on an unknown kind or a bad date."""
        holidays: set[date] = set()
        workdays: set[date] = set()
        for row in read_tsv(name):
            try:
                day = date.fromisoformat(row["date"])
            except (KeyError, ValueError) as exc:
                raise DataFileError(f"{name}: bad date in row {row!r}") from exc
            kind = row.get("kind", "")
            if kind == "holiday":
                holidays.add(day)
            elif kind == "workday":
                workdays.add(day)
            else:
                raise DataFileError(f"{name}: unknown kind {kind!r} for {day}")
        if holidays & workdays:
            raise DataFileError(f"{name}: a date is both holiday and workday")
        return cls(frozenset(holidays), frozenset(workdays))

    @property
    def years(self) -> frozenset[int]:
        """The years the table covers (others count weekends only)."""
        return frozenset(d.year for d in self.holidays | self.workdays)

    def covers(self, day: date) -> bool:
        return day.year in self.years

    def is_workday(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    def next_workdays(self, after: date) -> Iterable[date]:
        """The working days after ``after``, in order (endless)."""
        day = after
        while True:
            day += timedelta(days=1)
            if self.is_workday(day):
                yield day

    def deadline(self, start: datetime, working_days: int = 1) -> datetime:
        """End (24:00 China Standard Time) of the ``working_days``-th working day after the
        (China Standard Time) date of ``start``; ``start`` must be timezone-aware."""
        if start.tzinfo is None or working_days < 1:
            raise ValueError("start must be aware and working_days at least 1")
        days = self.next_workdays(start.astimezone(CHINA_TZ).date())
        last = next(d for i, d in enumerate(days, start=1) if i == working_days)
        return datetime.combine(last + timedelta(days=1), time(0), tzinfo=CHINA_TZ)

    def overdue(self, start: datetime, now: datetime, working_days: int = 1) -> bool:
        """Whether more than ``working_days`` working days have passed since ``start``."""
        return now >= self.deadline(start, working_days)

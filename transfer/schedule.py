"""Cron-style schedules (``minute hour day-of-month month day-of-week``) for transfer runs.

Each field is ``*``, a number, a range ``a-b``, a step ``*/n`` or ``a-b/n``, or a comma list of
these; day-of-week 0-7 (0 and 7 are Sunday). Month and weekday names are not supported, and an
expression restricting both day-of-month and day-of-week is refused (classic cron ORs them,
Celery's ``crontab`` ANDs them: we do not guess). Times are read in the zone of the datetime
asked about. Pure: reads and writes nothing. Raises ``PolicyError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from standards.digits import is_ascii_digits

from .errors import PolicyError

__all__ = ["CronSchedule"]

_FIELDS = (
    ("minute", 0, 59),
    ("hour", 0, 23),
    ("day of month", 1, 31),
    ("month", 1, 12),
    ("day of week", 0, 7),
)
_LOOKBACK_DAYS = 366 * 4 + 1  # far enough back for "29 February" schedules


def _number(text: str, name: str, low: int, high: int) -> int:
    if not is_ascii_digits(text) or not low <= int(text) <= high:
        raise PolicyError(f"cron {name}: {text!r} is not a number {low}-{high}")
    return int(text)


def _field(text: str, name: str, low: int, high: int) -> frozenset[int]:
    values: set[int] = set()
    for part in text.split(","):
        span, _, step_text = part.partition("/")
        step = _number(step_text, name + " step", 1, high) if step_text else 1
        if span == "*":
            first, last = low, high
        elif "-" in span:
            a, _, b = span.partition("-")
            first, last = _number(a, name, low, high), _number(b, name, low, high)
            if first > last:
                raise PolicyError(f"cron {name}: empty range {span!r}")
        else:
            first = _number(span, name, low, high)
            last = high if step_text else first
        values.update(range(first, last + 1, step))
    return frozenset(values)


@dataclass(frozen=True)
class CronSchedule:
    expression: str
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]  # 0 = Sunday … 6 = Saturday

    @classmethod
    def parse(cls, expression: str) -> CronSchedule:
        parts = expression.split()
        if len(parts) != 5:
            raise PolicyError(f"cron expression needs 5 fields, not {len(parts)}: {expression!r}")
        fields = [_field(p, *spec) for p, spec in zip(parts, _FIELDS, strict=True)]
        if parts[2] != "*" and parts[4] != "*":
            raise PolicyError(
                f"cron: restrict day of month or day of week, not both: {expression!r}"
            )
        weekdays = frozenset(d % 7 for d in fields[4])
        return cls(" ".join(parts), fields[0], fields[1], fields[2], fields[3], weekdays)

    def celery_fields(self) -> dict[str, str]:
        """Keyword arguments for ``celery.schedules.crontab`` firing at the same times."""
        minute, hour, dom, month, dow = self.expression.split()
        return {
            "minute": minute,
            "hour": hour,
            "day_of_month": dom,
            "month_of_year": month,
            "day_of_week": dow,
        }

    def _day(self, day: date) -> bool:
        return (
            day.month in self.months
            and day.day in self.days
            and day.isoweekday() % 7 in self.weekdays
        )

    def matches(self, at: datetime) -> bool:
        """Whether the schedule fires in the minute of ``at``."""
        return self._day(at.date()) and at.hour in self.hours and at.minute in self.minutes

    def previous(self, now: datetime) -> datetime | None:
        """The latest firing time at or before ``now`` (same zone), or ``None`` within 4 years."""
        today = now.date()
        for back in range(_LOOKBACK_DAYS):
            day = today - timedelta(days=back)
            if not self._day(day):
                continue
            for hour in sorted(self.hours, reverse=True):
                if back == 0 and hour > now.hour:
                    continue
                for minute in sorted(self.minutes, reverse=True):
                    if back == 0 and hour == now.hour and minute > now.minute:
                        continue
                    return datetime.combine(day, time(hour, minute), tzinfo=now.tzinfo)
        return None

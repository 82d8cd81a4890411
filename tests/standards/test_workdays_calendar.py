"""Working days and the one-working-day deadline, with the State Council holiday table."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from standards.errors import DataFileError
from standards.workdays import CHINA_TZ, WorkCalendar

CAL = WorkCalendar.load()


def at(y: int, m: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=CHINA_TZ)


def test_table_covers_the_transcribed_notices() -> None:
    assert {2025, 2026} <= CAL.years
    assert not CAL.covers(date(2030, 1, 1))
    assert not CAL.is_workday(date(2026, 10, 1))  # 国庆节
    assert not CAL.is_workday(date(2026, 2, 23))  # 春节, a Monday
    assert CAL.is_workday(date(2026, 1, 4))  # Sunday make-up working day (元旦调休)
    assert CAL.is_workday(date(2026, 10, 10))  # Saturday make-up working day
    assert not CAL.is_workday(date(2026, 11, 21)) and CAL.is_workday(date(2026, 11, 23))
    # the notices' day counts (共…天) and make-up days, year by year
    per_year = {y: sum(1 for d in CAL.holidays if d.year == y) for y in (2025, 2026)}
    assert per_year == {2025: 1 + 8 + 3 + 5 + 3 + 8, 2026: 3 + 9 + 3 + 5 + 3 + 3 + 7}
    assert sorted(d.isoformat() for d in CAL.workdays if d.year == 2026) == [
        "2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"
    ]  # fmt: skip
    assert len([d for d in CAL.workdays if d.year == 2025]) == 5


@pytest.mark.parametrize(
    ("entered", "not_yet", "overdue"),
    [
        # Friday evening: Saturday is not overdue, Monday is its working day, Tuesday overdue
        (at(2026, 11, 20, 20), at(2026, 11, 21, 12), at(2026, 11, 24, 9)),
        (at(2026, 11, 20, 20), at(2026, 11, 23, 23, 59), at(2026, 11, 24, 0)),
        # before the National Day week: the next working day is 8 October
        (at(2026, 9, 30, 10), at(2026, 10, 8, 18), at(2026, 10, 9, 0)),
        # a holiday Saturday: the Sunday make-up day counts
        (at(2026, 1, 3, 10), at(2026, 1, 4, 23), at(2026, 1, 5, 0)),
        # a Monday morning: one full working day (Tuesday) after the day of entry
        (at(2026, 11, 23, 9), at(2026, 11, 24, 17), at(2026, 11, 25, 0)),
    ],
)
def test_one_working_day(entered: datetime, not_yet: datetime, overdue: datetime) -> None:
    assert not CAL.overdue(entered, not_yet)
    assert CAL.overdue(entered, overdue)


def test_day_of_entry_is_taken_in_china_standard_time() -> None:
    # 16:30 UTC on Friday is 00:30 on Saturday in Beijing: the next working day is Monday
    friday_utc = datetime(2026, 11, 20, 16, 30, tzinfo=UTC)
    assert CAL.deadline(friday_utc) == at(2026, 11, 24)
    assert CAL.deadline(at(2026, 11, 20, 23, 59), working_days=2) == at(2026, 11, 25)


def test_weekends_only_without_a_table() -> None:
    bare = WorkCalendar()
    assert bare.is_workday(date(2026, 10, 1)) and not bare.is_workday(date(2026, 10, 3))
    assert bare.deadline(at(2026, 11, 20, 20)) == at(2026, 11, 24)
    with pytest.raises(ValueError):
        bare.deadline(datetime(2026, 11, 20, 20))  # naive
    days = bare.next_workdays(date(2026, 11, 20))
    assert [next(days) for _ in range(3)] == [
        date(2026, 11, 23),
        date(2026, 11, 24),
        date(2026, 11, 25),
    ]


def test_a_malformed_table_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import standards.workdays as workdays

    monkeypatch.setattr(
        workdays, "read_tsv", lambda name: ({"date": "2026-13-01", "kind": "holiday"},)
    )
    with pytest.raises(DataFileError):
        WorkCalendar.load()
    monkeypatch.setattr(
        workdays, "read_tsv", lambda name: ({"date": "2026-12-01", "kind": "vacation"},)
    )
    with pytest.raises(DataFileError):
        WorkCalendar.load()

"""The event log is append-only in effect: any edit, deletion or reordering breaks the chain."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import create_engine, text

from preservation.events import Event, EventLog, verify_chain
from standards.finding import Status

T0 = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture
def log(tmp_path: object) -> EventLog:
    engine = create_engine(f"sqlite:///{tmp_path}/events.db")
    log = EventLog(engine)
    log.create_schema()
    for i in range(5):
        log.record(
            Event("tester", "ingest", f"obj-{i}", "accepted", T0 + timedelta(seconds=i), {"n": i})
        )
    return log


def _codes(log: EventLog) -> list[str]:
    return [f.code for f in verify_chain(list(log.iter_events()))]


def test_intact_chain_passes_and_links(log: EventLog) -> None:
    events = list(log.iter_events())
    assert [e.seq for e in events] == [1, 2, 3, 4, 5]
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    findings = verify_chain(events)
    assert [(f.code, f.status) for f in findings] == [("EVENT_LOG_INTACT", Status.PASS)]
    assert log.head() is not None and log.head().hash == events[-1].hash  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("UPDATE events SET outcome='refused' WHERE seq=3", "EVENT_LOG_TAMPERED"),
        ("UPDATE events SET detail='{\"n\": 99}' WHERE seq=2", "EVENT_LOG_TAMPERED"),
        ("DELETE FROM events WHERE seq=3", "EVENT_LOG_GAP"),
    ],
)
def test_edit_or_delete_is_detected(log: EventLog, sql: str, expected: str) -> None:
    with log.engine.begin() as conn:
        conn.execute(text(sql))
    codes = _codes(log)
    assert expected in codes
    assert "EVENT_LOG_INTACT" not in codes


def test_deleting_and_rechaining_one_entry_still_breaks_the_next_link(log: EventLog) -> None:
    with log.engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE seq=2"))
        conn.execute(text("UPDATE events SET seq=2 WHERE seq=3"))
    assert "EVENT_LOG_BROKEN" in _codes(log)


def test_times_are_stored_in_utc_and_round_trip(log: EventLog) -> None:
    east8 = datetime(2026, 5, 1, 9, 0, tzinfo=UTC).astimezone(
        __import__("datetime").timezone(timedelta(hours=8))
    )
    ev = log.record(Event("tester", "export", "obj-x", "success", east8, {}))
    again = next(iter(log.iter_events(after_seq=ev.seq - 1)))
    assert again.at == east8 and again.hash == ev.hash
    assert _codes(log) == ["EVENT_LOG_INTACT"]

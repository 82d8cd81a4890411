"""Contract: 档号 counters, the ingest journal, the index queue and the event log behave the
same on SQLite and on PostgreSQL, including under concurrent writers."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from ingest import counters, journal
from ingest.indexing import dequeue, queue_for_indexing, queued
from preservation.events import Event, EventLog, verify_chain
from tests.catalog.conftest import Backend

CST = timezone(timedelta(hours=8))
KEY_A, KEY_B = "Z004-WS·2024-Y-GHK", "Z004-WS·2024-D30-GHK"


def test_counters_count_per_class(backend: Backend) -> None:
    with backend.writer.begin() as conn:
        first = [counters.allocate_item_number(conn, KEY_A) for _ in range(3)]
        other = counters.allocate_item_number(conn, KEY_B)
    assert first == [1, 2, 3] and other == 1
    with backend.engine.connect() as conn:
        assert counters.current_counters(conn) == {KEY_A: 3, KEY_B: 1}


def test_a_rolled_back_allocation_hands_the_number_out_again(backend: Backend) -> None:
    with pytest.raises(RuntimeError), backend.writer.begin() as conn:
        assert counters.allocate_item_number(conn, KEY_A) == 1
        raise RuntimeError("crash before the journal row")
    with backend.writer.begin() as conn:
        assert counters.allocate_item_number(conn, KEY_A) == 1


def test_set_counter_at_least_never_lowers(backend: Backend) -> None:
    with backend.writer.begin() as conn:
        counters.set_counter_at_least(conn, KEY_A, 7)
        counters.set_counter_at_least(conn, KEY_A, 4)
        counters.set_counter_at_least(conn, KEY_B, 2)
    with backend.writer.begin() as conn:
        assert counters.current_counters(conn) == {KEY_A: 7, KEY_B: 2}
        assert counters.allocate_item_number(conn, KEY_A) == 8


def test_concurrent_allocation_gives_no_duplicate_and_no_gap(backend: Backend) -> None:
    def take(_: int) -> list[int]:
        got = []
        for _ in range(15):
            with backend.writer.begin() as conn:
                got.append(counters.allocate_item_number(conn, KEY_A))
        return got

    with ThreadPoolExecutor(max_workers=4) as pool:
        numbers = [n for batch in pool.map(take, range(4)) for n in batch]
    assert sorted(numbers) == list(range(1, 61))


def entry(n: int, state: str = "allocated", version: int = 1) -> journal.JournalEntry:
    return journal.JournalEntry(
        ingest_id=f"ingest-{n}-{version}",
        archive_id=f"Z004-erc-{n}",
        fonds_identifier="Z004",
        electronic_record_code=f"erc-{n}",
        package_sha256=f"{n:064d}",
        archival_code=f"{KEY_A}-{n:04d}",
        item_number=n,
        version=version,
        state=state,
        work_dir=f"work/ingest-{n}",
        source=f"案卷-{n}.zip",
        ingested_at=datetime(2024, 6, 1, 8, n, 30, 250000, tzinfo=CST),
    )


def test_journal_moves_forward_and_lists_what_is_pending(backend: Backend) -> None:
    with backend.writer.begin() as conn:
        for n in (2, 1, 3):
            journal.add(conn, entry(n))
        journal.set_state(conn, "ingest-3-1", "done")
        journal.add(conn, entry(1, version=2))
    with backend.writer.begin() as conn:
        pending = journal.pending(conn)
        assert [e.ingest_id for e in pending] == ["ingest-1-1", "ingest-1-2", "ingest-2-1"]
        assert pending[0] == entry(1)  # aware time back, to the microsecond
        assert pending[0].ingested_at.tzinfo is not None
        assert journal.find_open(conn, "Z004-erc-2", f"{2:064d}") == entry(2)
        assert journal.find_open(conn, "Z004-erc-3", f"{3:064d}") is None  # done
        latest = journal.latest_version(conn, "Z004-erc-1")
        assert latest is not None and latest.version == 2
        assert journal.latest_version(conn, "Z004-erc-9") is None
        with pytest.raises(ValueError):
            journal.set_state(conn, "ingest-1-1", "finished")


def test_journal_refuses_a_second_row_for_the_same_version(backend: Backend) -> None:
    with backend.writer.begin() as conn:
        journal.add(conn, entry(1))
    with pytest.raises(IntegrityError), backend.writer.begin() as conn:
        journal.add(conn, journal.JournalEntry(**{**entry(1).__dict__, "ingest_id": "other"}))


def test_index_queue(backend: Backend) -> None:
    with backend.writer.begin() as conn:
        queue_for_indexing(conn, "Z004-a")
        queue_for_indexing(conn, "Z004-a")
        queue_for_indexing(conn, "Z004-b")
    assert sorted(queued(backend.writer)) == ["Z004-a", "Z004-b"]
    with backend.writer.begin() as conn:
        dequeue(conn, "Z004-a")
    assert queued(backend.writer) == ["Z004-b"]


def _event(i: int) -> Event:
    at = datetime(2024, 6, 1, tzinfo=UTC) + timedelta(seconds=i)
    return Event("earchive", "ingest", f"Z004-erc-{i}", "accepted", at, {"档号": f"{i:04d}"})


def test_event_chain_is_linear_and_verifiable(backend: Backend) -> None:
    log = EventLog(backend.writer)
    written = [log.record(_event(i)) for i in range(5)]
    assert [e.seq for e in written] == sorted(e.seq for e in written)
    read = list(log.iter_events())
    assert [e.hash for e in read] == [e.hash for e in written]
    assert read[2].detail == {"档号": "0002"} and read[2].at == _event(2).at
    assert [f.code for f in verify_chain(read)] == ["EVENT_LOG_INTACT"]
    head = log.head()
    assert head is not None and head.hash == written[-1].hash
    with backend.writer.begin() as conn:
        tamper = text("UPDATE events SET outcome = 'refused' WHERE seq = :s")
        conn.execute(tamper, {"s": written[2].seq})
    codes = {f.code for f in verify_chain(list(log.iter_events()))}
    assert "EVENT_LOG_TAMPERED" in codes


def test_concurrent_event_writers_keep_one_chain(backend: Backend) -> None:
    log = EventLog(backend.writer)

    def write(worker: int) -> None:
        for i in range(10):
            log.record(_event(worker * 100 + i))

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(write, range(4)))
    events = list(log.iter_events())
    assert len(events) == 40
    assert [f.code for f in verify_chain(events)] == ["EVENT_LOG_INTACT"]

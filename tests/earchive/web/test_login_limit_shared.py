"""The login rate limit is one limit for every API worker process sharing the catalog: failures
counted by app A lock on app B, the lock lifts on the fixed clock for both, and failures recorded
at the same time by several threads on two engines (as two processes would) lose no count and
start exactly one lockout — on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from httpx import Response
from sqlalchemy import select
from sqlalchemy.engine import URL

from earchive.web.login_limit import Lockout, LoginLimiter, LoginLimits, login_failures
from tests.databases import temporary_database
from tests.earchive.web.ops_archive import TestClient
from tests.earchive.web.worker_pair import WorkerPair, worker_pair


@pytest.fixture(scope="module")
def pg_database() -> Iterator[URL]:
    with temporary_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[WorkerPair]:
    pg = request.getfixturevalue("pg_database") if request.param == "postgresql" else None
    with worker_pair(tmp_path, request.param, pg) as made:
        yield made


def _attempt(client: TestClient, user: str, password: str) -> Response:
    return client.post(
        "/login", data={"username": user, "password": password}, follow_redirects=False
    )


def test_failures_on_one_worker_lock_the_pair_on_the_other(pair: WorkerPair) -> None:
    # one address, alternating workers: only the shared count of the pair can reach 5
    on_a = TestClient(pair.a, client=("198.51.100.1", 40000))
    on_b = TestClient(pair.b, client=("198.51.100.1", 40000))
    for client in (on_a, on_b, on_a, on_b):
        assert _attempt(client, "archivist", "wrong-password").status_code == 401
    fifth = _attempt(on_a, "archivist", "wrong-password")
    assert fifth.status_code == 429 and fifth.headers["retry-after"] == "60"
    # worker B refuses the right password from that address too, before checking it
    refused = _attempt(on_b, "archivist", "archivist-password")
    assert refused.status_code == 429 and "set-cookie" not in refused.headers
    assert _attempt(on_b, "auditor", "auditor-password").status_code == 303
    elsewhere = TestClient(pair.b, client=("198.51.100.2", 40000))
    assert _attempt(elsewhere, "archivist", "archivist-password").status_code == 303
    pair.clock.advance(seconds=30)
    assert _attempt(on_b, "archivist", "archivist-password").headers["retry-after"] == "30"
    pair.clock.advance(seconds=30)  # the lock lifts on both workers at the same time
    assert _attempt(on_b, "archivist", "archivist-password").status_code == 303
    assert _attempt(on_a, "archivist", "archivist-password").status_code == 303
    for client in (on_a, on_b, elsewhere):
        client.close()


def test_a_success_on_one_worker_clears_the_pair_count_on_the_other(pair: WorkerPair) -> None:
    a = TestClient(pair.a, client=("192.0.2.1", 40000))
    b = TestClient(pair.b, client=("192.0.2.1", 40000))
    for _ in range(4):
        assert _attempt(a, "bureau", "nope").status_code == 401
    assert _attempt(b, "bureau", "bureau-password").status_code == 303
    for _ in range(4):  # the pair counts from 0 again (uncleared, the first would lock it)
        assert _attempt(b, "bureau", "nope").status_code == 401
    a.close()
    b.close()


def test_bad_tokens_on_two_workers_lock_the_address_on_both(pair: WorkerPair) -> None:
    good = {"Authorization": f"Bearer {pair.tokens['admin']}"}
    clients = [TestClient(app, client=("203.0.113.5", 40000)) for app in pair.apps]
    for i in range(20):  # a spray of made-up tokens: the address's limit
        bad = {"Authorization": f"Bearer eat_{i:016x}_{'z' * 43}"}
        assert clients[i % 2].get("/api/me", headers=bad).status_code == 401
    for client in clients:
        locked = client.get("/api/me", headers=good)
        assert locked.status_code == 429 and locked.headers["retry-after"] == str(15 * 60)
    events = list(pair.archives[1].events.iter_events(0, "login:token:"))  # one shared log
    assert [e.outcome for e in events].count("locked") == 1
    pair.clock.advance(minutes=15)
    assert all(c.get("/api/me", headers=good).status_code == 200 for c in clients)
    for client in clients:
        client.close()


def test_concurrent_failures_from_two_engines_lose_no_count(pair: WorkerPair) -> None:
    limits = LoginLimits(
        max_failures=50,
        window=timedelta(hours=1),
        lockout=timedelta(minutes=15),
        source_max_failures=50,
    )
    limiters = [
        LoginLimiter(pair.clock, limits, engine=archive.engine, writer=archive.writer)
        for archive in pair.archives
    ]
    keys = LoginLimiter.keys("target", "10.9.8.7")
    threads, each = 8, 6  # 48 failures: two short of the limit

    def fail(i: int) -> list[Lockout]:
        out: list[Lockout] = []
        for _ in range(each):
            out += limiters[i % 2].failed(keys)
        return out

    with ThreadPoolExecutor(max_workers=threads) as pool:
        started = [lock for locks in pool.map(fail, range(threads)) for lock in locks]
    assert started == []
    with pair.archives[0].engine.connect() as conn:
        rows = dict(conn.execute(select(login_failures.c.key, login_failures.c.failures)).all())
    assert {k: len(json.loads(v)["t"]) for k, v in rows.items()} == {
        k: threads * each for k in keys
    }
    assert limiters[1].locked(keys) is None

    # now cross the limit from every thread at once: exactly one lockout per key starts
    with ThreadPoolExecutor(max_workers=threads) as pool:
        started = [lock for locks in pool.map(fail, range(threads)) for lock in locks]
    assert sorted(lock.key for lock in started) == sorted(keys)
    for limiter in limiters:
        lock = limiter.locked(keys)
        assert lock is not None and lock.retry_after == 15 * 60
    pair.clock.advance(minutes=15)
    assert limiters[0].locked(keys) is None and limiters[1].locked(keys) is None


def test_old_rows_are_pruned(pair: WorkerPair) -> None:
    archive = pair.archives[1]
    limiter = LoginLimiter(pair.clock, engine=archive.engine, writer=archive.writer)
    for i in range(30):
        limiter.failed(LoginLimiter.keys(f"spray{i}", None))
    assert limiter.tracked() == 30
    pair.clock.advance(minutes=15)  # every one of those failures has left the window
    limiter.failed(LoginLimiter.keys("late", None))
    assert limiter.tracked() == 1

"""Login rate limiting on a fixed clock: 5 failures within 15 minutes lock the user name (and the
client address) for 15 minutes — the login page says so with 429 + Retry-After, bearer tokens
get a 429 problem — and the lock lifts when the clock has moved on. Failures and lockouts are
events."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from fastapi import FastAPI
from httpx import Response

from earchive.web.login_limit import LoginLimiter, LoginLimits
from tests.earchive.web.ops_archive import Clock, OpsWeb, TestClient, build_ops_web, login

PROBLEM = "application/problem+json"


@pytest.fixture(scope="module")
def ops(tmp_path_factory: pytest.TempPathFactory) -> OpsWeb:
    return build_ops_web(tmp_path_factory.mktemp("logins"))


@pytest.fixture
def app(ops: OpsWeb) -> Iterator[FastAPI]:
    app = ops.app()  # counts live in the module's catalog: each test has its own keys
    yield app
    app.state.jobs.close()


def _attempt(client: TestClient, user: str, password: str) -> Response:
    return client.post(
        "/login", data={"username": user, "password": password}, follow_redirects=False
    )


def test_limiter_counts_within_the_window_only() -> None:
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    limiter = LoginLimiter(clock, LoginLimits(max_failures=3, window=timedelta(minutes=10)))
    keys = limiter.keys("Li", "10.0.0.1")
    assert keys == ["user:li", "addr:10.0.0.1"]
    limiter.failed(keys)
    limiter.failed(keys)
    clock.advance(minutes=11)  # the first two have left the window
    assert limiter.failed(keys) == [] and limiter.locked(keys) is None
    limiter.failed(keys)
    started = limiter.failed(keys)
    assert [lock.key for lock in started] == keys and started[0].retry_after == 15 * 60
    clock.advance(minutes=14, seconds=30)
    lock = limiter.locked(["user:li"])
    assert lock is not None and lock.retry_after == 30
    clock.advance(seconds=30)
    assert limiter.locked(keys) is None
    limiter.failed(["user:li"])
    limiter.succeeded("LI")  # a good login forgets the user's failures (not the address's)
    limiter.failed(["user:li"])
    limiter.failed(["user:li"])
    assert limiter.locked(["user:li"]) is None


def test_sprayed_names_do_not_grow_the_limiter_without_bound() -> None:
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    limiter = LoginLimiter(clock)
    for i in range(40):
        limiter.failed([f"user:guess{i}"])
    clock.advance(minutes=16)  # all of those have left the window
    for i in range(40):
        limiter.failed([f"user:other{i}"])
    assert limiter.tracked() <= 40 + 1
    assert limiter.locked(["user:other1"]) is None


def test_five_failures_lock_the_user_for_fifteen_minutes(app: FastAPI, ops: OpsWeb) -> None:
    start = ops.archive.events.head()
    assert start is not None
    clients = [TestClient(app, client=(f"198.51.100.{i}", 40000)) for i in range(6)]
    for i in range(4):  # from different addresses: the user name is what is counted
        response = _attempt(clients[i], "archivist", "wrong-password")
        assert response.status_code == 401
    fifth = _attempt(clients[4], "archivist", "wrong-password")
    assert fifth.status_code == 429
    assert fifth.headers["retry-after"] == str(15 * 60)
    assert 'data-testid="login-locked"' in fifth.text
    assert "15" in fifth.text
    # locked: even the right password is refused, and it is not checked at all
    right = _attempt(clients[5], "archivist", "archivist-password")
    assert right.status_code == 429
    assert "set-cookie" not in right.headers
    other_user = _attempt(clients[5], "auditor", "auditor-password")
    assert other_user.status_code == 303
    ops.clock.advance(minutes=14)
    assert _attempt(clients[5], "archivist", "archivist-password").status_code == 429
    ops.clock.advance(minutes=1, seconds=1)
    assert _attempt(clients[5], "archivist", "archivist-password").status_code == 303
    events = [
        e
        for e in ops.archive.events.iter_events(start.seq or 0)
        if e.action == "login" and e.object == "login:archivist"
    ]
    assert [e.outcome for e in events] == ["failed"] * 5 + ["locked"]
    assert events[-1].detail["keys"] == ["user:archivist"]
    assert "password" not in str([e.detail for e in events])
    for c in clients:
        c.close()


def test_one_address_guessing_many_names_is_locked(app: FastAPI, ops: OpsWeb) -> None:
    sprayer = TestClient(app, client=("203.0.113.9", 40000))
    for i in range(5):
        response = _attempt(sprayer, f"guess{i}", "password123")
    assert response.status_code == 429
    # the address is locked: a right password from it is refused too, others are not affected
    assert _attempt(sprayer, "bureau", "bureau-password").status_code == 429
    elsewhere = login(app, "bureau", address="203.0.113.10")
    assert elsewhere.get("/api/me").status_code == 200
    ops.clock.advance(minutes=16)
    assert _attempt(sprayer, "bureau", "bureau-password").status_code == 303
    sprayer.close()
    elsewhere.close()


def test_bad_api_tokens_are_locked_out_with_retry_after(app: FastAPI, ops: OpsWeb) -> None:
    client = TestClient(app, client=("192.0.2.77", 40000))
    good = {"Authorization": f"Bearer {ops.tokens['admin']}"}
    assert client.get("/api/me", headers=good).status_code == 200
    for i in range(5):
        bad = {"Authorization": f"Bearer eat_{i:016x}_{'y' * 43}"}
        response = client.get("/api/me", headers=bad)
        assert response.status_code == 401  # the 5th failure locks, and is answered 401
    locked = client.get("/api/me", headers=good)
    assert locked.status_code == 429 and locked.headers["content-type"] == PROBLEM
    assert locked.headers["retry-after"] == str(15 * 60)
    assert "locked" in locked.json()["detail"]
    other = TestClient(app, client=("192.0.2.78", 40000))
    assert other.get("/api/me", headers=good).status_code == 200
    ops.clock.advance(minutes=15)
    assert client.get("/api/me", headers=good).status_code == 200
    locks = [e for e in ops.archive.events.iter_events(0, "login:token:") if e.outcome == "locked"]
    assert locks and locks[-1].detail["keys"] == ["addr:192.0.2.77"]
    client.close()
    other.close()

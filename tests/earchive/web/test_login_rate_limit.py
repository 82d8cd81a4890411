"""Login rate limiting on a fixed clock, as a stranger would try to abuse it: failures count
against the account *from that address* and against the address, never against an account
alone — so guesses from elsewhere cannot lock the owner out — and each lock of a key lasts twice
the one before. A spray of names from one address locks that address. Tokens are limited the same
way: never by their id alone. Failures and lockouts are events."""

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
    app = ops.app()  # counts live in the module's catalog: each test uses its own addresses
    yield app
    app.state.jobs.close()


def _attempt(client: TestClient, user: str, password: str) -> Response:
    return client.post(
        "/login", data={"username": user, "password": password}, follow_redirects=False
    )


def test_a_pair_locks_with_exponential_back_off() -> None:
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    limits = LoginLimits(max_failures=3, window=timedelta(minutes=10))
    limiter = LoginLimiter(clock, limits)
    keys = limiter.keys("Li", "10.0.0.1")
    assert keys == ["pair:li|10.0.0.1", "addr:10.0.0.1"]
    limiter.failed(keys)
    limiter.failed(keys)
    clock.advance(minutes=11)  # the first two have left the window
    assert limiter.failed(keys) == [] and limiter.locked(keys) is None
    limiter.failed(keys)
    started = limiter.failed(keys)
    assert [lock.key for lock in started] == ["pair:li|10.0.0.1"]
    assert started[0].retry_after == 60  # the first lock: one minute
    clock.advance(seconds=61)
    assert limiter.locked(keys) is None
    for _ in range(2):
        limiter.failed(keys)
    assert limiter.failed(keys)[0].retry_after == 120  # the second: twice as long
    clock.advance(seconds=121)
    limiter.succeeded("LI", "10.0.0.1")  # forgets the failures, not the lock history
    limiter.failed(keys)
    limiter.failed(keys)
    assert limiter.locked(keys) is None
    assert limiter.failed(keys)[0].retry_after == 240
    other = limiter.keys("li", "10.0.0.2")  # the same account from elsewhere: never locked
    assert limiter.locked(other) is None


def test_lock_lengths_are_capped() -> None:
    limits = LoginLimits()
    lengths = [limits.lock_length("pair:x|a", n) for n in range(12)]
    assert lengths[0] == timedelta(minutes=1) and lengths[3] == timedelta(minutes=8)
    assert max(lengths) == limits.max_lockout
    assert limits.lock_length("addr:a", 0) == timedelta(minutes=15)


def test_sprayed_names_do_not_grow_the_limiter_without_bound() -> None:
    clock = Clock(datetime(2026, 1, 1, tzinfo=UTC))
    limiter = LoginLimiter(clock)
    for i in range(40):
        limiter.failed([f"pair:guess{i}|-"])
    clock.advance(minutes=16)  # all of those have left the window
    for i in range(40):
        limiter.failed([f"pair:other{i}|-"])
    assert limiter.tracked() <= 40 + 1


def test_guesses_from_one_address_never_lock_the_owner_out(app: FastAPI, ops: OpsWeb) -> None:
    start = ops.archive.events.head()
    assert start is not None
    stranger = TestClient(app, client=("198.51.100.1", 40000))
    owner = TestClient(app, client=("198.51.100.2", 40000))
    for _ in range(4):
        assert _attempt(stranger, "archivist", "wrong-password").status_code == 401
    fifth = _attempt(stranger, "archivist", "wrong-password")
    assert fifth.status_code == 429 and fifth.headers["retry-after"] == "60"
    assert 'data-testid="login-locked"' in fifth.text
    # the stranger is locked for this account; the right password is not even checked there
    refused = _attempt(stranger, "archivist", "archivist-password")
    assert refused.status_code == 429 and "set-cookie" not in refused.headers
    # the owner, from another address, logs in at once
    assert _attempt(owner, "archivist", "archivist-password").status_code == 303
    ops.clock.advance(seconds=61)
    for _ in range(5):  # the stranger goes on: the next lock is twice as long
        response = _attempt(stranger, "archivist", "wrong-password")
    assert response.status_code == 429 and response.headers["retry-after"] == "120"
    assert _attempt(owner, "archivist", "archivist-password").status_code == 303
    events = [
        e
        for e in ops.archive.events.iter_events(start.seq or 0)
        if e.action == "login" and e.object == "login:archivist"
    ]
    assert [e.outcome for e in events] == ["failed"] * 5 + ["locked"] + ["failed"] * 5 + ["locked"]
    assert events[5].detail["keys"] == ["pair:archivist|198.51.100.1"]
    assert "password" not in str([e.detail for e in events])
    stranger.close()
    owner.close()


def test_one_address_spraying_names_is_locked(app: FastAPI, ops: OpsWeb) -> None:
    sprayer = TestClient(app, client=("203.0.113.9", 40000))
    limit = LoginLimits().source_max_failures
    for i in range(limit):
        response = _attempt(sprayer, f"guess{i}", "password123")
    assert response.status_code == 429 and response.headers["retry-after"] == str(15 * 60)
    # the address is locked: a right password from it is refused too, others are not affected
    assert _attempt(sprayer, "bureau", "bureau-password").status_code == 429
    elsewhere = login(app, "bureau", address="203.0.113.10")
    assert elsewhere.get("/api/me").status_code == 200
    ops.clock.advance(minutes=16)
    assert _attempt(sprayer, "bureau", "bureau-password").status_code == 303
    sprayer.close()
    elsewhere.close()


def test_bad_tokens_never_lock_a_good_token(app: FastAPI, ops: OpsWeb) -> None:
    client = TestClient(app, client=("192.0.2.77", 40000))
    good = {"Authorization": f"Bearer {ops.tokens['admin']}"}
    real_id = ops.tokens["admin"].split("_")[1]
    for i in range(6):  # wrong secrets for the real token's id, each "from" another address
        forged = {
            "Authorization": f"Bearer eat_{real_id}_{'y' * 43}",
            "X-Forwarded-For": f"10.0.0.{i}",  # no trusted proxy: ignored
        }
        assert client.get("/api/me", headers=forged).status_code in (401, 429)
    locked = client.get("/api/me", headers={"Authorization": f"Bearer eat_{real_id}_{'y' * 43}"})
    assert locked.status_code == 429 and locked.headers["content-type"] == PROBLEM
    assert "locked" in locked.json()["detail"]
    other = TestClient(app, client=("192.0.2.78", 40000))
    assert other.get("/api/me", headers=good).status_code == 200  # the owner elsewhere: fine
    locks = [e for e in ops.archive.events.iter_events(0, "login:token:") if e.outcome == "locked"]
    assert locks and locks[-1].detail["keys"] == [f"pair:token:{real_id}|192.0.2.77"]
    assert locks[-1].detail["address"] == "192.0.2.77"  # the forged header was not believed
    client.close()
    other.close()

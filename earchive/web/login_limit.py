"""Login rate limiting that a stranger cannot turn against an account's owner.

A failed login counts against two keys: the account *from that source* (``pair:<name>|<address>``)
and the source itself (``addr:<address>``). ``max_failures`` failures of a pair within ``window``
lock that pair — the account from that address only — and ``source_max_failures`` failures from
one address (any names: a spray) lock the address. Locks back off exponentially: each lock of a
key lasts twice the one before (``lockout``, ``source_lockout``; at most ``max_lockout``), for as
long as the key keeps failing before its row is forgotten. No key names an account alone, so
guesses from elsewhere never lock its owner out; while a key is locked, attempts are refused
before the password is checked (a locked pair cannot be probed) and the caller learns when to
retry. A success clears the pair's count (not the address's: one good password must not wash out
a spray of guesses). The source address is what the server saw, or what a trusted proxy says
(``EARCHIVE_TRUSTED_PROXIES``, resolved before this module: see ``earchive.web.authentication``).

State is in the catalog database (table ``login_failures``: one row per key with its failure times
in the window, the end of its lock and when the row may be forgotten), so every API worker process
sharing the catalog counts the same failures. ``failed`` reads and rewrites each key's row inside
one write transaction — SQLite ``BEGIN IMMEDIATE`` (the writer engine), PostgreSQL a row lock
(``INSERT … ON CONFLICT DO NOTHING`` then ``SELECT … FOR UPDATE``, keys locked in sorted order) —
so two processes counting a failure at once lose neither. Rows whose window and lock have passed
are pruned after each failure. Without an engine the limiter keeps its table in a private
in-memory SQLite database (one process only). The clock is injected.

Reads/writes: ``login_failures``. Raises: ``sqlalchemy.exc.SQLAlchemyError`` when the database
fails.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Connection,
    Engine,
    create_engine,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.pool import StaticPool

from earchive.core.tables import KEY_LENGTH, login_failures, metadata

__all__ = ["Lockout", "LoginLimiter", "LoginLimits", "login_failures"]


@dataclass(frozen=True)
class LoginLimits:
    """``max_failures`` of an account from one source within ``window`` → that pair locked for
    ``lockout``; ``source_max_failures`` from one source → the source locked for
    ``source_lockout``; every further lock of a key twice as long, at most ``max_lockout``."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=1)
    source_max_failures: int = 20
    source_lockout: timedelta = timedelta(minutes=15)
    max_lockout: timedelta = timedelta(hours=4)

    def rule(self, key: str) -> tuple[int, timedelta]:
        """How many failures lock ``key``, and its first lock's length."""
        if key.startswith("addr:"):
            return self.source_max_failures, self.source_lockout
        return self.max_failures, self.lockout

    def lock_length(self, key: str, strikes: int) -> timedelta:
        """The length of ``key``'s next lock after ``strikes`` earlier ones (exponential)."""
        base = self.rule(key)[1]
        return min(base * (2 ** min(strikes, 30)), max(self.max_lockout, base))


@dataclass(frozen=True)
class Lockout:
    """A key that is locked, until when, and the seconds left (for ``Retry-After``)."""

    key: str
    until: datetime
    retry_after: int


def _read_failures(text: str) -> tuple[list[datetime], int]:
    """The failure times and the number of earlier locks kept in a row's ``failures`` column
    (``{"t": [...], "n": strikes}``; a plain list is an older row without strikes)."""
    data = json.loads(text)
    if isinstance(data, list):
        return [datetime.fromisoformat(t) for t in data], 0
    return [datetime.fromisoformat(t) for t in data.get("t", [])], int(data.get("n", 0))


def _write_failures(times: list[datetime], strikes: int) -> str:
    return json.dumps({"t": [t.isoformat() for t in times], "n": strikes})


def _memory_engine() -> Engine:
    engine = create_engine(
        "sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False}
    )
    metadata.create_all(engine, tables=[login_failures])
    return engine


class LoginLimiter:
    """Failure counts and lockouts per key, in the ``login_failures`` table."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        limits: LoginLimits | None = None,
        *,
        engine: Engine | None = None,
        writer: Engine | None = None,
    ) -> None:
        """``engine`` reads, ``writer`` writes (on SQLite an engine whose transactions begin
        ``IMMEDIATE``, see ``search.tables.writer_engine``; default ``engine``)."""
        self.clock = clock
        self.limits = limits or LoginLimits()
        self.engine = engine if engine is not None else _memory_engine()
        self.writer = writer if writer is not None else self.engine
        # the private in-memory database is one connection: its transactions take turns
        self._serial: AbstractContextManager[object] = (
            threading.Lock() if engine is None else nullcontext()
        )

    @staticmethod
    def keys(user: str | None, address: str | None) -> list[str]:
        """The keys an attempt counts against: the account from this source, and the source (a
        user name is compared case-insensitively)."""
        out = []
        if user:
            out.append(f"pair:{user.strip().lower()}|{address or '-'}"[:KEY_LENGTH])
        if address:
            out.append(f"addr:{address}"[:KEY_LENGTH])
        return out

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def locked(self, keys: Iterable[str]) -> Lockout | None:
        """The longest current lockout among ``keys``, or None (reads only)."""
        wanted = list(keys)
        if not wanted:
            return None
        now = self._now()
        table = login_failures
        with self._serial, self.engine.connect() as conn:
            rows = conn.execute(
                select(table.c.key, table.c.locked_until).where(
                    table.c.key.in_(wanted), table.c.locked_until > now
                )
            ).all()
        worst: Lockout | None = None
        for key, until in rows:
            if worst is None or until > worst.until:
                left = math.ceil((until - now).total_seconds())
                worst = Lockout(key, until, max(left, 1))
        return worst

    def failed(self, keys: Iterable[str]) -> list[Lockout]:
        """Count a failure against each key; returns the lockouts this failure started."""
        wanted = list(dict.fromkeys(keys))
        now = self._now()
        started: list[Lockout] = []
        with self._serial, self.writer.begin() as conn:
            for key in sorted(wanted):  # one order everywhere: no deadlock between processes
                lock = self._count(conn, key, now)
                if lock is not None:
                    started.append(lock)
            self._prune(conn, now)  # in the same transaction: one write per failed login
        return sorted(started, key=lambda lock: wanted.index(lock.key))

    def _count(self, conn: Connection, key: str, now: datetime) -> Lockout | None:
        """Add one failure to ``key``'s row (locked for this transaction)."""
        limits = self.limits
        table = login_failures
        insert = postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert
        conn.execute(
            insert(table)
            .values(key=key, failures="[]", locked_until=None, expires=now)
            .on_conflict_do_nothing(index_elements=[table.c.key])
        )
        row = conn.execute(
            select(table.c.failures, table.c.locked_until)
            .where(table.c.key == key)
            .with_for_update()
        ).one()
        times, strikes = _read_failures(row.failures)
        times = [t for t in times if now - t < limits.window] + [now]
        locked_until: datetime | None = row.locked_until
        lock: Lockout | None = None
        if locked_until is not None and locked_until <= now:
            locked_until = None
        if len(times) >= limits.rule(key)[0] and locked_until is None:
            length = limits.lock_length(key, strikes)
            locked_until = now + length
            times, strikes = [], strikes + 1
            lock = Lockout(key, locked_until, math.ceil(length.total_seconds()))
        # the row (and its strikes) is kept a window past the last failure and the lock
        expires = max([t + limits.window for t in times] + [(locked_until or now) + limits.window])
        conn.execute(
            update(table)
            .where(table.c.key == key)
            .values(
                failures=_write_failures(times, strikes),
                locked_until=locked_until,
                expires=expires,
            )
        )
        return lock

    def prune(self) -> int:
        """Forget rows whose failures all left the window and whose lock lapsed (bounded storage
        when names or addresses are sprayed); returns how many were removed. On PostgreSQL rows
        another transaction holds are skipped, not waited for."""
        now = self._now()
        with self._serial, self.writer.begin() as conn:
            return self._prune(conn, now)

    @staticmethod
    def _prune(conn: Connection, now: datetime) -> int:
        table = login_failures
        expired = select(table.c.key).where(table.c.expires <= now)
        if conn.dialect.name == "postgresql":
            expired = expired.with_for_update(skip_locked=True)
        return conn.execute(delete(table).where(table.c.key.in_(expired))).rowcount

    def succeeded(self, user: str, address: str | None) -> None:
        """Forget the failures of the account from this source after a good login (its lock
        history stays: the next failures back off from where they were)."""
        key = self.keys(user, address)[0]
        with self._serial, self.writer.begin() as conn:
            row = conn.execute(
                select(login_failures.c.failures).where(login_failures.c.key == key)
            ).first()
            if row is not None:
                strikes = _read_failures(row.failures)[1]
                conn.execute(
                    update(login_failures)
                    .where(login_failures.c.key == key)
                    .values(failures=_write_failures([], strikes))
                )

    def tracked(self) -> int:
        """How many keys have a row (failures in the window or a lock)."""
        with self._serial, self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(login_failures)).scalar_one())

    def clear(self) -> None:
        """Forget every failure and lock (an operator's reset)."""
        with self._serial, self.writer.begin() as conn:
            conn.execute(delete(login_failures))

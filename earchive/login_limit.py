"""Login rate limiting: failed logins counted per user name and per client address.

``max_failures`` failures of one key (``user:<name>`` or ``addr:<address>``) within ``window``
lock that key for ``lockout``; while locked, attempts are refused before the password is checked
(so a locked account cannot be probed) and the caller learns when to retry. A success clears the
user name's count (not the address's: one good password must not wash out a spray of guesses).

State is in this process's memory (``LoginLimiter`` is kept in the app state, not at module
level): with several worker processes each counts on its own, so an attacker spread over ``N``
workers gets up to ``N × max_failures`` tries per window. The clock is injected. Thread-safe.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

__all__ = ["Lockout", "LoginLimiter", "LoginLimits"]


@dataclass(frozen=True)
class LoginLimits:
    """``max_failures`` within ``window`` → locked for ``lockout``."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)
    lockout: timedelta = timedelta(minutes=15)


@dataclass(frozen=True)
class Lockout:
    """A key that is locked, until when, and the seconds left (for ``Retry-After``)."""

    key: str
    until: datetime
    retry_after: int


class LoginLimiter:
    """Failure counts and lockouts per key, in memory."""

    def __init__(
        self,
        clock: Callable[[], datetime],
        limits: LoginLimits | None = None,
        max_keys: int = 10_000,
    ) -> None:
        self.clock = clock
        self.limits = limits or LoginLimits()
        self.max_keys = max_keys
        self._failures: dict[str, deque[datetime]] = {}
        self._locked: dict[str, datetime] = {}
        self._lock = threading.Lock()

    @staticmethod
    def keys(user: str | None, address: str | None) -> list[str]:
        """The keys an attempt counts against (a user name is compared case-insensitively)."""
        out = []
        if user:
            out.append(f"user:{user.strip().lower()}")
        if address:
            out.append(f"addr:{address}")
        return out

    def locked(self, keys: Iterable[str]) -> Lockout | None:
        """The longest current lockout among ``keys``, or None."""
        now = self.clock()
        worst: Lockout | None = None
        with self._lock:
            for key in keys:
                until = self._locked.get(key)
                if until is None:
                    continue
                if until <= now:
                    del self._locked[key]
                    continue
                if worst is None or until > worst.until:
                    left = math.ceil((until - now).total_seconds())
                    worst = Lockout(key, until, max(left, 1))
        return worst

    def _prune(self, now: datetime) -> None:
        """Forget keys whose failures all left the window and lapsed locks (bounded memory
        when names or addresses are sprayed)."""
        window = self.limits.window
        for key in [k for k, t in self._failures.items() if not t or now - t[-1] >= window]:
            del self._failures[key]
        for key in [k for k, until in self._locked.items() if until <= now]:
            del self._locked[key]

    def failed(self, keys: Iterable[str]) -> list[Lockout]:
        """Count a failure against each key; returns the lockouts this failure started."""
        now = self.clock()
        limits = self.limits
        started: list[Lockout] = []
        with self._lock:
            if len(self._failures) + len(self._locked) > self.max_keys:
                self._prune(now)
            for key in keys:
                times = self._failures.setdefault(key, deque())
                times.append(now)
                while times and now - times[0] >= limits.window:
                    times.popleft()
                if len(times) >= limits.max_failures and key not in self._locked:
                    until = now + limits.lockout
                    self._locked[key] = until
                    times.clear()
                    started.append(Lockout(key, until, math.ceil(limits.lockout.total_seconds())))
        return started

    def succeeded(self, user: str) -> None:
        """Forget the user name's failures after a good login."""
        with self._lock:
            for key in self.keys(user, None):
                self._failures.pop(key, None)

"""``LoginGuard``: the login rate limit applied to people (``POST /login``) and to systems (bearer
tokens), with every failure and every lockout written to the event log.

A password login counts against the account from the client's address and the address itself; a
bearer token that does not resolve counts the same way, a well-formed token's id standing for the
account — never against the token id alone, so a stranger cannot lock a system's token. A
lockout is one
``login`` event with outcome ``locked`` (attempts refused while locked are not logged one by one,
so a flood cannot fill the log). Events name the attempted user, never the password or token.
The counting itself is ``earchive.web.login_limit.LoginLimiter``, in the catalog database when an
engine is given (shared by every API worker process), else in a private in-memory database.

Reads/writes: ``login_failures`` (through the limiter); writes events through ``record``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Engine

from earchive.web.login_limit import Lockout, LoginLimiter, LoginLimits
from preservation.events import Event

__all__ = ["LoginGuard"]

_TOKEN_ID = re.compile(r"^eat_([0-9a-f]{16})_")
_NAME = re.compile(r"^[\w.@-]{1,64}$")


class LoginGuard:
    """Rate limit + event log for login attempts."""

    def __init__(
        self,
        record: Callable[[Event], object],
        clock: Callable[[], datetime],
        agent: str,
        limits: LoginLimits | None = None,
        *,
        engine: Engine | None = None,
        writer: Engine | None = None,
    ) -> None:
        """``engine``/``writer``: the catalog's reader and writer engines (see ``LoginLimiter``)."""
        self.record = record
        self.clock = clock
        self.agent = agent
        self.limiter = LoginLimiter(clock, limits, engine=engine, writer=writer)

    @staticmethod
    def token_user(token: str) -> str | None:
        """``token:<id>`` for a well-formed API token, else None."""
        match = _TOKEN_ID.match(token.strip())
        return f"token:{match[1]}" if match else None

    def locked(self, user: str | None, address: str | None) -> Lockout | None:
        """The lockout an attempt by ``user`` from ``address`` would meet, if any."""
        return self.limiter.locked(self.limiter.keys(user, address))

    def failed(self, user: str | None, address: str | None, via: str) -> Lockout | None:
        """Count a failed attempt, log it, and return the lockout it started (if any)."""
        keys = self.limiter.keys(user, address)
        started = self.limiter.failed(keys)
        shown = user if user and (_NAME.match(user) or user.startswith("token:")) else "?"
        obj = f"login:{shown}"
        now = self.clock()
        detail = {"user": shown, "address": address or "", "via": via}
        self.record(Event(self.agent, "login", obj, "failed", now, detail))
        if not started:
            return None
        worst = max(started, key=lambda lock: lock.until)
        self.record(
            Event(
                self.agent,
                "login",
                obj,
                "locked",
                now,
                {**detail, "keys": [k.key for k in started], "until": worst.until.isoformat()},
            )
        )
        return worst

    def succeeded(self, user: str, address: str | None) -> None:
        """Clear the failures of ``user`` from ``address`` (not the address's) after a good
        login."""
        self.limiter.succeeded(user, address)

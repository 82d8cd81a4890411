"""Switching a SQLite database to write-ahead logging when several processes may open it at once.

``PRAGMA journal_mode=WAL`` needs the database to itself for a moment and SQLite may answer
"database is locked" at once instead of waiting in the busy handler; the mode is stored in the
file, so only the first opener has to set it. ``enable_wal`` asks first and retries the switch
while another opener holds a lock, up to ``timeout_s``. Raises ``sqlite3.OperationalError`` when
the database stays locked (or for any other error).
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

__all__ = ["enable_wal"]


def _busy(exc: sqlite3.OperationalError) -> bool:
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def enable_wal(conn: Any, timeout_s: float) -> None:
    """Put ``conn``'s database (a DB-API sqlite3 connection or cursor) in WAL mode."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() == "wal":
                return
            conn.execute("PRAGMA journal_mode=WAL").fetchone()
            return  # WAL now, or a database that cannot have it (in memory): keep its mode
        except sqlite3.OperationalError as exc:
            if not _busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)

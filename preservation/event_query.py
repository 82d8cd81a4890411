"""Reading the event log a page at a time: filters (time range, action, agent, object prefix,
outcome), an order, a count — the audit page's questions, answered by the database rather than
by walking the whole log.

Reads: the ``events`` table of ``preservation.events``. Writes nothing. Raises
``sqlalchemy.exc.SQLAlchemyError`` when the database fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, func, select
from sqlalchemy.sql import ColumnElement

from .events import Event, _row_event, events

__all__ = ["EVENT_ORDERS", "EventFilter", "count_events", "page_events"]

#: Orders a page may ask for: column key → column (``-`` in front: descending).
EVENT_ORDERS = {
    "seq": events.c.seq,
    "at": events.c.at,
    "agent": events.c.agent,
    "action": events.c.action,
    "object": events.c.object,
    "outcome": events.c.outcome,
}


@dataclass(frozen=True)
class EventFilter:
    """Which events: ``since`` inclusive, ``until`` exclusive; empty strings filter nothing;
    ``agent`` matches a part of the agent, ``object_prefix`` the start of the object."""

    since: datetime | None = None
    until: datetime | None = None
    action: str = ""
    agent: str = ""
    object_prefix: str = ""
    outcome: str = ""

    def conditions(self) -> list[ColumnElement[bool]]:
        c = events.c
        out: list[ColumnElement[bool]] = []
        if self.since is not None:
            out.append(c.at >= self.since)
        if self.until is not None:
            out.append(c.at < self.until)
        if self.action:
            out.append(c.action == self.action)
        if self.agent:
            out.append(c.agent.contains(self.agent, autoescape=True))
        if self.object_prefix:
            out.append(c.object.startswith(self.object_prefix, autoescape=True))
        if self.outcome:
            out.append(c.outcome == self.outcome)
        return out


def count_events(engine: Engine, chosen: EventFilter) -> int:
    with engine.connect() as conn:
        stmt = select(func.count()).select_from(events).where(*chosen.conditions())
        return int(conn.execute(stmt).scalar_one())


def page_events(
    engine: Engine, chosen: EventFilter, *, order: str = "-seq", offset: int = 0, limit: int = 50
) -> Iterator[Event]:
    """The events of one page in ``order`` (a key of ``EVENT_ORDERS``, ``-`` for descending; ties
    by sequence number). ``limit`` 0 means every matching event (streamed)."""
    key = order.lstrip("-")
    column = EVENT_ORDERS.get(key, events.c.seq)
    descending = order.startswith("-")
    first = column.desc() if descending else column.asc()
    tie = events.c.seq.desc() if descending else events.c.seq.asc()
    stmt = select(events).where(*chosen.conditions()).order_by(first, tie).offset(offset)
    if limit:
        stmt = stmt.limit(limit)
    with engine.connect() as conn:
        for row in conn.execution_options(stream_results=True, yield_per=1000).execute(stmt):
            yield _row_event(row)

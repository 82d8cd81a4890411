"""The event log: every action on the archive as an append-only, hash-chained record.

Each event carries agent, time, action, object, outcome and detail; its ``hash`` is the SHA-256
of the previous event's hash and the event's canonical JSON, so editing or deleting any entry
breaks the chain from there on (``verify_chain``). Reads/writes: the catalog database through the
engine passed in. Sealing the chain into storage with the archive's signature is done by the
application (``earchive``), which owns the signer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    BigInteger,
    Column,
    Connection,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    select,
)

from standards.finding import Finding, Status

__all__ = ["GENESIS", "Event", "EventLog", "event_hash", "metadata", "verify_chain"]

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
    Column("at", DateTime(timezone=True), nullable=False),
    Column("agent", String(200), nullable=False),
    Column("action", String(64), nullable=False),
    Column("object", String(300), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("detail", Text, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False, unique=True),
)

GENESIS = "0" * 64


@dataclass(frozen=True)
class Event:
    """One action: ``action`` is a verb such as ingest, check, audit, export, access, transfer."""

    agent: str
    action: str
    object: str
    outcome: str
    at: datetime
    detail: Mapping[str, object] = field(default_factory=dict)
    seq: int = 0
    prev_hash: str = ""
    hash: str = ""


def _canonical(event: Event) -> bytes:
    body = {
        "at": event.at.astimezone(UTC).isoformat(),
        "agent": event.agent,
        "action": event.action,
        "object": event.object,
        "outcome": event.outcome,
        "detail": event.detail,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def event_hash(prev_hash: str, event: Event) -> str:
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + _canonical(event)).hexdigest()


def _row_event(row: object) -> Event:
    at = row.at  # type: ignore[attr-defined]
    if at.tzinfo is None:  # SQLite hands back naive datetimes; we store UTC
        at = at.replace(tzinfo=UTC)
    return Event(
        agent=row.agent,  # type: ignore[attr-defined]
        action=row.action,  # type: ignore[attr-defined]
        object=row.object,  # type: ignore[attr-defined]
        outcome=row.outcome,  # type: ignore[attr-defined]
        at=at,
        detail=json.loads(row.detail),  # type: ignore[attr-defined]
        seq=int(row.seq),  # type: ignore[attr-defined]
        prev_hash=row.prev_hash,  # type: ignore[attr-defined]
        hash=row.hash,  # type: ignore[attr-defined]
    )


# built once (values bound per call)
_LAST_HASH = select(events.c.hash).order_by(events.c.seq.desc()).limit(1)
_INSERT = events.insert()


class EventLog:
    """Append-only event log on a SQLAlchemy engine (SQLite or PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    def record(self, event: Event, conn: Connection | None = None) -> Event:
        """Append ``event`` (in ``conn``'s transaction when given) and return it chained."""
        if conn is not None:
            return self._append(conn, event)
        with self.engine.begin() as own:
            return self._append(own, event)

    def _append(self, conn: Connection, event: Event) -> Event:
        if conn.dialect.name == "postgresql":  # one writer at a time keeps the chain linear
            conn.exec_driver_sql("LOCK TABLE events IN EXCLUSIVE MODE")
        last = conn.execute(_LAST_HASH).first()
        prev = last.hash if last is not None else GENESIS
        at = event.at.astimezone(UTC)
        chained = Event(**{**event.__dict__, "at": at, "prev_hash": prev})
        digest = event_hash(prev, chained)
        result = conn.execute(
            _INSERT,
            {
                "at": at,
                "agent": event.agent,
                "action": event.action,
                "object": event.object,
                "outcome": event.outcome,
                "detail": json.dumps(dict(event.detail), ensure_ascii=False, sort_keys=True),
                "prev_hash": prev,
                "hash": digest,
            },
        )
        seq = int(result.inserted_primary_key[0])  # type: ignore[index]
        return Event(**{**chained.__dict__, "seq": seq, "hash": digest})

    def iter_events(self, after_seq: int = 0, object_prefix: str = "") -> Iterator[Event]:
        with self.engine.connect() as conn:
            stmt = select(events).where(events.c.seq > after_seq).order_by(events.c.seq)
            if object_prefix:
                stmt = stmt.where(events.c.object.startswith(object_prefix))
            # streamed (a server-side cursor where the database has one): a log of millions of
            # events is never held in memory at once
            for row in conn.execution_options(stream_results=True, yield_per=1000).execute(stmt):
                yield _row_event(row)

    def head(self) -> Event | None:
        with self.engine.connect() as conn:
            row = conn.execute(select(events).order_by(events.c.seq.desc()).limit(1)).first()
        return _row_event(row) if row is not None else None


def _chain(
    code: str, message: str, expected: str, found: str, status: Status = Status.FAIL
) -> Finding:
    return Finding(code, status, message, dat70="BC-4-3", expected=expected, found=found)


def verify_chain(log: Iterator[Event] | list[Event], start_hash: str = GENESIS) -> list[Finding]:
    """Walk the chain; one FAIL finding per broken link (edited, deleted or reordered entry)."""
    findings: list[Finding] = []
    prev, expected_seq, count = start_hash, None, 0
    for ev in log:
        count += 1
        if expected_seq is not None and ev.seq != expected_seq:
            missing = f"event {expected_seq} to {ev.seq - 1} missing (deleted)"
            findings.append(_chain("EVENT_LOG_GAP", missing, str(expected_seq), str(ev.seq)))
        if ev.prev_hash != prev:
            broken = f"event {ev.seq} does not follow the previous entry"
            findings.append(_chain("EVENT_LOG_BROKEN", broken, prev, ev.prev_hash))
        recomputed = event_hash(ev.prev_hash, ev)
        if recomputed != ev.hash:
            changed = f"event {ev.seq} was changed after it was written"
            findings.append(_chain("EVENT_LOG_TAMPERED", changed, ev.hash, recomputed))
        prev, expected_seq = ev.hash, ev.seq + 1
    if not findings:
        intact = f"{count} events, chain intact"
        findings.append(_chain("EVENT_LOG_INTACT", intact, "", prev, Status.PASS))
    return findings

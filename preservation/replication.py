"""A second copy of every archive: ``ReplicatedRoot`` writes each version to two storage roots.

``ReplicatedRoot`` is an ``OcflRoot`` over the primary store (all reads come from there) whose
``write_version`` writes the primary first, then the same version to the replica root. A replica
failure never fails the write or touches the primary: it is handed to ``on_failure`` (the
application queues it in ``ReplicaQueue`` and logs an event), and ``retry_pending`` later copies
the object from the primary with ``restore.copy_object`` (every byte verified on the way), which
also catches up a replica that missed earlier versions.

Reads/writes: both stores; the queue table ``replica_pending`` in the catalog database.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, DateTime, Engine, Integer, MetaData, String, Table, Text, select

from .events import Event
from .ocfl_root import OcflRoot
from .restore import CopyOutcome, restore_object
from .storage import ObjectStore, StorageError

__all__ = ["ReplicaFailure", "ReplicaQueue", "ReplicatedRoot", "metadata", "retry_pending"]

metadata = MetaData()

replica_pending = Table(
    "replica_pending",
    metadata,
    Column("location", String(64), primary_key=True),
    Column("object_id", String(300), primary_key=True),
    Column("version", String(16), nullable=False),
    Column("first_failed", DateTime(timezone=True), nullable=False),
    Column("last_error", Text, nullable=False),
    Column("attempts", Integer, nullable=False),
)


@dataclass(frozen=True)
class ReplicaFailure:
    """A version that did not reach the replica (``object_id`` empty: the root itself)."""

    location: str
    object_id: str
    version: str
    error: str
    at: datetime
    attempts: int = 1


class ReplicaQueue:
    """Objects whose replica is owed, one row per (location, object)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create_schema(self) -> None:
        metadata.create_all(self.engine)

    def add(self, failure: ReplicaFailure) -> None:
        """Queue (or re-queue with one more attempt) the object of ``failure``."""
        key = (replica_pending.c.location == failure.location) & (
            replica_pending.c.object_id == failure.object_id
        )
        with self.engine.begin() as conn:
            updated = conn.execute(
                replica_pending.update()
                .where(key)
                .values(
                    version=failure.version,
                    last_error=failure.error[:2000],
                    attempts=replica_pending.c.attempts + 1,
                )
            ).rowcount
            if not updated:
                conn.execute(
                    replica_pending.insert().values(
                        location=failure.location,
                        object_id=failure.object_id,
                        version=failure.version,
                        first_failed=failure.at.astimezone(UTC),
                        last_error=failure.error[:2000],
                        attempts=1,
                    )
                )

    def pending(self, location: str) -> list[ReplicaFailure]:
        stmt = (
            select(replica_pending)
            .where(replica_pending.c.location == location)
            .order_by(replica_pending.c.first_failed, replica_pending.c.object_id)
        )
        with self.engine.connect() as conn:
            return [
                ReplicaFailure(
                    row.location,
                    row.object_id,
                    row.version,
                    row.last_error,
                    row.first_failed.replace(tzinfo=row.first_failed.tzinfo or UTC),
                    row.attempts,
                )
                for row in conn.execute(stmt)
            ]

    def done(self, location: str, object_id: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                replica_pending.delete().where(
                    (replica_pending.c.location == location)
                    & (replica_pending.c.object_id == object_id)
                )
            )


def _utcnow() -> datetime:
    return datetime.now(UTC)


class ReplicatedRoot(OcflRoot):
    """An ``OcflRoot`` on the primary store that also writes every version to ``replica``."""

    def __init__(
        self,
        primary: ObjectStore,
        replica: OcflRoot,
        on_failure: Callable[[ReplicaFailure], object],
        *,
        location: str = "replica",
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        super().__init__(primary)
        self.replica = replica
        self.location = location
        self._on_failure = on_failure
        self._clock = clock

    def _failed(self, object_id: str, version: str, exc: Exception) -> None:
        error = f"{type(exc).__name__}: {exc}"
        self._on_failure(ReplicaFailure(self.location, object_id, version, error, self._clock()))

    def initialize(self) -> None:
        """Initialize the primary (errors raise), then the replica (errors are reported)."""
        super().initialize()
        try:
            self.replica.initialize()
        except StorageError as exc:
            self._failed("", "", exc)

    def write_version(
        self,
        object_id: str,
        staged_dir: Path,
        inventory_bytes: bytes,
        version: str,
        to_store: Mapping[str, str],
        *,
        verify_digests: bool = True,
        adopt: bool = False,
    ) -> None:
        """Write the primary (errors raise), then the replica (errors are reported, queued).
        Only the primary may ``adopt`` the staged files: the replica gets copies of its own."""
        super().write_version(
            object_id,
            staged_dir,
            inventory_bytes,
            version,
            to_store,
            verify_digests=verify_digests,
            adopt=adopt,
        )
        try:
            self.replica.write_version(
                object_id, staged_dir, inventory_bytes, version, to_store, verify_digests=False
            )
        except Exception as exc:  # any replica failure is reported; the primary is safe
            self._failed(object_id, version, exc)


def retry_pending(
    primary: OcflRoot,
    replica: OcflRoot,
    queue: ReplicaQueue,
    *,
    location: str,
    record: Callable[[Event], object] | None,
    clock: Callable[[], datetime],
    agent: str = "earchive",
    name_of: Callable[[str], str] = lambda oid: oid,
) -> list[CopyOutcome]:
    """Copy every queued object from the primary to the replica; dequeue the ones that made it."""
    outcomes: list[CopyOutcome] = []
    for failure in queue.pending(location):
        if not failure.object_id:  # the replica root could not be initialized then
            try:
                replica.initialize()
            except StorageError as exc:
                queue.add(ReplicaFailure(location, "", "", str(exc), clock()))
                continue
            queue.done(location, "")
            continue
        outcome = restore_object(
            primary,
            replica,
            failure.object_id,
            record=record,
            clock=clock,
            agent=agent,
            source_name="primary",
            target_name=location,
            name_of=name_of,
            action="replicate",
        )
        outcomes.append(outcome)
        if outcome.ok:
            queue.done(location, failure.object_id)
        else:
            error = "; ".join(f.message for f in outcome.findings if f.status.value == "FAIL")
            queue.add(ReplicaFailure(location, failure.object_id, failure.version, error, clock()))
    return outcomes

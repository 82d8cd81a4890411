"""Storage wiring: the primary object store and the optional replica, built from ``Settings``.

``EARCHIVE_STORAGE=fs`` (default): ``FsStore`` in ``<home>/storage``. ``EARCHIVE_STORAGE=s3``:
``S3Store`` on ``EARCHIVE_S3_ENDPOINT`` / ``_ACCESS_KEY`` / ``_SECRET_KEY`` / ``_BUCKET`` (https
with ``EARCHIVE_S3_SECURE=true``); the bucket is created with Object Lock (so versioning) if
missing, and every object version gets COMPLIANCE retention until its archive's disposal date
and a legal hold for 永久 records (``earchive.core.disposal``; keys outside an archive object get
``EARCHIVE_S3_RETENTION_DAYS`` days).
``EARCHIVE_REPLICA=fs:<path>`` (relative paths are under the home) or ``s3:<bucket>`` (same
endpoint and keys) adds a second location: every version is written there too
(``ReplicatedRoot``); a replica failure is queued (``replica_pending``) and logged as an event.
Beside the primary, each in its own storage root (``<home>/<name>`` on a disk, the ``<name>``
prefix of the primary bucket with the same Object Lock retention on S3): the sealed event log
(``event-log``) and the signed objection annotations (``annotations``, ``annotation_store``).
Raises ``ConfigurationError`` (from ``earchive.core.archive``'s tree: defined here to avoid a
cycle).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from earchive.core.errors import StorageConfigError
from earchive.settings import Settings
from preservation.events import Event, EventLog
from preservation.ocfl_root import OcflRoot
from preservation.replication import ReplicaFailure, ReplicaQueue, ReplicatedRoot
from preservation.storage import DisposalLocks, FsStore, ObjectStore, StorageError

if TYPE_CHECKING:
    from preservation.storage import S3Store

__all__ = [
    "ANNOTATIONS",
    "PRIMARY",
    "REPLICA",
    "StorageWiring",
    "annotation_store",
    "build_storage",
    "event_log_store",
    "primary_store",
    "replica_store",
]

PRIMARY = "primary"
REPLICA = "replica"
#: The storage root of the objection annotations: a folder of the home, a prefix of the bucket.
ANNOTATIONS = "annotations"


@dataclass(frozen=True)
class StorageWiring:
    """The primary store, the root all reads and writes go through, and the replica root."""

    store: ObjectStore
    storage: OcflRoot
    replica: OcflRoot | None
    locks: DisposalLocks


def _s3_store(settings: Settings, bucket: str, locks: DisposalLocks | None = None) -> S3Store:
    if not settings.s3_endpoint:
        raise StorageConfigError("EARCHIVE_S3_ENDPOINT is required for S3 storage")
    from minio import Minio  # only S3 deployments pay for the client

    from preservation.storage import RetentionPolicy, S3Store, ensure_bucket

    client = Minio(
        settings.s3_endpoint,
        access_key=settings.s3_access_key or None,
        secret_key=settings.s3_secret_key or None,
        secure=settings.s3_secure,
    )
    try:
        ensure_bucket(client, bucket, object_lock=True)
        locks = locks or DisposalLocks(settings.s3_retention_days, _utc_now)
        retention = RetentionPolicy(
            retain_until=locks.until, legal_hold=locks.hold, clock=locks.clock
        )
    except StorageError as exc:
        raise StorageConfigError(f"S3 bucket {bucket!r} on {settings.s3_endpoint}: {exc}") from exc
    return S3Store(client, bucket, retention=retention)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def primary_store(settings: Settings, locks: DisposalLocks | None = None) -> ObjectStore:
    """The configured primary store (``EARCHIVE_STORAGE``)."""
    if settings.storage == "s3":
        return _s3_store(settings, settings.s3_bucket, locks)
    return FsStore(settings.storage_dir)


def _beside_primary(settings: Settings, name: str) -> ObjectStore:
    """A storage root of its own beside the primary: ``<home>/<name>`` or bucket prefix ``name``."""
    if settings.storage == "s3":
        from preservation.storage import S3Store

        primary = _s3_store(settings, settings.s3_bucket)
        return S3Store(primary.client, primary.bucket, prefix=name, retention=primary.retention)
    return FsStore(settings.home / name)


def event_log_store(settings: Settings) -> ObjectStore:
    """Where the sealed event log lives: beside the primary (its own storage root)."""
    return _beside_primary(settings, "event-log")


def annotation_store(settings: Settings) -> ObjectStore:
    """Where the signed objection annotations live (``preservation.annotation_files``): beside the
    primary, in ``<home>/annotations`` or under the ``annotations`` prefix of the primary bucket
    (the primary's retention: ``EARCHIVE_S3_RETENTION_DAYS``)."""
    return _beside_primary(settings, ANNOTATIONS)


def replica_store(settings: Settings, locks: DisposalLocks | None = None) -> ObjectStore | None:
    """The replica store of ``EARCHIVE_REPLICA`` (``fs:<path>`` | ``s3:<bucket>``), or None."""
    spec = settings.replica.strip()
    if not spec:
        return None
    kind, _, target = spec.partition(":")
    if kind == "fs" and target:
        path = Path(target)
        return FsStore(path if path.is_absolute() else settings.home / path)
    if kind == "s3" and target:
        if settings.storage == "s3" and target == settings.s3_bucket:
            raise StorageConfigError("the replica must be another bucket than the primary")
        return _s3_store(settings, target, locks)
    raise StorageConfigError(f"EARCHIVE_REPLICA={spec!r}: use fs:<path> or s3:<bucket>")


def _on_replica_failure(
    engine: Engine, events: EventLog, agent: str
) -> Callable[[ReplicaFailure], None]:
    def report(failure: ReplicaFailure) -> None:
        queue = ReplicaQueue(engine)
        queue.create_schema()
        queue.add(failure)
        detail = {"location": failure.location, "version": failure.version, "error": failure.error}
        target = failure.object_id or f"storage:{failure.location}"
        events.record(Event(agent, "replicate", target, "FAIL", failure.at, detail))

    return report


def build_storage(
    settings: Settings, engine: Engine, events: EventLog, clock: Callable[[], datetime]
) -> StorageWiring:
    """Primary store and root; with a replica, a ``ReplicatedRoot`` writing both."""
    locks = DisposalLocks(settings.s3_retention_days, clock)
    store = primary_store(settings, locks)
    replica = replica_store(settings, locks)
    if replica is None:
        return StorageWiring(store, OcflRoot(store), None, locks)
    replica_root = OcflRoot(replica)
    report = _on_replica_failure(engine, events, settings.agent)
    storage = ReplicatedRoot(store, replica_root, report, location=REPLICA, clock=clock)
    return StorageWiring(store, storage, replica_root, locks)

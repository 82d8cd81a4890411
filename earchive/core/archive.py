"""The service layer: one ``Archive`` that the CLI, the REST API and the web UI all call.

It wires the configured backends (storage, catalog, index, signer) and holds no domain logic of
its own: each method delegates to the stage packages.
"""

from __future__ import annotations

import gc
import itertools
import logging
import multiprocessing
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, TypeVar

from sqlalchemy import create_engine

from earchive.core.errors import (
    ConfigurationError,
    NotFoundError,
    SearchConfigError,
    StorageConfigError,
)
from earchive.core.identity_key import load_identity_keyer
from earchive.core.index_jobs import queue_unindexed
from earchive.core.keyring import ARCHIVE, Keyring
from earchive.core.search_backend import build_index
from earchive.core.stores import build_storage
from earchive.settings import Settings
from ingest.indexing import INDEX_JOB, retry_queued
from ingest.pipeline import (
    IngestBusyError,
    IngestContext,
    IngestResult,
    expand_sources,
    ingest_path,
    resume_pending,
)
from ingest.quarantine import QuarantinePolicy
from package.certificates import SigningIdentity, certificates_in_folder, load_certificate
from package.signature import Signer, generate_key, load_signer
from package.trusted_keys import key_bundle
from preservation.annotation_files import AnnotationFiles
from preservation.eventlog_seal import SealResult
from preservation.events import EventLog
from preservation.ocfl_root import OcflRoot
from search import (
    SearchIndex,
    SearchQuery,
    SearchResult,
    configure_sqlite,
    writer_engine,
)
from search.catalog import ArchiveRecord, Catalog, FileRow, VersionRow
from search.identities import IdentityKeyer, IdentityKeyError
from standards import archival_code as ac
from standards.finding import Finding
from standards.retention import RetentionTable, disposal_date

_log = logging.getLogger(__name__)

__all__ = ["Archive", "ArchiveView", "in_order", "ingest_waiting"]


@dataclass(frozen=True)
class ArchiveView:
    record: ArchiveRecord
    files: list[FileRow]
    versions: list[VersionRow]


def _utcnow() -> datetime:
    return datetime.now(UTC)


_WORKER: dict[str, IngestContext] = {}
T = TypeVar("T")
R = TypeVar("R")


def _worker_init(settings: Settings) -> None:
    """In each ingest worker process: its own archive (engine, index, storage handles)."""
    _WORKER["ctx"] = Archive(settings).context(file_threads=1)  # the processes fill the cores


def _worker_ingest(source: Path) -> IngestResult:
    return ingest_waiting(source, _WORKER["ctx"])


def ingest_waiting(source: Path, ctx: IngestContext, patience: float = 600.0) -> IngestResult:
    """``ingest_path``, waiting while another process ingests the same package (it is done
    after that: a duplicate, or the version it made); ``IngestBusyError`` after ``patience``
    seconds of waiting."""
    deadline = time.monotonic() + patience
    pause = 0.2
    while True:
        try:
            return ingest_path(source, ctx)
        except IngestBusyError:
            if time.monotonic() + pause > deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 5.0)


def in_order(pool: Executor, fn: Callable[[T], R], items: Iterable[T], window: int) -> Iterator[R]:
    """``pool.map`` with at most ``window`` items in flight: ``map`` submits every item at once,
    so a run of 100k cases would hold 100k pending tasks; results still come in input order."""
    pending: deque[Future[R]] = deque()
    for item in items:
        pending.append(pool.submit(fn, item))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


class Archive:
    """An opened archive: backends built from ``Settings``; call ``init()`` once per home."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = _utcnow) -> None:
        self.settings = settings
        self.clock = clock
        home = settings.home
        self.home = home
        home.mkdir(parents=True, exist_ok=True)
        self.engine = create_engine(settings.catalog_url)
        configure_sqlite(self.engine)
        self.writer = writer_engine(self.engine)  # transactions that read, then write
        self.catalog = Catalog(self.engine)
        try:  # EARCHIVE_SEARCH (sqlite | elasticsearch): see earchive.core.search_backend
            self.index: SearchIndex = build_index(settings)
        except SearchConfigError as exc:
            raise ConfigurationError(str(exc)) from exc
        self.events = EventLog(self.writer)
        try:  # EARCHIVE_STORAGE (fs | s3) and EARCHIVE_REPLICA: see earchive.core.stores
            wiring = build_storage(settings, self.writer, self.events, clock)
        except StorageConfigError as exc:
            raise ConfigurationError(str(exc)) from exc
        self.store, self.storage, self.replica = wiring.store, wiring.storage, wiring.replica
        self.locks = wiring.locks
        self._identity: tuple[int, SigningIdentity] | None = None  # (keyring stamp, identity)
        self._identities: IdentityKeyer | None = None
        self._annotations: AnnotationFiles | None = None

    # -- set-up -----------------------------------------------------------------------------
    def init(self) -> Path:
        """Create the data directory, storage root, catalog tables and the signing key."""
        for sub in ("work", "quarantine", "keys"):
            (self.home / sub).mkdir(parents=True, exist_ok=True)
        self.settings.storage_dir.mkdir(parents=True, exist_ok=True)
        self.storage.initialize()
        from earchive.core.errors import MigrationError
        from earchive.core.migrations import is_current
        from earchive.core.migrations import upgrade as upgrade_catalog

        try:
            if not is_current(self.engine):  # Alembic ``upgrade head``; idempotent
                upgrade_catalog(self.engine)
        except MigrationError as exc:
            raise ConfigurationError(str(exc)) from exc
        queued = queue_unindexed(self, self.home / "index-tokens")
        if queued:
            _log.warning(
                "the search index is empty or holds another segmenter's tokens: %d archive(s) "
                "queued for the indexer (earchive indexer --once, or any ingest, builds it)",
                queued,
            )
        self.identities  # noqa: B018 - creates the identity key (keys/identity-hmac.key)
        return self.key_path(create=True)

    def event_log_root(self) -> OcflRoot:
        """The storage root that holds the sealed event log (created on first use)."""
        from earchive.core.stores import event_log_store

        root = OcflRoot(event_log_store(self.settings))
        root.initialize()
        return root

    def seal_event_log(self) -> SealResult | None:
        """Seal the events not yet in storage, signed by the archive's key."""
        from earchive.core.oplocks import exclusive
        from preservation.eventlog_seal import seal_events

        root = self.event_log_root()
        # One sealer at a time: two ingest runs finishing together would both write version N+1.
        # Events are read on the reader engine: the lock's transaction holds SQLite's write lock.
        with exclusive(self.writer, "event-log-seal", f"{os.getpid()}", self.clock()):
            return seal_events(
                root, EventLog(self.engine), self.signer, self.clock, self.settings.agent
            )

    def verify_event_log(self, trusted_key_pem: str | None = None) -> list[Finding]:
        """The event chain, its seals in storage, and their agreement."""
        from preservation.eventlog_seal import verify_sealed

        return verify_sealed(self.event_log_root(), self.events, trusted_key_pem)

    def _declare_retention(self, object_id: str, years: int | None, year: int) -> None:
        """Tell the (S3) store how long an archive's objects stay locked, before they are put."""
        root = OcflRoot.object_root(self.storage, object_id)
        self.locks.declare(root, disposal_date(year, years), hold=years is None)

    def trust(self, certificates: Iterable[Path]) -> list[Path]:
        """Add root certificates (PEM) to the trust store that signature and seal checks use.

        Only certificates are taken; a file holding a private key is refused.
        """
        target = self.settings.trust_path
        target.mkdir(parents=True, exist_ok=True)
        added = []
        for cert in certificates:
            data = cert.read_bytes()
            if b"PRIVATE KEY" in data or b"BEGIN CERTIFICATE" not in data:
                raise ConfigurationError(f"{cert} is not a PEM certificate")
            dest = target / cert.name
            dest.write_bytes(data)
            added.append(dest)
        return added

    def trust_roots(self) -> tuple[bytes, ...]:
        """The certificates (DER) of the trust store; an unreadable file is skipped."""
        return certificates_in_folder(self.settings.trust_path)

    def key_path(self, create: bool = False) -> Path:
        if self.settings.signing_key is not None:
            return self.settings.signing_key
        algorithm = "SM2-with-SM3" if self.settings.signing == "sm2" else "ECDSA-P256-SHA256"
        existing = sorted(self.settings.key_dir.glob("archive-*.key"))
        if existing:
            return existing[0]
        if not create:
            raise ConfigurationError("no signing key: run 'earchive init' first")
        return generate_key(self.settings.key_dir, algorithm)

    @property
    def keyring(self) -> Keyring:
        """The imported identities of the archive and its 立档单位 (``earchive keys``)."""
        return Keyring(self.settings.key_dir, self.settings.key_passphrase.get_secret_value())

    @property
    def identity(self) -> SigningIdentity:
        """Who the archive signs as: its imported identity (key and certificates), else its
        generated key alone (a signature that names nobody). Kept open until an administrator
        imports another (``earchive keys import archive``), in this process or any other."""
        keyring = self.keyring
        stamp = keyring.stamp(ARCHIVE)
        if self._identity is None or self._identity[0] != stamp:
            imported = keyring.identity(ARCHIVE)
            self._identity = (stamp, imported or SigningIdentity(load_signer(self.key_path())))
        return self._identity[1]

    @property
    def trusted_key_pem(self) -> str:
        """Every public key this archive has signed with, as one PEM text: its identity's, the
        key it generated at ``init`` and those of identities it replaced. Signatures are judged
        against this set, so an imported certificate does not orphan what was signed before."""
        keys = []  # public parts only: judging a signature never needs the passphrase
        chain = self.keyring.certificates(ARCHIVE)
        if chain:
            keys.append(load_certificate(chain[0]).public_key_pem)
        for path in sorted(self.settings.key_dir.glob("archive-*.key")):
            keys.append(load_signer(path).public_key_pem)
        if self.settings.signing_key is not None:
            keys.append(load_signer(self.settings.signing_key).public_key_pem)
        keys += self.keyring.retired_keys(ARCHIVE)
        return key_bundle(keys)

    def unit_identity(self, fonds: str) -> SigningIdentity | None:
        """The imported identity of the 立档单位 of ``fonds`` (None when none was imported)."""
        return self.keyring.identity(fonds)

    @property
    def signer(self) -> Signer:
        return self.identity.signer

    @property
    def identities(self) -> IdentityKeyer:
        """The keyer of applicants' identifiers (``earchive.core.identity_key``; made when
        missing)."""
        if self._identities is None:
            try:
                self._identities = load_identity_keyer(self.settings.key_dir)
            except IdentityKeyError as exc:
                raise ConfigurationError(str(exc)) from exc
        return self._identities

    @property
    def annotations(self) -> AnnotationFiles:
        """The signed objection annotations (``earchive.core.stores.annotation_store``), opened
        once."""
        if self._annotations is None:
            from earchive.core.stores import annotation_store

            try:
                self._annotations = AnnotationFiles(annotation_store(self.settings))
            except StorageConfigError as exc:
                raise ConfigurationError(str(exc)) from exc
        return self._annotations

    def context(self, file_threads: int = 2) -> IngestContext:
        """What the ingest pipeline needs; ``file_threads`` hash a package's files (1 inside a
        pool of ingest processes)."""
        return IngestContext(
            engine=self.writer,
            catalog=self.catalog,
            index=self.index,
            storage=self.storage,
            signer=self.signer,
            work_dir=self.home / "work",
            quarantine_dir=self.home / "quarantine",
            quarantine_policy=QuarantinePolicy(
                self.settings.quarantine_max_bytes, self.settings.quarantine_keep_days
            ),
            retention=RetentionTable.load(),
            code_rule=ac.ArchivalCodeRule.load(),
            category=self.settings.category,
            clock=self.clock,
            agent=self.settings.agent,
            events=self.events,
            fault_point=self.settings.crash_at,
            declare_retention=self._declare_retention,
            identities=self.identities,
            certificates=self.identity.certificates,
            deferred_indexing=self.settings.indexing == "queue",
            preservation_jobs=self.settings.preservation_jobs,
            file_threads=file_threads,
        )

    # -- ingest -----------------------------------------------------------------------------
    def ingest(self, paths: Iterable[Path], workers: int = 1) -> Iterator[IngestResult]:
        """Resume interrupted ingests, then ingest every package found under ``paths``.

        With ``workers`` > 1 the packages are ingested by that many processes (each with its own
        backends; the catalog serialises 档号 allocation); results come back in input order.
        """
        ctx = self.context()
        yield from resume_pending(ctx)
        self.reindex_queued()
        sources = expand_sources(paths)
        head = list(itertools.islice(sources, 2))
        if workers <= 1 or len(head) < 2:
            results = (ingest_waiting(source, ctx) for source in itertools.chain(head, sources))
            yield from self._indexing_as_they_come(results)
            return
        self.engine.dispose()  # no pooled connection may cross the fork
        # what exists now (modules, settings) is never garbage: the collector leaves it alone, so
        # the workers neither scan it again nor copy the pages they share with this process
        gc.freeze()
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(
            max_workers=workers,
            mp_context=fork,
            initializer=_worker_init,
            initargs=(self.settings,),
        ) as pool:
            results = in_order(pool, _worker_ingest, itertools.chain(head, sources), 4 * workers)
            yield from self._indexing_as_they_come(results)

    def _indexing_as_they_come(self, results: Iterable[IngestResult]) -> Iterator[IngestResult]:
        """``results``, with the queued archives indexed every ``index_batch`` archives or
        ``index_interval`` seconds and at the end (the in-process indexer of a CLI ingest)."""
        flushed, queued = time.monotonic(), 0
        for result in results:
            queued += result.status in ("accepted", "new_version")
            yield result
            if queued and (
                queued >= self.settings.index_batch
                or time.monotonic() - flushed >= self.settings.index_interval
            ):
                self.flush_index()
                flushed, queued = time.monotonic(), 0
        self.flush_index()

    def count_sources(self, paths: Iterable[Path]) -> int:
        """How many case packages ``ingest(paths)`` would take (none of them kept in memory)."""
        return sum(1 for _ in expand_sources(paths))

    # -- retrieval --------------------------------------------------------------------------
    def search(self, query: SearchQuery) -> SearchResult:
        return self.index.search(query)

    def show(self, archive_id: str) -> ArchiveView:
        record = self.catalog.get(archive_id)
        if record is None:
            raise NotFoundError(archive_id)
        return ArchiveView(
            record=record,
            files=list(self.catalog.files(archive_id)),
            versions=list(self.catalog.versions(archive_id)),
        )

    def open_file(self, archive_id: str, logical_path: str, version: int | None = None) -> BinaryIO:
        record = self.catalog.get(archive_id)
        if record is None:
            raise NotFoundError(archive_id)
        v = f"v{version}" if version else None
        try:
            return self.storage.open_file(record.object_id, logical_path, v)
        except KeyError as exc:
            raise NotFoundError(f"{archive_id}:{logical_path}") from exc

    def version_paths(self, archive_id: str, version: int | None = None) -> list[str]:
        record = self.catalog.get(archive_id)
        if record is None:
            raise NotFoundError(archive_id)
        v = f"v{version or record.version}"
        return sorted(self.storage.version_state(record.object_id, v))

    def flush_index(self) -> int:
        """Index every queued archive now (one commit per batch); returns how many.

        Ingest queues its archives for the indexer; this makes them searchable before it returns
        (the CLI's ingest calls it, tests call it instead of waiting for an indexer).
        """
        from earchive.core.work import drain

        return drain(self, INDEX_JOB, self.settings.index_batch)

    def reindex_queued(self) -> int:
        """Retry indexing of archives whose indexing failed earlier; returns how many."""
        return retry_queued(self.storage, self.catalog, self.index, self.engine)

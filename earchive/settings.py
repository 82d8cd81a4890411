"""Settings, read once from ``EARCHIVE_*`` environment variables (and nowhere else).

Defaults need no services: a data directory ``./earchive-data`` holding the OCFL storage root,
the SQLite catalog and index, the archive's signing key, the work area and the quarantine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EARCHIVE_", extra="ignore")

    home: Path = Path("earchive-data")
    storage: Literal["fs", "s3"] = "fs"
    s3_endpoint: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_bucket: str = "earchive"
    s3_secure: bool = False  # https to the S3 endpoint (off for a local server)
    s3_retention_days: int = 3650  # default COMPLIANCE retention per object version
    replica: str = ""  # second storage location: "fs:<path>" or "s3:<bucket>" (same endpoint)
    db_url: str = ""
    search: Literal["tantivy", "sqlite", "elasticsearch"] = "tantivy"
    # queue: ingest records what to index and an indexer commits it in batches; inline: at once
    indexing: Literal["queue", "inline"] = "queue"
    index_batch: int = 500  # the indexer commits every this many documents …
    index_interval: float = 2.0  # … or after this many seconds, whichever comes first
    es_url: str = ""
    # background work (earchive.jobs.tasks): empty broker = run tasks in-process
    broker_url: str = ""  # Celery broker: redis://… or amqp://…
    result_backend: str = ""  # empty = the broker for redis://, rpc:// for amqp://
    broker_visibility_timeout: int = 3600  # redis: seconds before an unacked task is redelivered
    broker_key_prefix: str = ""  # redis: prefix of every broker and result key
    task_queue: str = "earchive"  # the queue tasks go to and workers consume
    audit_interval: int = 86400  # scheduler: seconds between fixity audit runs
    audit_limit: int = 1000  # scheduler: most objects per scheduled audit run
    # scheduler: seconds between sweeps of the queued index jobs, the net under the indexing task
    # each ingest chains (a lost or failed one leaves its jobs queued)
    work_sweep_interval: int = 60
    signing: Literal["sm2", "ecdsa"] = "sm2"
    signing_key: Path | None = None
    # opens the imported signing keys of the archive and its 立档单位 (earchive keys import)
    key_passphrase: SecretStr = SecretStr("")
    category: str = "WS"
    agent: str = "earchive"
    trust_dir: Path | None = None
    transfer_target: Path | None = None  # directory the API/UI deliver transfers into
    # transfer delivery (sender): credentials for `transfer run --to s3://… | https://…`
    transfer_s3_endpoint: str = ""  # the bureau's S3 endpoint host:port
    transfer_s3_access_key: str = ""
    transfer_s3_secret_key: str = ""
    transfer_s3_secure: bool = True
    transfer_token: str = ""  # bearer token of the bureau's receiving API
    transfer_tokens: dict[str, str] = {}  # per policy endpoint name, JSON: {"name": "eat_…"}
    transfer_receiver_key: Path | None = None  # the bureau's public key PEM (checks receipts)
    transfer_retry_attempts: int = 5
    # bureau mode: this archive runs the receiving API (/api/bureau/…) for sending archives
    bureau_mode: bool = False
    bureau_max_file_bytes: int = 8 << 30  # largest file one PUT may deliver
    bureau_senders_dir: Path | None = None  # <token name>.pem per sender; default home/bureau/…
    clamd_socket: Path | None = None  # ClamAV daemon socket for the 4-1 checks
    clamav_db: Path | None = None  # else clamscan with this signature database
    # what the API and UI accept from the outside (docs/security.md)
    trusted_proxies: str = ""  # addresses/networks whose X-Forwarded-For is believed
    max_upload_bytes: int = 512 << 20  # largest request body (the bureau's PUTs: bureau_max_…)
    quarantine_max_bytes: int = 10 << 30  # refused packages kept whole up to this, oldest first
    quarantine_keep_days: int = 90  # after this a refused package is reduced to its report
    crash_at: str | None = None  # test hook: die at a named ingest step
    # preservation planning (docs/formats.md): the fonds whose archives get preservation copies
    # (normalise) and OCR after ingest, comma-separated, "*" for all; empty = off (the default,
    # and the test profile's: the demo and the scale tests stay fast)
    normalise_fonds: str = ""
    ocr_fonds: str = ""
    conversion_timeout: float = 300.0  # seconds per tool run (a hostile document cannot hang)
    conversion_memory_mb: int = 2048  # address space per tool run (not for LibreOffice)

    def preservation_jobs(self, fonds: str) -> tuple[str, ...]:
        """The work-queue kinds an ingest of ``fonds`` enqueues (``ingest.derived_version``'s
        ``NORMALISE_JOB`` and ``OCR_JOB``), as ``normalise_fonds`` and ``ocr_fonds`` name it."""

        def listed(value: str) -> bool:
            names = {part.strip() for part in value.split(",") if part.strip()}
            return "*" in names or fonds in names

        kinds = (("normalise", self.normalise_fonds), ("ocr", self.ocr_fonds))
        return tuple(kind for kind, value in kinds if listed(value))

    @property
    def catalog_url(self) -> str:
        return self.db_url or f"sqlite:///{(self.home / 'catalog.db').resolve()}"

    @property
    def storage_dir(self) -> Path:
        return self.home / "storage"

    @property
    def index_path(self) -> Path:
        """The SQLite FTS5 index (``EARCHIVE_SEARCH=sqlite``)."""
        return self.home / "index.db"

    @property
    def tantivy_path(self) -> Path:
        """The Tantivy index directory (``EARCHIVE_SEARCH=tantivy``, the default)."""
        return self.home / "index-tantivy"

    @property
    def key_dir(self) -> Path:
        return self.home / "keys"

    @property
    def bureau_dir(self) -> Path:
        return self.home / "bureau"

    @property
    def senders_path(self) -> Path:
        return self.bureau_senders_dir or (self.bureau_dir / "senders")

    @property
    def trust_path(self) -> Path:
        return self.trust_dir or (self.home / "trust")

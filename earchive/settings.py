"""Settings, read once from ``EARCHIVE_*`` environment variables (and nowhere else).

Defaults need no services: a data directory ``./earchive-data`` holding the OCFL storage root,
the SQLite catalog and index, the archive's signing key, the work area and the quarantine.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EARCHIVE_", extra="ignore")

    home: Path = Path("earchive-data")
    storage: Literal["fs", "s3"] = "fs"
    s3_endpoint: str = ""
    s3_access_key: str = ""
    s3_secret_key: str = ""
    s3_bucket: str = "earchive"
    db_url: str = ""
    search: Literal["sqlite", "elasticsearch"] = "sqlite"
    es_url: str = ""
    signing: Literal["sm2", "ecdsa"] = "sm2"
    signing_key: Path | None = None
    category: str = "WS"
    agent: str = "earchive"
    trust_dir: Path | None = None
    crash_at: str | None = None  # test hook: die at a named ingest step

    @property
    def catalog_url(self) -> str:
        return self.db_url or f"sqlite:///{(self.home / 'catalog.db').resolve()}"

    @property
    def storage_dir(self) -> Path:
        return self.home / "storage"

    @property
    def index_path(self) -> Path:
        return self.home / "index.db"

    @property
    def key_dir(self) -> Path:
        return self.home / "keys"

    @property
    def trust_path(self) -> Path:
        return self.trust_dir or (self.home / "trust")

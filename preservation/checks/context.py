"""``CheckContext``: everything a 四性 check may look at for one archive version.

The application builds it (``earchive.services.checks.service``): it opens logical files through a
callable (an
OCFL object, a directory), supplies the parsed case record, callables from the layers above
(the ingest rules, the catalog's 件号 list), the registration entry, the event log, the trust
store, the anti-virus adapter and the clock. Files that a tool needs on disk are copied once into
``workdir`` (a caller-owned temporary directory). Writes: only under ``workdir``.
Raises: ``CheckContextError`` for a logical path that is absent or unsafe.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

from package.digest import Digests, digest_file
from package.errors import PackageError
from package.metadata import read_archival_metadata
from package.paths import safe_logical_path
from preservation.antivirus import Antivirus
from preservation.events import Event
from preservation.formats import FormatId, identify
from standards.case import CaseRecord
from standards.finding import Finding

from .registration import RegistrationEntry

__all__ = [
    "ARCHIVAL_XML",
    "CASE_XML",
    "CaseRules",
    "CheckContext",
    "CheckContextError",
    "FileFacts",
    "Serials",
]

CASE_XML = "original/case.xml"
ARCHIVAL_XML = "metadata/archival.xml"
ORIGINAL = "original/"

CaseRules = Callable[[CaseRecord, Path], Sequence[Finding]]
Serials = Callable[[str], Sequence[int]]  # class key (档号 without 件号) → 件号 in that class
T = TypeVar("T")


class CheckContextError(Exception):
    """A logical file is absent, unsafe or unreadable."""


@dataclass(frozen=True)
class FileFacts:
    """What a stored file really is: digests and size measured, format identified by content."""

    path: str
    local: Path
    digests: Digests
    format: FormatId


@dataclass(frozen=True)
class CheckContext:
    """One archive version as the checks see it; see the module docstring."""

    archive_id: str
    stage: str  # GD | YJ | BC
    version: int
    paths: tuple[str, ...]  # logical paths present in the version
    open_file: Callable[[str], BinaryIO]
    workdir: Path
    clock: Callable[[], datetime]
    agent: str = "earchive"
    case: CaseRecord | None = None
    case_findings: tuple[Finding, ...] = ()  # parse/XSD findings of original/case.xml
    case_rules: CaseRules | None = None
    serials: Serials | None = None
    registration: RegistrationEntry | None = None
    events: Sequence[Event] | None = None
    trust_dir: Path | None = None
    archive_key_pem: str | None = None
    antivirus: Antivirus | None = None
    restore_drill: Callable[[], Sequence[Finding]] | None = None  # BC 3-4: restore from backup
    archival_code_rule: Any = None  # standards.archival_code.ArchivalCodeRule; None = shipped
    _memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    # -- files -----------------------------------------------------------------------------
    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """Compute a shared intermediate result once per run (signature statuses, facts)."""
        if key not in self._memo:
            self._memo[key] = compute()
        value: T = self._memo[key]
        return value

    def read(self, path: str) -> bytes:
        """The bytes of a (small) logical file."""
        return self.local(path).read_bytes()

    def local(self, path: str) -> Path:
        """A local copy of a logical file under ``workdir`` (copied on first use)."""
        try:
            safe_logical_path(path)
        except PackageError as exc:
            raise CheckContextError(f"unsafe logical path {path!r}: {exc}") from exc
        if path not in self.paths:
            raise CheckContextError(f"{path} is not in version {self.version}")
        target = self.workdir.joinpath(*path.split("/"))
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            try:
                with self.open_file(path) as src, open(partial, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            except (OSError, KeyError, PackageError) as exc:
                raise CheckContextError(f"cannot read {path}: {exc}") from exc
            partial.replace(target)
        return target

    def originals(self) -> tuple[str, ...]:
        """Logical paths of the archived case files (``original/A|B|C/…``), case.xml excluded."""
        return tuple(p for p in self.paths if p.startswith(ORIGINAL) and p != CASE_XML)

    def originals_root(self) -> Path:
        """The directory holding local copies of every ``original/`` file (case.xml included)."""
        for path in self.paths:
            if path.startswith(ORIGINAL):
                self.local(path)
        return self.workdir / "original"

    def facts(self, path: str) -> FileFacts:
        """Measured digests and content-identified format of a logical file (cached)."""

        def compute() -> FileFacts:
            local = self.local(path)
            try:
                return FileFacts(path, local, digest_file(local), identify(local))
            except OSError as exc:
                raise CheckContextError(f"cannot measure {path}: {exc}") from exc

        return self.memo(f"facts:{path}", compute)

    # -- metadata ----------------------------------------------------------------------------
    def archival(self) -> Mapping[str, object] | None:
        """``metadata/archival.xml`` parsed, or None when absent or unreadable."""

        def compute() -> Mapping[str, object] | None:
            if ARCHIVAL_XML not in self.paths:
                return None
            try:
                return read_archival_metadata(self.read(ARCHIVAL_XML))
            except (PackageError, CheckContextError):
                return None

        return self.memo("archival", compute)

    def archived_files(self) -> dict[str, Mapping[str, object]]:
        """archival.xml's file entries by logical path (empty when unreadable)."""
        meta = self.archival()
        listed = meta.get("files", []) if meta else []
        out: dict[str, Mapping[str, object]] = {}
        for entry in listed if isinstance(listed, list) else []:
            if isinstance(entry, dict):
                out[str(entry.get("path", ""))] = entry
        return out

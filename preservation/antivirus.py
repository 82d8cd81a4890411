"""Anti-virus adapter (ClamAV): a daemon over a local unix socket, or ``clamscan -d <db>``.

``Antivirus`` is the small interface the 4-1 checks use: ``info()`` (engine and signature
database versions, for the evidence) and ``scan(paths)``. ``ClamdAntivirus`` streams each file
to ``clamd`` (INSTREAM, PyPI ``clamd`` client); ``ClamscanAntivirus`` runs the command-line
scanner with an explicit database. ``configure`` picks one from settings, or returns None when
no engine is configured (the check then says MANUAL_REVIEW, never PASS).
Reads: the files scanned, the database file. Writes: nothing. Raises: ``AntivirusError``.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = [
    "Antivirus",
    "AntivirusError",
    "ClamdAntivirus",
    "ClamscanAntivirus",
    "EngineInfo",
    "ScanResult",
    "configure",
]

_FOUND = re.compile(r"^(?P<path>.*): (?P<signature>\S+) FOUND$")
_TIMEOUT = 600


class AntivirusError(Exception):
    """The engine is missing, failed, or answered something we cannot read."""


@dataclass(frozen=True)
class EngineInfo:
    name: str  # "ClamAV (clamscan)" / "ClamAV (clamd)"
    version: str  # engine version as reported
    database: str  # database name/version/digest as far as known

    def __str__(self) -> str:
        return f"{self.name} {self.version}; database {self.database}"


@dataclass(frozen=True)
class ScanResult:
    path: Path
    infected: bool
    signature: str = ""


class Antivirus(Protocol):
    def info(self) -> EngineInfo: ...

    def scan(self, paths: Sequence[Path]) -> list[ScanResult]: ...


def _database_label(database: Path) -> str:
    try:
        digest = (
            hashlib.sha256(database.read_bytes()).hexdigest()[:16] if database.is_file() else ""
        )
    except OSError as exc:
        raise AntivirusError(f"cannot read the signature database: {exc}") from exc
    return f"{database.name}" + (f" sha256:{digest}" if digest else " (directory)")


class ClamscanAntivirus:
    """``clamscan -d <database>`` (rc 0 clean, 1 found, 2 error)."""

    def __init__(self, database: Path, executable: str = "clamscan") -> None:
        found = shutil.which(executable)
        if found is None:
            raise AntivirusError(f"{executable} not found")
        if not database.exists():
            raise AntivirusError(f"signature database not found: {database.name}")
        self.executable = found
        self.database = database

    def info(self) -> EngineInfo:
        proc = self._run(["--version"])
        return EngineInfo("ClamAV (clamscan)", proc.stdout.strip(), _database_label(self.database))

    def _run(self, args: list[str]) -> subprocess.CompletedProcess[str]:
        try:
            return subprocess.run(
                [self.executable, "-d", str(self.database), *args],
                capture_output=True,
                text=True,
                timeout=_TIMEOUT,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise AntivirusError(f"clamscan did not run: {exc}") from exc

    def scan(self, paths: Sequence[Path]) -> list[ScanResult]:
        if not paths:
            return []
        proc = self._run(["--no-summary", "--stdout", "--", *map(str, paths)])
        if proc.returncode not in (0, 1):
            raise AntivirusError(f"clamscan exit {proc.returncode}: {proc.stderr.strip()[:300]}")
        infected: dict[str, str] = {}
        for line in proc.stdout.splitlines():
            match = _FOUND.match(line)
            if match:
                infected[match["path"]] = match["signature"]
        return [ScanResult(p, str(p) in infected, infected.get(str(p), "")) for p in paths]


class ClamdAntivirus:
    """A running ``clamd`` on a local unix socket; files are streamed (INSTREAM)."""

    def __init__(self, socket_path: Path) -> None:
        import clamd

        self._client = clamd.ClamdUnixSocket(path=str(socket_path))
        self._errors: tuple[type[BaseException], ...] = (clamd.ClamdError, OSError)

    def info(self) -> EngineInfo:
        try:
            version = str(self._client.version())
        except self._errors as exc:
            raise AntivirusError(f"clamd does not answer: {exc}") from exc
        engine, _, database = version.partition("/")
        return EngineInfo("ClamAV (clamd)", engine, database or "unknown")

    def scan(self, paths: Sequence[Path]) -> list[ScanResult]:
        results = []
        for path in paths:
            try:
                with open(path, "rb") as fp:
                    answer = self._client.instream(fp)
            except self._errors as exc:
                raise AntivirusError(f"clamd scan of {path.name} failed: {exc}") from exc
            status, signature = (answer or {}).get("stream", ("ERROR", "no answer"))
            if status == "ERROR":
                raise AntivirusError(f"clamd could not scan {path.name}: {signature}")
            found = status == "FOUND"
            results.append(ScanResult(path, found, str(signature) if found else ""))
        return results


def configure(socket_path: Path | None, database: Path | None) -> Antivirus | None:
    """The daemon when a socket is given, else clamscan with ``database``; None if neither."""
    if socket_path is not None:
        return ClamdAntivirus(socket_path)
    if database is not None:
        return ClamscanAntivirus(database)
    return None

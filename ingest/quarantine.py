"""The quarantine: refused case packages kept with their reports, within a quota.

One folder per refusal, ``<UTC stamp>-<8 hex>-<package name>/``, holding the package as it came
and ``report.json`` (every reason). The quarantine is bounded (``QuarantinePolicy``): a folder
older than ``keep_days`` — and, while the whole quarantine is over ``max_bytes``, the oldest
folders first — is *reduced* to its report (the package bytes go, ``report.json`` says when and
why), so a flood of refusals cannot fill the disk and no reason is ever lost. A folder is named
only by ``folder`` (a safe name of an existing folder); ``delete`` removes one whole.

Reads/writes: the quarantine directory. Raises: ``QuarantineError``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

__all__ = [
    "REPORT",
    "QuarantineError",
    "QuarantinePolicy",
    "delete",
    "enforce",
    "folder",
    "keep",
    "kept_package",
    "reduce",
    "report",
]

REPORT = "report.json"
_NAME = re.compile(r"^\d{8}T\d{6}-[0-9a-f]{8}-[^/\\\x00]{1,255}$")


class QuarantineError(Exception):
    """No quarantined package of that name, or it cannot be read or changed."""


@dataclass(frozen=True)
class QuarantinePolicy:
    """How much the quarantine keeps whole: at most ``max_bytes`` in all, none past
    ``keep_days``; beyond that, packages are reduced to their reports, oldest first."""

    max_bytes: int = 10 << 30
    keep_days: int = 90


def keep(
    quarantine_dir: Path, source: Path, report_body: Mapping[str, object], at: datetime
) -> Path:
    """Keep the refused ``source`` (a ZIP or a folder) with its report; returns its folder."""
    target = quarantine_dir / f"{at.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}-{source.name}"
    target.mkdir(parents=True)
    if source.is_dir():
        shutil.copytree(source, target / source.name, symlinks=True)
    elif source.exists():
        shutil.copy2(source, target / source.name)
    _write_report(target, report_body)
    return target


def folder(quarantine_dir: Path, name: str) -> Path:
    """The folder of the quarantined package ``name`` (``QuarantineError`` for a name that is
    not one, or that does not exist)."""
    if not _NAME.match(name) or name in (".", ".."):
        raise QuarantineError(f"not a quarantined package: {name!r}")
    path = quarantine_dir / name
    if not path.is_dir() or path.is_symlink():
        raise QuarantineError(f"not a quarantined package: {name!r}")
    return path


def report(path: Path) -> dict[str, object]:
    """The report of a quarantine folder."""
    try:
        data = json.loads((path / REPORT).read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise QuarantineError(f"{path.name}: report unreadable: {exc}") from exc
    if not isinstance(data, dict):
        raise QuarantineError(f"{path.name}: report is not an object")
    return data


def kept_package(path: Path) -> Path | None:
    """The refused package kept in a quarantine folder, or None (reduced to its report)."""
    kept = [p for p in path.iterdir() if p.name != REPORT]
    return kept[0] if len(kept) == 1 else None


def reduce(path: Path, why: str, at: datetime) -> int:
    """Drop the package from a quarantine folder, keeping its report (which records when and
    why); returns the bytes freed."""
    body = report(path)
    freed = 0
    for child in path.iterdir():
        if child.name == REPORT:
            continue
        freed += _size(child)
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    body["reduced"] = {"at": at.isoformat(), "why": why, "bytes_freed": freed}
    _write_report(path, body)
    return freed


def delete(path: Path) -> None:
    """Remove a quarantine folder whole (the caller records who and why)."""
    shutil.rmtree(path)


def enforce(quarantine_dir: Path, policy: QuarantinePolicy, now: datetime) -> list[tuple[str, int]]:
    """Reduce the folders the policy no longer keeps whole; returns (folder, bytes freed) each."""
    if not quarantine_dir.is_dir():
        return []
    folders = sorted(p for p in quarantine_dir.iterdir() if p.is_dir() and _NAME.match(p.name))
    sizes = {p: _size(p) for p in folders}
    total = sum(sizes.values())
    cutoff = (now - timedelta(days=policy.keep_days)).strftime("%Y%m%dT%H%M%S")
    reduced: list[tuple[str, int]] = []
    for path in folders:  # oldest first: names begin with their UTC stamp
        too_old = path.name[:15] < cutoff
        if not (too_old or total > policy.max_bytes) or kept_package(path) is None:
            continue
        why = "older than the retention" if too_old else "quarantine over its quota"
        try:
            freed = reduce(path, why, now)
        except (QuarantineError, OSError):
            continue  # an unreadable folder stays as it is; the next run tries again
        total -= freed
        reduced.append((path.name, freed))
    return reduced


def _write_report(path: Path, body: Mapping[str, object]) -> None:
    tmp = path / f".{REPORT}.tmp"
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=2), encoding="utf-8")
    os.replace(tmp, path / REPORT)


def _size(path: Path) -> int:
    if path.is_symlink() or path.is_file():
        return path.lstat().st_size
    return sum(entry.stat(follow_symlinks=False).st_size for entry in _files(path))


def _files(path: Path) -> Iterator[os.DirEntry[str]]:
    with os.scandir(path) as it:
        for entry in it:
            if entry.is_dir(follow_symlinks=False):
                yield from _files(Path(entry.path))
            else:
                yield entry

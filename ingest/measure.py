"""Measuring a package file: its real size, SM3, SHA-256 and format (never the declared ones).

Reads: files under an unpacked package root. Writes: nothing. Raises: ``MeasureError`` for an
unsafe relative path or a file that cannot be read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from package.digest import digest_file
from preservation.formats import FormatId, identify
from standards.errors import UnsafePathError
from standards.paths import check_relative_path

__all__ = ["PACKAGE_FOLDERS", "MeasureError", "Measured", "list_files", "measure", "measure_all"]

PACKAGE_FOLDERS = ("A", "B", "C")


class MeasureError(Exception):
    """A file that cannot be measured (unsafe path, not a regular file, unreadable)."""


@dataclass(frozen=True)
class Measured:
    """What a file really is: bytes counted, both digests, format identified by content."""

    size: int
    sm3: str
    sha256: str
    format: FormatId


def measure(root: Path, relpath: str) -> Measured:
    """Measure ``root/relpath`` in one streaming pass plus a format probe."""
    try:
        check_relative_path(relpath)
    except UnsafePathError as exc:
        raise MeasureError(str(exc)) from exc
    path = root / relpath
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode):
            raise MeasureError(f"not a regular file: {relpath}")
        digests = digest_file(path)
        found = identify(path)
    except OSError as exc:
        raise MeasureError(f"cannot read {relpath}: {exc}") from exc
    return Measured(size=digests.size, sm3=digests.sm3, sha256=digests.sha256, format=found)


def list_files(root: Path) -> tuple[str, ...]:
    """Return the relative POSIX paths of the regular files under ``root``'s A/, B/ and C/.

    Links and other non-regular entries are skipped (unpack refuses them before this runs).
    Order: a folder's files by name, then its sub-folders by name (as a sorted ``os.walk``).
    """
    found: list[str] = []
    for folder in PACKAGE_FOLDERS:
        top = root / folder
        if top.is_dir() and not top.is_symlink():
            _walk(os.fspath(top), folder, found)
    return tuple(found)


def _walk(folder: str, relative: str, found: list[str]) -> None:
    # the directory entries' own types: no stat per file, and links are never followed
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda e: e.name)
    found.extend(f"{relative}/{e.name}" for e in entries if e.is_file(follow_symlinks=False))
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            _walk(entry.path, f"{relative}/{entry.name}", found)


def measure_all(
    root: Path, paths: Sequence[str] | None = None, threads: int = 2
) -> dict[str, Measured]:
    """Measure ``paths`` (default: every regular file under A/, B/ and C/), keyed by relative path.

    ``threads`` share the work (hashlib releases the GIL while it hashes) when a core is free
    for them; where processes already keep every core busy, pass 1: threads then cost CPU
    (handing the GIL back and forth, ~30% more on the sample cases) and win no time.
    """
    rels = list(list_files(root) if paths is None else paths)
    if threads <= 1 or len(rels) < 2:
        return {rel: measure(root, rel) for rel in rels}
    with ThreadPoolExecutor(max_workers=threads) as pool:
        return dict(zip(rels, pool.map(lambda rel: measure(root, rel), rels), strict=True))

"""The work area: one directory per ingest, held by an advisory lock while a process works in it.

A process that dies releases its lock with it, so a later run can tell an abandoned directory
(lock free) from one another process is busy with (lock held) — on the same machine. Abandoned
directories that the journal does not need are swept away; journal-owned ones are resumed.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK = ".lock"


@contextmanager
def held(work: Path, *, wait: bool = True) -> Iterator[bool]:
    """Hold ``work``'s lock for the block; yields False when ``wait`` is off and it is taken."""
    work.mkdir(parents=True, exist_ok=True)
    fd = os.open(work / LOCK, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


def sweep(work_root: Path, keep: set[str]) -> int:
    """Remove abandoned work directories except those in ``keep``; returns how many."""
    if not work_root.is_dir():
        return 0
    removed = 0
    for child in sorted(work_root.iterdir()):
        if not child.is_dir() or str(child) in keep:
            continue
        with held(child, wait=False) as mine:
            if mine:
                shutil.rmtree(child, ignore_errors=True)
                removed += 1
    return removed

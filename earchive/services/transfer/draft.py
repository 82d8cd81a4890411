"""The transfer batch a user is preparing (待移交批次): archives picked from search results or the
plan, kept until the user sends them as one transfer or empties the batch.

Kept per user as a small JSON file under ``<home>/work/transfer-drafts/`` (written whole to a
temporary name and renamed, so a reader never sees half a file); it holds archive ids only and
is no record of the archive (the transfer ledger is). Raises nothing of its own; an unreadable
file reads as an empty batch.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable
from pathlib import Path

from earchive.core.archive import Archive

__all__ = ["add_to_draft", "clear_draft", "draft_ids", "remove_from_draft"]


def _path(archive: Archive, owner: str) -> Path:
    name = hashlib.sha256(owner.encode()).hexdigest()[:32]  # any user name, a safe file name
    return archive.home / "work" / "transfer-drafts" / f"{name}.json"


def draft_ids(archive: Archive, owner: str) -> list[str]:
    """The ids in ``owner``'s batch, in the order they were added."""
    try:
        data = json.loads(_path(archive, owner).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [str(i) for i in data.get("ids", [])] if isinstance(data, dict) else []


def _write(archive: Archive, owner: str, ids: list[str]) -> None:
    path = _path(archive, owner)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"owner": owner, "ids": ids}, ensure_ascii=False), "utf-8")
    temporary.replace(path)


def add_to_draft(archive: Archive, owner: str, ids: Iterable[str]) -> list[str]:
    """Add ``ids`` (those not there yet) to the batch; returns it."""
    current = draft_ids(archive, owner)
    current += [i for i in dict.fromkeys(ids) if i not in current]
    _write(archive, owner, current)
    return current


def remove_from_draft(archive: Archive, owner: str, ids: Iterable[str]) -> list[str]:
    gone = set(ids)
    current = [i for i in draft_ids(archive, owner) if i not in gone]
    _write(archive, owner, current)
    return current


def clear_draft(archive: Archive, owner: str) -> None:
    _write(archive, owner, [])

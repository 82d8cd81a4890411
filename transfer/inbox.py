"""The bureau's receiving inbox: a transfer package delivered file by file, never half-written.

A sender's batch lives in ``<root>/<sender>/<batch>/<batch>/``: each file is streamed to a
temporary name under ``…/<batch>/.tmp/``, hashed (SM3 + SHA-256) on the way, compared with the
digests the sender declared, then renamed into place, so the package directory never holds a
partial file. ``listing`` reports what is there (hashed again, never trusted by size);
``receipt_path`` is where the batch's receipt goes — once it exists the batch is closed.
``locked`` serialises the completion of one batch with the files still arriving (``flock``:
released when the process dies). Every stored or refused file is reported to ``on_event``.
Raises the ``InboxError`` family.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from package.digest import Digests, digest_file
from package.errors import UnsafePathError
from package.paths import safe_logical_path

from .errors import (
    BatchClosedError,
    DigestMismatchError,
    InboxError,
    TooLargeError,
    UnknownSenderError,
    UnsafeUploadError,
)
from .receipt import RECEIPT_SUFFIX

__all__ = ["EventSink", "Inbox", "Upload", "batch_lock", "sender_name"]

_BATCH = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
_SENDER = re.compile(r"^[A-Za-z0-9_@-][A-Za-z0-9_.@-]{0,63}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")

#: ``(sender, batch, outcome, detail)``: what the inbox did with one file or batch
EventSink = Callable[..., None]


def _ignore(sender: str, batch: str, outcome: str, **detail: str) -> None:
    return None


def sender_name(name: str) -> str:
    if not _SENDER.match(name) or name.strip(".") == "":
        raise UnknownSenderError(f"sender name {name!r} cannot name a staging area")
    return name


def _batch(batch: str) -> str:
    if not _BATCH.match(batch) or ".." in batch:
        raise UnsafeUploadError(f"batch name {batch!r}: letters, digits, '.', '_' and '-'")
    return batch


@dataclass
class Upload:
    """One file being received: ``write`` chunks, then ``finish`` (or ``abort``)."""

    inbox: Inbox
    sender: str
    batch: str
    path: str
    declared: tuple[str, str]
    part: Path
    target: Path
    limit: int
    size: int = 0
    _sm3: hashlib._Hash = field(default_factory=lambda: hashlib.new("sm3"))
    _sha: hashlib._Hash = field(default_factory=hashlib.sha256)
    _fp: BinaryIO | None = None

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            self.abort()
            raise TooLargeError(f"{self.path}: over the limit of {self.limit} bytes")
        if self._fp is None:
            raise InboxError(f"{self.path}: the upload is closed")
        self._sm3.update(chunk)
        self._sha.update(chunk)
        self._fp.write(chunk)

    def abort(self) -> None:
        if self._fp is not None:
            self._fp.close()
            self._fp = None
        self.part.unlink(missing_ok=True)

    def finish(self) -> bool:
        """Rename into place; ``True`` if stored, ``False`` if the same bytes were there."""
        found = (self._sm3.hexdigest(), self._sha.hexdigest())
        fp, self._fp = self._fp, None
        if fp is None:
            raise InboxError(f"{self.path}: the upload is closed")
        fp.flush()
        os.fsync(fp.fileno())
        fp.close()
        if found != self.declared:
            self.part.unlink(missing_ok=True)
            self.inbox.on_event(
                self.sender,
                self.batch,
                "refused",
                path=self.path,
                expected=f"sm3:{self.declared[0]}",
                found=f"sm3:{found[0]}",
            )
            raise DigestMismatchError(
                f"{self.path}: received bytes have sm3 {found[0]}, declared {self.declared[0]}"
            )
        with batch_lock(self.part.parent.parent):  # not while the batch is being completed
            if self.inbox.closed(self.sender, self.batch):
                self.part.unlink(missing_ok=True)
                raise BatchClosedError(f"batch {self.batch} has its receipt already")
            same = self.target.is_file() and _pair(digest_file(self.target)) == found
            try:
                self.target.parent.mkdir(parents=True, exist_ok=True)
                os.replace(self.part, self.target)
            except OSError as exc:
                self.part.unlink(missing_ok=True)
                raise UnsafeUploadError(f"{self.path}: cannot be stored here: {exc}") from exc
        self.inbox.on_event(
            self.sender,
            self.batch,
            "unchanged" if same else "stored",
            path=self.path,
            sm3=found[0],
            size=str(self.size),
        )
        return not same


@contextlib.contextmanager
def batch_lock(batch_dir: Path) -> Iterator[None]:
    """An exclusive lock on one batch (``flock``: released when the process dies)."""
    batch_dir.mkdir(parents=True, exist_ok=True)
    with open(batch_dir / ".lock", "a+b") as fp:
        fcntl.flock(fp.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fp.fileno(), fcntl.LOCK_UN)


def _pair(d: Digests) -> tuple[str, str]:
    return d.sm3, d.sha256


class Inbox:
    """The receiving inbox under ``root`` (see the module docstring); files over ``limit``
    bytes are refused."""

    def __init__(self, root: Path, limit: int, on_event: EventSink = _ignore) -> None:
        self.root = root
        self.limit = limit
        self.on_event = on_event

    def batch_dir(self, sender: str, batch: str) -> Path:
        return self.root / sender_name(sender) / _batch(batch)

    def package_dir(self, sender: str, batch: str) -> Path:
        return self.batch_dir(sender, batch) / batch

    def receipt_path(self, sender: str, batch: str) -> Path:
        return self.batch_dir(sender, batch) / (batch + RECEIPT_SUFFIX)

    def locked(self, sender: str, batch: str) -> contextlib.AbstractContextManager[None]:
        """Hold the batch: no file lands while the caller completes it."""
        return batch_lock(self.batch_dir(sender, batch))

    def begin(
        self, sender: str, batch: str, path: str, sm3: str, sha256: str, length: int | None
    ) -> Upload:
        """Start receiving ``path`` of ``batch``; raises before anything is written."""
        try:
            safe_logical_path(path)
        except UnsafePathError as exc:
            raise UnsafeUploadError(str(exc)) from exc
        if any(seg.startswith(".") for seg in path.split("/")):
            raise UnsafeUploadError(f"hidden path segment in {path!r}")
        if not (_HEX64.match(sm3) and _HEX64.match(sha256)):
            raise UnsafeUploadError("declare X-Content-SM3 and X-Content-SHA256 (64 hex digits)")
        if length is not None and length > self.limit:
            raise TooLargeError(f"{path}: {length} bytes, over the limit of {self.limit}")
        if self.receipt_path(sender, batch).exists():
            raise BatchClosedError(f"batch {batch} has its receipt already")
        tmp = self.batch_dir(sender, batch) / ".tmp"
        tmp.mkdir(parents=True, exist_ok=True)
        part = tmp / f"{uuid.uuid4().hex}.part"
        upload = Upload(
            self,
            sender,
            batch,
            path,
            (sm3, sha256),
            part,
            self.package_dir(sender, batch) / path,
            self.limit,
        )
        upload._fp = open(part, "xb")  # noqa: SIM115 - closed by finish/abort
        return upload

    def listing(self, sender: str, batch: str) -> tuple[dict[str, Digests], bool]:
        """Every file staged for ``batch`` with its digests, and whether it is closed."""
        root = self.package_dir(sender, batch)
        files = (
            {
                p.relative_to(root).as_posix(): digest_file(p)
                for p in sorted(root.rglob("*"))
                if p.is_file()
            }
            if root.is_dir()
            else {}
        )
        return files, self.receipt_path(sender, batch).is_file()

    def closed(self, sender: str, batch: str) -> bool:
        """Whether ``batch`` has its receipt (nothing more can be delivered into it)."""
        return self.receipt_path(sender, batch).is_file()

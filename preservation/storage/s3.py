"""``S3Store``: the ``ObjectStore`` protocol on an S3 bucket through the ``minio`` client.

Write-once ``put`` is a conditional write (``If-None-Match: *``): the loser of a race compares its
bytes with the stored object (same bytes: a no-op, else ``ObjectExistsError``). The public
``Minio.put_object`` cannot send that header (it turns unknown headers into user metadata), so the
conditional requests go through the client's signed-request method ``_execute`` and its multipart
helpers (minio 7.2; covered by the race tests). Sources are read in parts of ``part_size`` bytes
(at most two parts held in memory). Up to one part: a single PUT, atomic on SeaweedFS 4.48 and
MinIO. Larger: a multipart upload (aborted on any failure, so a failed put leaves no object)
completed with If-None-Match, which SeaweedFS honours but not atomically. So multipart writes of
one key are serialized inside the process, and across processes the race window is closed after
the fact in a versioned bucket (the oldest version wins, see ``_first_writer_won``); in an
unversioned bucket two processes completing the same large key at the same instant can both
succeed, last one wins. Every version written carries the ``RetentionPolicy``'s Object Lock.
``replace`` overwrites a pointer key: in a versioned bucket a new version, the old ones stay.
ETags are never used as digests. Raises ``StorageError`` subclasses; minio/urllib3 errors are
translated.
"""

from __future__ import annotations

import builtins
import contextlib
import hashlib
import io
import itertools
import tempfile
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO, NoReturn
from xml.etree.ElementTree import Element, SubElement, tostring

import urllib3
from minio import Minio
from minio.commonconfig import CopySource
from minio.error import MinioException, S3Error
from minio.helpers import DictType
from minio.retention import Retention

from .base import Source
from .errors import (
    ObjectExistsError,
    ObjectNotFoundError,
    RepairRefusedError,
    ReplaceNotAllowedError,
    StorageError,
    UnsafeKeyError,
)
from .keys import is_pointer_key, safe_key
from .retention import COMPLIANCE, RetentionPolicy

__all__ = ["DEFAULT_PART_SIZE", "S3Store", "ensure_bucket"]

MiB = 1 << 20
DEFAULT_PART_SIZE = 8 * MiB
_MIN_PART, _MAX_PART = 5 * MiB, 5 * 1024 * MiB  # S3's limits for all parts but the last
_NOT_FOUND = frozenset({"NoSuchKey", "NotFound", "NoSuchVersion"})
_OCTET = {"Content-Type": "application/octet-stream"}
_STRIPES = 64  # in-process locks serializing multipart writes of one key
_Failure = (MinioException, urllib3.exceptions.HTTPError, OSError, ValueError)


def _fail(what: str, exc: BaseException) -> NoReturn:
    if isinstance(exc, S3Error) and exc.code in _NOT_FOUND:
        raise ObjectNotFoundError(what) from exc
    raise StorageError(f"S3: cannot {what}: {exc}") from exc


@contextlib.contextmanager
def _translated(what: str) -> Iterator[None]:
    """Turn minio/urllib3/OS errors raised inside into our ``StorageError`` tree."""
    try:
        yield
    except StorageError:
        raise
    except _Failure as exc:
        _fail(what, exc)


def _read_full(stream: BinaryIO, size: int) -> bytes:
    """Read exactly ``size`` bytes, or fewer only at end of stream."""
    parts: builtins.list[bytes] = []
    remaining = size
    while remaining > 0:
        block = stream.read(remaining)
        if not block:
            break
        parts.append(block)
        remaining -= len(block)
    return b"".join(parts)


def _parts(stream: BinaryIO, size: int) -> Iterator[bytes]:
    while block := _read_full(stream, size):
        yield block


@contextlib.contextmanager
def _opened(source: Source) -> Iterator[BinaryIO]:
    """A readable stream over ``source``; files opened here are closed again."""
    if isinstance(source, Path):
        with open(source, "rb") as fp:
            yield fp
    elif isinstance(source, bytes | bytearray | memoryview):
        yield io.BytesIO(source)
    else:
        yield source


def _lock_date(date: datetime) -> str:
    date = date.astimezone(UTC)
    return date.strftime("%Y-%m-%dT%H:%M:%S.") + f"{date.microsecond // 1000:03d}Z"


class _ResponseReader(io.RawIOBase):
    """A GET response as a raw stream; ``close`` releases the HTTP connection."""

    def __init__(self, response: urllib3.BaseHTTPResponse, key: str) -> None:
        self._response = response
        self._key = key

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        with _translated(f"read {self._key!r}"):
            return self._response.readinto(buffer)

    def close(self) -> None:
        if not self.closed:
            self._response.close()
            self._response.release_conn()
        super().close()


class S3Store:
    """Write-once object store in an S3 bucket (see the module docstring for the write protocol).

    ``prefix`` (a safe key, or empty) is a folder inside the bucket that holds this store's keys.
    """

    def __init__(
        self,
        client: Minio,
        bucket: str,
        *,
        prefix: str = "",
        retention: RetentionPolicy | None = None,
        part_size: int = DEFAULT_PART_SIZE,
    ) -> None:
        if not _MIN_PART <= part_size <= _MAX_PART:
            raise StorageError(f"part_size must be 5 MiB to 5 GiB, not {part_size}")
        self.client = client
        self.bucket = bucket
        self.prefix = safe_key(prefix) if prefix else ""
        self.retention = retention
        self.part_size = part_size
        self._root = f"{self.prefix}/" if self.prefix else ""
        self._stripes = tuple(threading.Lock() for _ in range(_STRIPES))

    def __repr__(self) -> str:
        return f"S3Store(bucket={self.bucket!r}, prefix={self.prefix!r})"

    # -- helpers -------------------------------------------------------------------------------

    def _name(self, key: str) -> str:
        return self._root + safe_key(key)

    def _lock_headers(self, key: str) -> dict[str, str]:
        headers = dict(_OCTET)
        if self.retention is None:
            return headers
        until = self.retention.until(key)
        if until is not None:
            headers["x-amz-object-lock-mode"] = COMPLIANCE
            headers["x-amz-object-lock-retain-until-date"] = _lock_date(until)
        if self.retention.hold(key):
            headers["x-amz-object-lock-legal-hold"] = "ON"
        return headers

    def _stat_size(self, name: str) -> int | None:
        try:
            info = self.client.stat_object(self.bucket, name)
        except S3Error as exc:
            if exc.code in _NOT_FOUND:
                return None
            raise
        return int(info.size or 0)

    def _same_as_stored(self, name: str, chunks: Iterable[bytes]) -> bool:
        """Stream-compare the stored object with ``chunks``."""
        with self._open_name(name, name) as stored:
            for chunk in chunks:
                if _read_full(stored, len(chunk)) != chunk:
                    return False
            return stored.read(1) == b""

    def _stored_sha256(self, name: str, version_id: str | None = None) -> str:
        sha = hashlib.sha256()
        with self._open_name(name, name, version_id) as stored:
            while block := stored.read(MiB):
                sha.update(block)
        return sha.hexdigest()

    def _open_name(self, name: str, key: str, version_id: str | None = None) -> BinaryIO:
        with _translated(f"open {key!r}"):
            response = self.client.get_object(self.bucket, name, version_id=version_id)
        return io.BufferedReader(_ResponseReader(response, key), buffer_size=MiB)

    def _retention(self, key: str) -> tuple[Retention | None, bool]:
        until = self.retention.until(key) if self.retention else None
        hold = bool(self.retention and self.retention.hold(key))
        return (Retention(COMPLIANCE, until) if until else None), hold

    def _first_writer_won(self, key: str, name: str, digest: str) -> bool:
        """After our multipart write: did an earlier version of ``name`` hold other bytes?

        SeaweedFS checks If-None-Match on CompleteMultipartUpload but not atomically, so two
        concurrent completes can both succeed. In a versioned bucket the oldest version is the
        write-once object: if it is not ours, it is copied back on top (server-side) and False is
        returned. Unversioned buckets keep no history; the last complete wins there.
        """
        found = self.client.list_objects(self.bucket, prefix=name, include_version=True)
        versions = [v for v in found if v.object_name == name and not v.is_delete_marker]
        if len(versions) <= 1:
            return True
        oldest = versions[-1]  # S3 lists versions newest first
        if self._stored_sha256(name, oldest.version_id) == digest:
            return True
        retention, hold = self._retention(key)
        source = CopySource(self.bucket, name, version_id=oldest.version_id)
        self.client.copy_object(self.bucket, name, source, retention=retention, legal_hold=hold)
        return False

    # -- conditional writes (private minio request methods: see the module docstring) ----------

    def _put_single(self, name: str, data: bytes, headers: dict[str, str]) -> bool:
        """One conditional PUT; False if the key already exists (412)."""
        try:
            self.client._execute(
                "PUT", self.bucket, name, body=data, headers={**headers, "If-None-Match": "*"}
            )
        except S3Error as exc:
            if exc.code == "PreconditionFailed":
                return False
            raise
        return True

    def _put_multipart(
        self, name: str, parts: Iterable[bytes], headers: dict[str, str]
    ) -> tuple[bool, str]:
        """Multipart upload completed with If-None-Match: (written, sha256 hex of the parts).

        ``written`` is False if the key already existed (412); the upload is then aborted.
        """
        sha = hashlib.sha256()
        create_headers: DictType = dict(headers)
        upload_id = self.client._create_multipart_upload(self.bucket, name, create_headers)
        try:
            done = Element("CompleteMultipartUpload")
            for number, data in enumerate(parts, start=1):
                sha.update(data)
                etag = self.client._upload_part(self.bucket, name, data, None, upload_id, number)
                part = SubElement(done, "Part")
                SubElement(part, "PartNumber").text = str(number)
                SubElement(part, "ETag").text = f'"{etag}"'
            self.client._execute(
                "POST",
                self.bucket,
                name,
                body=tostring(done),
                headers={"Content-Type": "application/xml", "If-None-Match": "*"},
                query_params={"uploadId": upload_id},
            )
        except BaseException as exc:
            with contextlib.suppress(*_Failure):
                self.client._abort_multipart_upload(self.bucket, name, upload_id)
            if isinstance(exc, S3Error) and exc.code == "PreconditionFailed":
                return False, sha.hexdigest()
            raise
        return True, sha.hexdigest()

    # -- ObjectStore ---------------------------------------------------------------------------

    def put(self, key: str, source: Source) -> None:
        """Store once; same bytes again is a no-op, different bytes raise ObjectExistsError."""
        name = self._name(key)
        headers = self._lock_headers(key)
        clash = ObjectExistsError(f"{key!r} already stored with different content")
        with _translated(f"store {key!r}"), _opened(source) as stream:
            first = _read_full(stream, self.part_size)
            second = _read_full(stream, self.part_size) if len(first) == self.part_size else b""
            if not second:
                if not self._put_single(name, first, headers) and not self._same_as_stored(
                    name, [first]
                ):
                    raise clash
                return
            blocks = itertools.chain([first, second], _parts(stream, self.part_size))
            with self._stripes[zlib.crc32(name.encode()) % _STRIPES]:
                if self._stat_size(name) is not None:  # rerun: compare without uploading
                    if self._same_as_stored(name, blocks):
                        return
                    raise clash
                written, digest = self._put_multipart(name, blocks, headers)
                if written and self._first_writer_won(key, name, digest):
                    return
                if written or self._stored_sha256(name) != digest:
                    raise clash

    def adopt(self, files: Mapping[str, Path]) -> None:
        """``put`` of each file (an object store cannot link: it uploads copies)."""
        for key, path in files.items():
            self.put(key, path)

    def replace(self, key: str, data: bytes) -> None:
        """Overwrite a pointer key (a new object version in a versioned bucket)."""
        if not is_pointer_key(key):
            raise ReplaceNotAllowedError(f"{key!r} is write-once; only root inventories change")
        name = self._name(key)
        retention, hold = self._retention(key)
        with _translated(f"replace {key!r}"):
            self.client.put_object(
                self.bucket, name, io.BytesIO(data), len(data), retention=retention, legal_hold=hold
            )

    def open(self, key: str) -> BinaryIO:
        """Stream the object; closing the stream releases the connection."""
        return self._open_name(self._name(key), key)

    def exists(self, key: str) -> bool:
        name = self._name(key)
        with _translated(f"stat {key!r}"):
            return self._stat_size(name) is not None

    def size(self, key: str) -> int:
        name = self._name(key)
        with _translated(f"stat {key!r}"):
            size = self._stat_size(name)
        if size is None:
            raise ObjectNotFoundError(key)
        return size

    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield stored keys starting with ``prefix`` in code-point order.

        S3 servers do not agree on listing order (SeaweedFS does not list in UTF-8 byte order), so
        the keys are collected and sorted here. Names that are not safe keys are skipped.
        """
        keys: builtins.list[str] = []
        with _translated(f"list {prefix!r}"):
            found = self.client.list_objects(
                self.bucket, prefix=self._root + prefix or None, recursive=True
            )
            for item in found:
                name = item.object_name
                if not name or item.is_dir or not name.startswith(self._root):
                    continue
                key = name[len(self._root) :]
                try:
                    keys.append(safe_key(key))
                except UnsafeKeyError:
                    continue
        yield from sorted(keys)

    def children(self, folder: str = "") -> Iterator[str]:
        """Sorted names of the "folders" (common prefixes) directly under ``folder``."""
        prefix = self._root + (f"{folder}/" if folder else "")
        names: builtins.list[str] = []
        with _translated(f"list folders of {folder!r}"):
            for item in self.client.list_objects(self.bucket, prefix=prefix or None):
                name = item.object_name or ""
                if item.is_dir and name.startswith(prefix):
                    names.append(name[len(prefix) :].rstrip("/"))
        yield from sorted(n for n in names if n)

    # -- repair (restore from a replica) ------------------------------------------------------

    def repair(self, key: str, source: Source, expected_sha256: str) -> bool:
        """Write a new version of a *corrupt* object with bytes that match ``expected_sha256``.

        Same narrow rule as ``FsStore.repair``: the current version must exist and NOT have the
        expected SHA-256 (else False, nothing written); the new bytes are spooled and checked
        before the upload (``RepairRefusedError`` if they do not match). With Object Lock the
        corrupt version cannot be deleted: it stays, locked, as an older object version, and the
        repaired bytes become the current version (with this store's retention). Returns True.
        """
        if is_pointer_key(key):
            raise ReplaceNotAllowedError(f"{key!r} is a pointer; use replace")
        name = self._name(key)
        with _translated(f"repair {key!r}"):
            if self._stat_size(name) is None:
                raise ObjectNotFoundError(key)
            if self._stored_sha256(name) == expected_sha256:
                return False
            sha = hashlib.sha256()
            with (
                tempfile.SpooledTemporaryFile(max_size=self.part_size) as spool,
                _opened(source) as stream,
            ):
                while block := stream.read(MiB):
                    sha.update(block)
                    spool.write(block)
                if sha.hexdigest() != expected_sha256:
                    raise RepairRefusedError(
                        f"{key!r}: new bytes have sha256 {sha.hexdigest()}, not {expected_sha256}"
                    )
                length = spool.tell()
                spool.seek(0)
                retention, hold = self._retention(key)
                self.client.put_object(
                    self.bucket,
                    name,
                    spool,  # type: ignore[arg-type]  # a binary file object
                    length,
                    part_size=self.part_size,
                    retention=retention,
                    legal_hold=hold,
                )
            if self._stored_sha256(name) != expected_sha256:
                raise StorageError(f"S3: repaired {key!r} does not read back as {expected_sha256}")
        return True


def ensure_bucket(client: Minio, bucket: str, *, object_lock: bool) -> None:
    """Create ``bucket`` if missing; with ``object_lock`` (which turns versioning on) required.

    Raises ``StorageError`` if an existing bucket lacks Object Lock when it is asked for: S3
    cannot add it to a bucket later.
    """
    with _translated(f"create bucket {bucket!r}"):
        if not client.bucket_exists(bucket):
            try:
                client.make_bucket(bucket, object_lock=object_lock)
            except S3Error as exc:
                if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                    raise
        if not object_lock:
            return
        try:
            client.get_object_lock_config(bucket)
        except S3Error as exc:
            if exc.code == "ObjectLockConfigurationNotFoundError":
                raise StorageError(f"bucket {bucket!r} exists without Object Lock") from exc
            raise

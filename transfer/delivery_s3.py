"""Delivery into the bureau's S3 bucket (MinIO), and the bureau's fetch of a delivered package.

``S3Delivery(client, bucket, prefix).deliver(package_dir)`` uploads the package to
``<prefix>/<package name>/<path>`` with the same contract as ``DirectoryDelivery``: the files
listed by the signed manifest, each stored with its SM3 and SHA-256 as object metadata
(``x-amz-meta-sm3`` / ``x-amz-meta-sha256``); an object already there whose metadata carries the
manifest's digests is skipped (size alone is never trusted); the bytes are hashed while they
stream (multipart above ``part_size``) and an object whose bytes differ from the manifest is
deleted again; ``manifest.txt`` and its signature go last. Each step is retried on transient
errors (``retry.retrying``) and reported to ``progress``.

``fetch_s3_package`` (bureau side) downloads ``<key prefix>/…`` into a local directory, manifest
first (no manifest: the delivery is not complete), hashing each object as it streams and naming
every file whose digests differ from the manifest; ``transfer.receiver`` then judges the copy.
Raises ``DeliveryError``.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

import urllib3
from minio import Minio
from minio.error import MinioException, S3Error, ServerError

from package.digest import Digests, digest_file
from package.errors import PackageError, UnsafePathError
from package.manifest import parse_manifest
from package.paths import safe_logical_path

from .delivery import DeliveryResult
from .errors import DeliveryError
from .package import MANIFEST_NAME, SIGNATURE_NAME
from .retry import DeliveryEvent, Progress, RetryPolicy, TransientError, no_progress, retrying

__all__ = [
    "FetchResult",
    "S3Delivery",
    "fetch_s3_package",
    "package_listing",
    "translate_s3_error",
]

MiB = 1 << 20
_TRANSIENT_CODES = frozenset(
    {"SlowDown", "InternalError", "ServiceUnavailable", "RequestTimeout", "OperationAborted"}
)
_NOT_FOUND = frozenset({"NoSuchKey", "NotFound"})
_BLOCK = MiB


def package_listing(package_dir: Path) -> dict[str, tuple[str, str]]:
    """``path → (sm3, sha256)`` for every file of a built package, manifest and signature last."""
    try:
        listing = parse_manifest((package_dir / MANIFEST_NAME).read_bytes())
        out = {safe_logical_path(p): (d.sm3, d.sha256) for p, d in listing.items()}
        for name in (MANIFEST_NAME, SIGNATURE_NAME):
            d = digest_file(package_dir / name)
            out[name] = (d.sm3, d.sha256)
    except (OSError, PackageError) as exc:
        raise DeliveryError(f"package has no readable manifest: {exc}") from exc
    return out


def translate_s3_error(what: str, exc: Exception) -> Exception:
    """A minio/urllib3 error as ``TransientError`` (worth a retry) or ``DeliveryError``."""
    if isinstance(exc, ServerError) or (isinstance(exc, S3Error) and exc.code in _TRANSIENT_CODES):
        return TransientError(f"{what}: {exc}")
    if isinstance(exc, urllib3.exceptions.HTTPError | ConnectionError | TimeoutError):
        return TransientError(f"{what}: {exc}")
    return DeliveryError(f"{what}: {exc}")


class _HashingReader:
    """A file read by the uploader, hashed (SM3 + SHA-256) on the way."""

    def __init__(self, fp: BinaryIO) -> None:
        self._fp = fp
        self.sm3 = hashlib.new("sm3")
        self.sha256 = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self._fp.read(size)
        self.sm3.update(data)
        self.sha256.update(data)
        self.size += len(data)
        return data

    def digests(self) -> tuple[str, str]:
        return self.sm3.hexdigest(), self.sha256.hexdigest()


@dataclass(frozen=True)
class S3Delivery:
    """Deliver a package into ``bucket`` under ``prefix`` (see the module docstring)."""

    client: Minio
    bucket: str
    prefix: str = ""
    part_size: int = 16 * MiB
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    progress: Progress = no_progress

    def _key(self, package: str, path: str) -> str:
        root = self.prefix.strip("/")
        return f"{root}/{package}/{path}" if root else f"{package}/{path}"

    def _stored(self, key: str) -> tuple[str, str] | None:
        try:
            info = self.client.stat_object(self.bucket, key)
        except S3Error as exc:
            if exc.code in _NOT_FOUND:
                return None
            raise translate_s3_error(f"stat {key}", exc) from exc
        except (MinioException, urllib3.exceptions.HTTPError, OSError) as exc:
            raise translate_s3_error(f"stat {key}", exc) from exc
        meta = info.metadata or {}
        return str(meta.get("x-amz-meta-sm3", "")), str(meta.get("x-amz-meta-sha256", ""))

    def _put(self, source: Path, key: str, expected: tuple[str, str]) -> None:
        try:
            with open(source, "rb") as fp:
                reader = _HashingReader(fp)
                size = os.fstat(fp.fileno()).st_size
                self.client.put_object(
                    self.bucket,
                    key,
                    reader,  # type: ignore[arg-type]
                    size,
                    metadata={"sm3": expected[0], "sha256": expected[1]},
                    part_size=self.part_size,
                    num_parallel_uploads=1,
                )
        except (MinioException, urllib3.exceptions.HTTPError, ValueError) as exc:
            raise translate_s3_error(f"put {key}", exc) from exc
        except OSError as exc:
            raise translate_s3_error(f"put {key}", exc) from exc
        if reader.digests() != expected or reader.size != size:
            try:
                self.client.remove_object(self.bucket, key)
            except (MinioException, urllib3.exceptions.HTTPError) as exc:
                raise DeliveryError(f"{key}: source differs from its manifest; {exc}") from exc
            raise DeliveryError(f"source differs from its manifest while sending: {source.name}")

    def deliver(self, package_dir: Path) -> DeliveryResult:
        """Upload ``package_dir``; rerun after an interruption to finish it."""
        listing = package_listing(package_dir)
        copied: list[str] = []
        skipped: list[str] = []
        for path, expected in listing.items():
            key = self._key(package_dir.name, path)
            stored = retrying(f"stat {path}", partial(self._stored, key), self.retry, self.progress)
            if stored == expected:
                skipped.append(path)
                self.progress(DeliveryEvent("skipped", path))
                continue
            put = partial(self._put, package_dir / path, key, expected)
            retrying(f"put {path}", put, self.retry, self.progress)
            copied.append(path)
            self.progress(DeliveryEvent("file", path, detail={"sm3": expected[0]}))
        target = f"s3://{self.bucket}/{self._key(package_dir.name, '')}".rstrip("/")
        self.progress(
            DeliveryEvent(
                "batch", detail={"copied": str(len(copied)), "skipped": str(len(skipped))}
            )
        )
        self.progress(DeliveryEvent("completed", target))
        return DeliveryResult(target, tuple(copied), tuple(skipped))


@dataclass(frozen=True)
class FetchResult:
    path: Path  # the local copy
    fetched: tuple[str, ...]
    mismatched: tuple[str, ...]  # differ from the manifest (``receive`` gives the finding)
    unsafe: tuple[str, ...]  # object keys that are no safe path: not fetched


def _download(client: Minio, bucket: str, key: str, target: Path) -> Digests:
    part = target.with_name(target.name + ".part")
    target.parent.mkdir(parents=True, exist_ok=True)
    sm3, sha = hashlib.new("sm3"), hashlib.sha256()
    size = 0
    try:
        response = client.get_object(bucket, key)
        try:
            with open(part, "wb") as out:
                for chunk in response.stream(_BLOCK):
                    sm3.update(chunk)
                    sha.update(chunk)
                    out.write(chunk)
                    size += len(chunk)
        finally:
            response.close()
            response.release_conn()
    except (MinioException, urllib3.exceptions.HTTPError) as exc:
        part.unlink(missing_ok=True)
        raise translate_s3_error(f"get {key}", exc) from exc
    os.replace(part, target)
    return Digests(sm3.hexdigest(), sha.hexdigest(), size)


def fetch_s3_package(
    client: Minio,
    bucket: str,
    key_prefix: str,
    dest: Path,
    *,
    retry: RetryPolicy | None = None,
    progress: Progress = no_progress,
) -> FetchResult:
    """Download the package under ``key_prefix`` into the new directory ``dest``."""
    policy = retry or RetryPolicy()
    root = key_prefix.strip("/") + "/"
    if dest.exists():
        raise DeliveryError(f"{dest} exists already: fetch into a fresh directory")
    dest.mkdir(parents=True)

    def get(key: str, at: Path) -> Digests:
        return retrying(f"get {key}", lambda: _download(client, bucket, key, at), policy, progress)

    try:
        get(root + MANIFEST_NAME, dest / MANIFEST_NAME)
    except DeliveryError as exc:
        raise DeliveryError(f"s3://{bucket}/{root}: no manifest, delivery incomplete") from exc
    try:
        listing = parse_manifest((dest / MANIFEST_NAME).read_bytes())
        keys = [o.object_name or "" for o in client.list_objects(bucket, root, recursive=True)]
    except PackageError as exc:
        raise DeliveryError(f"s3://{bucket}/{root}: unreadable manifest: {exc}") from exc
    except (MinioException, urllib3.exceptions.HTTPError) as exc:
        raise DeliveryError(f"s3://{bucket}/{root}: cannot list: {exc}") from exc
    fetched, mismatched, unsafe = [MANIFEST_NAME], [], []
    for key in sorted(keys):
        path = key[len(root) :]
        if path == MANIFEST_NAME:
            continue
        try:
            safe_logical_path(path)
        except UnsafePathError:
            unsafe.append(key)
            continue
        found = get(key, dest / path)
        fetched.append(path)
        expected = listing.get(path)
        if expected is not None and (expected.sm3, expected.sha256) != (found.sm3, found.sha256):
            mismatched.append(path)
        progress(DeliveryEvent("file", path, detail={"sm3": found.sm3}))
    progress(DeliveryEvent("completed", str(dest), detail={"mismatched": str(len(mismatched))}))
    return FetchResult(dest, tuple(fetched), tuple(mismatched), tuple(unsafe))

"""Streaming digests: SM3 and SHA-256 of the same bytes in one pass.

Reads: a path, a binary stream or bytes. Writes: nothing. Raises: ``OSError`` from the file only.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

BLOCK = 1 << 20
_buffers = threading.local()  # one reusable read buffer per thread and size


@dataclass(frozen=True)
class Digests:
    sm3: str
    sha256: str
    size: int


def _sm3() -> hashlib._Hash:
    return hashlib.new("sm3")


def _buffer(block: int) -> tuple[bytearray, memoryview]:
    """This thread's buffer of ``block`` bytes: a fresh 1 MiB buffer per file costs more than
    hashing a small file."""
    cached: dict[int, tuple[bytearray, memoryview]] | None = getattr(_buffers, "by_size", None)
    if cached is None:
        cached = _buffers.by_size = {}
    if block not in cached:
        buf = bytearray(block)
        cached[block] = (buf, memoryview(buf))
    return cached[block]


def digest_stream(fp: BinaryIO, block: int = BLOCK) -> Digests:
    """Hash a stream to its end: SM3 and SHA-256 updated from the same buffer."""
    sm3, sha = _sm3(), hashlib.sha256()
    size = 0
    buf, view = _buffer(block)
    readinto = getattr(fp, "readinto", None)
    while True:
        if readinto is not None:
            n = readinto(buf)
            if not n:
                break
            chunk = view[:n]
        else:
            data = fp.read(block)
            if not data:
                break
            chunk = memoryview(data)
            n = len(data)
        sm3.update(chunk)
        sha.update(chunk)
        size += n
    return Digests(sm3=sm3.hexdigest(), sha256=sha.hexdigest(), size=size)


def digest_file(path: Path) -> Digests:
    with open(path, "rb", buffering=0) as fp:
        return digest_stream(fp)


def digest_bytes(data: bytes) -> Digests:
    return Digests(
        sm3=hashlib.new("sm3", data).hexdigest(),
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
    )

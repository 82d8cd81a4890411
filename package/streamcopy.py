"""Copy a file or stream and hash it in the same pass (SM3 and SHA-256 from one buffer).

Reads the source once; writes the target (which must not exist). Raises ``OSError``
(``FileExistsError`` if the target exists).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import BinaryIO

from package.digest import BLOCK, Digests

__all__ = ["copy_and_digest", "copy_stream_and_digest"]


def copy_stream_and_digest(source: BinaryIO, target: Path) -> Digests:
    """Write ``source`` to the new file ``target``; return the digests of the bytes written."""
    sm3, sha = hashlib.new("sm3"), hashlib.sha256()
    size = 0
    with open(target, "xb") as out:
        while True:
            chunk = source.read(BLOCK)
            if not chunk:
                break
            sm3.update(chunk)
            sha.update(chunk)
            out.write(chunk)
            size += len(chunk)
    return Digests(sm3=sm3.hexdigest(), sha256=sha.hexdigest(), size=size)


def copy_and_digest(source: Path, target: Path) -> Digests:
    """Copy the file ``source`` to the new file ``target``; return the digests."""
    with open(source, "rb") as fp:
        return copy_stream_and_digest(fp, target)

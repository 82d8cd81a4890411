"""Export one AIP version as a BagIt 1.0 bag (RFC 8493) with SHA-256 and SM3 manifests.

Layout::

    bagit.txt                 BagIt-Version 1.0, UTF-8
    bag-info.txt              the caller's info, Bagging-Date, Payload-Oxum
    data/<logical path>       the version's files, copied and hashed in the same pass
    manifest-sha256.txt       "<hex>  data/<path>", sorted
    manifest-sm3.txt          the same with SM3 (RFC 8493 allows any algorithm name)
    tagmanifest-sha256.txt    digests of the four tag files above (and of any extra tag files,
    tagmanifest-sm3.txt       e.g. ``objections/<id>/entry.json``: signed annotations)

bagit-python (LoC) only reads manifests whose algorithm is in ``hashlib.algorithms_guaranteed``,
so it ignores the SM3 manifests (without error) and validates the SHA-256 ones; the SHA-256 tag
manifest covers ``manifest-sm3.txt``, so LoC tooling still detects a changed SM3 manifest, and
``package.verify.verify_package`` checks both algorithms. Paths are percent-encoded as RFC 8493
asks (``%`` → ``%25``; CR and LF cannot occur, see ``safe_logical_path``); bagit-python does not
decode ``%25``, so LoC validation of a file name holding ``%`` fails (ours passes).

Reads the callers' streams; writes only under ``dest`` (built in a temporary sibling directory,
renamed into place when complete). Raises ``ExportError``.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import BinaryIO

from package.digest import Digests, digest_file
from package.errors import ExportError, PackageError
from package.paths import safe_logical_path
from package.streamcopy import copy_stream_and_digest

__all__ = [
    "BAGIT_TXT",
    "BAG_ALGORITHMS",
    "decode_bag_path",
    "encode_bag_path",
    "export_bag",
]

BAG_ALGORITHMS = ("sha256", "sm3")
BAGIT_TXT = b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
_COMPUTED = ("Bagging-Date", "Payload-Oxum")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]*")


def encode_bag_path(path: str) -> str:
    """RFC 8493 percent-encoding of a manifest path (``%``, CR, LF)."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def decode_bag_path(path: str) -> str:
    """Inverse of ``encode_bag_path`` (case-insensitive hex)."""
    return re.sub(r"%(25|0[dD]|0[aA])", lambda m: chr(int(m.group(1), 16)), path)


def _manifest(entries: Mapping[str, Digests], algorithm: str) -> bytes:
    lines = [f"{getattr(d, algorithm)}  {encode_bag_path(p)}\n" for p, d in sorted(entries.items())]
    return "".join(lines).encode("utf-8")


def _bag_info(info: Mapping[str, str], bagging_date: date, oxum: str) -> bytes:
    lines = []
    for label, value in info.items():
        if not _LABEL.fullmatch(label) or label in _COMPUTED:
            raise ExportError(f"bad or reserved bag-info label: {label!r}")
        if "\n" in value or "\r" in value:
            raise ExportError(f"bag-info value for {label} holds a line break")
        lines.append(f"{label}: {value}\n")
    lines.append(f"Bagging-Date: {bagging_date.isoformat()}\n")
    lines.append(f"Payload-Oxum: {oxum}\n")
    return "".join(lines).encode("utf-8")


def _write_payload(
    work: Path, files: Iterable[tuple[str, Callable[[], BinaryIO]]]
) -> dict[str, Digests]:
    payload: dict[str, Digests] = {}
    for logical, opener in files:
        safe_logical_path(logical)
        bag_path = "data/" + logical
        if bag_path in payload:
            raise ExportError(f"file given twice: {logical}")
        target = work / bag_path
        target.parent.mkdir(parents=True, exist_ok=True)
        with opener() as stream:
            payload[bag_path] = copy_stream_and_digest(stream, target)
    if not payload:
        raise ExportError("a bag needs at least one payload file")
    return payload


def _extra_tags(extra: Mapping[str, bytes]) -> dict[str, bytes]:
    """Caller's tag files, each in a subdirectory outside ``data/`` (e.g. ``objections/…``)."""
    for name in extra:
        safe_logical_path(name)
        if "/" not in name or name.startswith("data/"):
            raise ExportError(f"extra tag file must be in a directory other than data/: {name}")
    return dict(extra)


def _write_bag(
    work: Path,
    files: Iterable[tuple[str, Callable[[], BinaryIO]]],
    info: Mapping[str, str],
    bagging_date: date,
    tag_files: Mapping[str, bytes],
) -> None:
    payload = _write_payload(work, files)
    oxum = f"{sum(d.size for d in payload.values())}.{len(payload)}"
    tags = {
        "bagit.txt": BAGIT_TXT,
        "bag-info.txt": _bag_info(info, bagging_date, oxum),
    }
    for algorithm in BAG_ALGORITHMS:
        tags[f"manifest-{algorithm}.txt"] = _manifest(payload, algorithm)
    tags.update(_extra_tags(tag_files))
    tag_digests: dict[str, Digests] = {}
    for name, data in tags.items():
        (work / name).parent.mkdir(parents=True, exist_ok=True)
        (work / name).write_bytes(data)
        tag_digests[name] = digest_file(work / name)
    for algorithm in BAG_ALGORITHMS:
        (work / f"tagmanifest-{algorithm}.txt").write_bytes(_manifest(tag_digests, algorithm))


def export_bag(
    dest: Path,
    files: Iterable[tuple[str, Callable[[], BinaryIO]]],
    info: Mapping[str, str],
    *,
    bagging_date: date,
    tag_files: Mapping[str, bytes] | None = None,
) -> Path:
    """Write a BagIt 1.0 bag of ``files`` (logical path, opener) at ``dest``; return ``dest``.

    ``info`` gives the bag-info.txt fields in order (e.g. ``Source-Organization``,
    ``External-Identifier`` = the archive id); ``Bagging-Date`` and ``Payload-Oxum`` are added.
    Refuses an existing non-empty ``dest``. Raises ``ExportError`` (also for unsafe or repeated
    paths and unreadable sources); on error nothing is left at ``dest``. ``tag_files`` (path →
    bytes, each in a directory other than ``data/``) are extra tag files, listed in the tag
    manifests; they are not payload, so the AIP inside stays as it is.
    """
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise ExportError(f"destination exists and is not empty: {dest.name}")
    dest.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{dest.name}.partial-", dir=dest.parent))
    try:
        _write_bag(work, files, info, bagging_date, tag_files or {})
        os.chmod(work, 0o755)  # mkdtemp made it 0700
        if dest.exists():
            dest.rmdir()
        os.rename(work, dest)
    except ExportError:
        shutil.rmtree(work, ignore_errors=True)
        raise
    except (PackageError, OSError) as exc:
        shutil.rmtree(work, ignore_errors=True)
        raise ExportError(f"cannot export bag: {exc}") from exc
    return dest

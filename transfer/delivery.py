"""Delivery adapters: move a built transfer package to the receiver.

``DirectoryDelivery(dest)`` copies the package into ``dest/<package name>/`` (a shared folder, a
mounted exchange area). It is resumable: files are listed by the package's signed manifest, a
file already at the target with the manifest's SM3 and SHA-256 is skipped, anything else is
copied to a temporary name and renamed (so a file is never half there under its real name);
``manifest.txt`` and its signature go last, so a receiver never sees a manifest before its files.
Stale temporary files of an interrupted run are removed. Raises ``DeliveryError``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from package.digest import digest_file
from package.errors import PackageError
from package.manifest import parse_manifest
from package.paths import safe_logical_path
from package.streamcopy import copy_and_digest

from .errors import DeliveryError
from .package import MANIFEST_NAME, SIGNATURE_NAME

__all__ = ["Delivery", "DeliveryResult", "DirectoryDelivery"]

_PART = ".part"


@dataclass(frozen=True)
class DeliveryResult:
    target: str  # where the package now is (a path, an s3:// or https:// address)
    copied: tuple[str, ...]
    skipped: tuple[str, ...]
    receipt: bytes | None = None  # the receiver's signed receipt.json, when it answers at once


class Delivery(Protocol):
    """Something that delivers a package directory to the receiver."""

    def deliver(self, package_dir: Path) -> DeliveryResult: ...


@dataclass(frozen=True)
class DirectoryDelivery:
    dest: Path

    def _copy(self, source: Path, target: Path, expected: tuple[str, str] | None) -> None:
        part = target.with_name(target.name + _PART)
        part.unlink(missing_ok=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        digests = copy_and_digest(source, part)
        if expected is not None and (digests.sm3, digests.sha256) != expected:
            part.unlink(missing_ok=True)
            raise DeliveryError(f"source differs from its manifest while copying: {source.name}")
        with open(part, "rb") as fp:
            os.fsync(fp.fileno())
        os.replace(part, target)

    def deliver(self, package_dir: Path) -> DeliveryResult:
        """Copy ``package_dir`` into ``dest``; rerun after an interruption to finish it."""
        target = self.dest / package_dir.name
        try:
            listing = parse_manifest((package_dir / MANIFEST_NAME).read_bytes())
        except (OSError, PackageError) as exc:
            raise DeliveryError(f"package has no readable manifest: {exc}") from exc
        copied: list[str] = []
        skipped: list[str] = []
        try:
            for stale in target.rglob(f"*{_PART}") if target.exists() else ():
                stale.unlink()
            for path, digests in listing.items():
                safe_logical_path(path)
                at = target / path
                if (
                    at.is_file()
                    and (d := digest_file(at))
                    and (d.sm3, d.sha256) == (digests.sm3, digests.sha256)
                ):
                    skipped.append(path)
                    continue
                self._copy(package_dir / path, at, (digests.sm3, digests.sha256))
                copied.append(path)
            for name in (MANIFEST_NAME, SIGNATURE_NAME):  # last: the package is now complete
                self._copy(package_dir / name, target / name, None)
                copied.append(name)
        except (OSError, PackageError) as exc:
            raise DeliveryError(f"delivery to {target} stopped: {exc}") from exc
        return DeliveryResult(str(target), tuple(copied), tuple(skipped))

"""Turning a rendered case folder into the package container: a ZIP or a directory.

ZIP entries: ``case.xml``, then ``A/``, ``B/``, ``C/`` and their files in name order; every
entry with a non-ASCII (Chinese) name is stored as UTF-8 with the language-encoding flag
(bit 11) set — ``zipfile`` does that itself and clears the flag on ASCII names. Timestamps
are the case's submission time, JPEGs are stored and everything else deflated, so equal inputs
give equal ZIP bytes.
"""

from __future__ import annotations

import os
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

__all__ = ["move_directory", "write_zip"]

FOLDERS = ("A", "B", "C")


def _info(name: str, when: datetime, *, is_dir: bool, stored: bool) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=when.timetuple()[:6])
    info.create_system = 3
    if is_dir:
        info.external_attr = (0o40755 << 16) | 0x10
        info.compress_type = zipfile.ZIP_STORED
    else:
        info.external_attr = 0o100644 << 16
        info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
    return info


def write_zip(root: Path, target: Path, when: datetime) -> Path:
    """Write ``root`` (case.xml, A/, B/, C/) as the ZIP ``target`` atomically; returns it."""
    partial = target.with_name(target.name + ".partial")
    with zipfile.ZipFile(partial, "w") as zf:
        zf.writestr(
            _info("case.xml", when, is_dir=False, stored=False), (root / "case.xml").read_bytes()
        )
        for folder in FOLDERS:
            zf.writestr(_info(f"{folder}/", when, is_dir=True, stored=True), b"")
            for path in sorted((root / folder).iterdir()):
                stored = path.suffix.lower() in (".jpg", ".jpeg")
                zf.writestr(
                    _info(f"{folder}/{path.name}", when, is_dir=False, stored=stored),
                    path.read_bytes(),
                )
    os.replace(partial, target)
    return target


def move_directory(root: Path, target: Path) -> Path:
    """Move the rendered folder to ``target``, replacing an earlier one; returns it."""
    if target.exists():
        shutil.rmtree(target)
    os.replace(root, target)
    return target

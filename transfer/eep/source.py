"""What ``build_eep`` reads and returns: one archive version (its metadata and files), the options
of the package (creating unit, time, the 立档单位's certificate chain) and the facts of the EEP
written. Plain frozen values; reads and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from package.digest import Digests

__all__ = ["BuiltEep", "EepDocument", "EepOptions", "EepSource"]


@dataclass(frozen=True)
class EepDocument:
    """One file of the archive version: its logical path, how to open it and, when known, its
    size in bytes (``None``: taken from the metadata's file list, else measured by reading the
    file once before it is encoded — 计算机文件大小 precedes the data in the package)."""

    path: str
    open: Callable[[], BinaryIO]
    size: int | None = None


@dataclass(frozen=True)
class EepSource:
    """An archive version: its parsed ``archival.xml`` and its files (metadata files included:
    they travel as documents of 文件数据)."""

    metadata: Mapping[str, Any]  # package.metadata.read_archival_metadata output
    documents: tuple[EepDocument, ...]


@dataclass(frozen=True)
class EepOptions:
    """The package's own facts.

    ``certificates``: the signer's X.509 certificate (DER) first, then its issuers; the first
    must hold the signing key. ``signer_name``: the 立档单位's name, written as 签名人.
    ``carrier``: 脱机载体编号 — the carrier the package travels on (``在线`` for an online
    transfer, else the removable medium's number).
    """

    unit: str  # 封装包创建单位
    created: datetime  # aware: 封装包创建时间 and 签名时间
    signer_name: str  # 签名人
    certificates: tuple[bytes, ...]
    carrier: str = "在线"


@dataclass(frozen=True)
class BuiltEep:
    """An EEP written: its path, the digests of the file, and how many of the source's
    documents it holds (the 文档清单 added to them is not counted)."""

    path: Path
    digests: Digests
    documents: int

"""What ``read_eep`` returns: who the package is and the documents it holds. Plain frozen values."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from package.digest import Digests

__all__ = ["EepContents", "EepEntry"]


@dataclass(frozen=True)
class EepEntry:
    """One 文档 of an EEP.

    ``identifier`` is its 文档标识符 (an XML ID such as ``DOC0001``; in the previous form, the
    logical path itself); ``path`` its logical path in the sender's AIP (from the 文档清单);
    ``declared`` the size and digests the signed 文档清单 states. ``embedded`` and ``external``
    are used only by the previous form: decoded small data, or a file beside the EEP.
    """

    identifier: str
    path: str
    declared: Digests
    name: str = ""  # 计算机文件名
    embedded: bytes | None = None
    external: str = ""


@dataclass(frozen=True)
class EepContents:
    """An EEP's identity (电子文件号, 档号, the creating unit) and its documents."""

    path: Path
    electronic_record_code: str  # 电子文件号
    archival_code: str  # 档号 as the sender assigned it
    unit: str  # 封装包创建单位: the sender
    entries: tuple[EepEntry, ...]
    legacy: bool = False  # read in earchive's previous (non-DA/T 48) form

"""The 文档清单 (``eep-manifest.tsv``): the last document of an EEP's 文件数据.

DA/T 48 has no element for a document's digests or for its place in the sender's archival
package, and adds none may be added; so both travel as a document of their own, inside the
signed 被签名对象: one line per other document — 文档标识符, size in bytes, SM3, SHA-256 (hex) and
the logical path in the sender's AIP (``original/A/申请表.pdf``). UTF-8, tab-separated, ``#``
lines are comments. Pure functions; raises ``EepError`` for a malformed list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from package.digest import Digests
from package.errors import UnsafePathError
from package.paths import safe_logical_path

from ..errors import EepError

__all__ = ["ManifestRow", "manifest_tsv", "parse_manifest"]

_HEADER = ("文档标识符", "字节数", "SM3", "SHA-256", "路径")
_PREAMBLE = (
    "# earchive EEP 文档清单 1",
    "# 每行一个文档（UTF-8，制表符分隔）：文档标识符、计算机文件大小（字节）、SM3 摘要、"
    "SHA-256 摘要、在移交单位档案信息包中的逻辑路径",
)
_HEX = re.compile(r"[0-9a-f]{64}")


@dataclass(frozen=True)
class ManifestRow:
    identifier: str  # 文档标识符
    path: str  # logical path in the sender's AIP
    digests: Digests


def manifest_tsv(rows: Sequence[ManifestRow]) -> bytes:
    """The bytes of the 文档清单."""
    lines = [*_PREAMBLE, "\t".join(_HEADER)]
    for row in rows:
        d = row.digests
        lines.append("\t".join((row.identifier, str(d.size), d.sm3, d.sha256, row.path)))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _row(fields: list[str], number: int) -> ManifestRow:
    if len(fields) != len(_HEADER):
        raise EepError(f"文档清单 line {number}: {len(fields)} fields, expected {len(_HEADER)}")
    identifier, size, sm3, sha256, path = fields
    if not size.isascii() or not size.isdigit():
        raise EepError(f"文档清单 line {number}: size {size!r} is not a number")
    if not (_HEX.fullmatch(sm3) and _HEX.fullmatch(sha256)):
        raise EepError(f"文档清单 line {number}: digests are not 64 hex digits")
    try:
        safe_logical_path(path)
    except UnsafePathError as exc:
        raise EepError(f"文档清单 line {number}: unsafe path {path!r}") from exc
    return ManifestRow(identifier, path, Digests(sm3, sha256, int(size)))


def parse_manifest(data: bytes) -> tuple[ManifestRow, ...]:
    """The rows of a 文档清单; raises ``EepError`` when it is malformed or names a document or a
    path twice."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise EepError(f"文档清单 is not UTF-8: {exc}") from exc
    lines = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line and line[0] != "#"]
    if not lines or tuple(lines[0][1].split("\t")) != _HEADER:
        raise EepError("文档清单 lacks its header line")
    rows = tuple(_row(line.split("\t"), n) for n, line in lines[1:])
    for what, values in (
        ("文档标识符", [r.identifier for r in rows]),
        ("path", [r.path for r in rows]),
    ):
        if len(set(values)) != len(values):
            raise EepError(f"文档清单 lists a {what} twice")
    return rows

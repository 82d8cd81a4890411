"""文件数据: every file of the archive version as a 文档 whose bytes are inside, Base64-encoded.

Each file is read once, as a stream: its bytes are hashed (SM3, SHA-256) and encoded in 76-char
lines (RFC 2045) straight into the package, never held whole. 计算机文件大小 precedes the data, so
the size comes from the caller, the metadata, or a first read; what was read must match it and,
for the case's files, the digests ``archival.xml`` records — a damaged copy is not sent. The
last 文档 is the 文档清单 (``manifest``) with every document's path, size and digests.
The case's own files (``original/…``) are 主文档, the archive's metadata files 附属文档.
Reads: the documents' streams. Raises ``EepError``.
"""

from __future__ import annotations

import base64
import hashlib
import io
from collections.abc import Mapping
from typing import Any, BinaryIO

from package.digest import Digests
from package.errors import PackageError

from ..errors import EepError
from .common import MANIFEST_FILE_NAME, MANIFEST_ID, coding_ids, document_id, standard_texts
from .manifest import ManifestRow, manifest_tsv
from .source import EepDocument, EepSource
from .writer import EepWriter

__all__ = ["ORIGINAL_PREFIX", "write_file_data"]

ORIGINAL_PREFIX = "original/"
_LINE_BYTES = 57  # one 76-character line of Base64
_BLOCK = _LINE_BYTES * 16384  # ~0.9 MiB read at a time
_TITLES = {
    "metadata/archival.xml": "档案元数据（DA/T 46 元素，earchive 档案信息包格式）",
    "metadata/ingest-report.json": "归档检测报告",
    "metadata/manifest.txt": "档案信息包文件清单（SM3、SHA-256 摘要）",
    "metadata/manifest.sig.json": "档案信息包文件清单的电子签名",
}
_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "tif": "TIFF", "tsv": "TSV"}


def _extension(name: str) -> str:
    return name.rsplit(".", 1)[1] if "." in name.strip(".") else ""


def _size(doc: EepDocument, facts: Mapping[str, Any]) -> int:
    """The document's size: given, from the metadata, or measured by reading it once."""
    if doc.size is not None:
        return doc.size
    if isinstance(facts.get("size"), int):
        return int(facts["size"])
    with doc.open() as fp:
        if fp.seekable():
            return fp.seek(0, io.SEEK_END)
        total = 0
        while chunk := fp.read(_BLOCK):
            total += len(chunk)
        return total


def _encode(w: EepWriter, fp: BinaryIO) -> Digests:
    """Write ``fp`` as Base64 lines into the element open; the digests of the bytes read."""
    sm3, sha256 = hashlib.new("sm3"), hashlib.sha256()
    size = 0
    pending = b""
    w.text("\n")
    while block := fp.read(_BLOCK):
        sm3.update(block)
        sha256.update(block)
        size += len(block)
        data = pending + block if pending else block
        cut = len(data) - len(data) % _LINE_BYTES
        if cut:
            w.text(base64.encodebytes(data[:cut]).decode("ascii"))
        pending = data[cut:]
    if pending:
        w.text(base64.encodebytes(pending).decode("ascii"))
    return Digests(sm3.hexdigest(), sha256.hexdigest(), size)


def _document(
    w: EepWriter, number: int, identifier: str, doc: EepDocument, facts: Mapping[str, Any]
) -> Digests:
    name = doc.path.rsplit("/", 1)[-1]
    extension = _extension(name)
    size = _size(doc, facts)
    data_id, coding_id, encoded_id = coding_ids(identifier)
    fmt = str(facts.get("format") or _FORMATS.get(extension.lower(), extension.upper()))
    with w.element("文档"):
        w.leaf("文档标识符", identifier)
        w.leaf("文档序号", number)
        w.leaf("文档主从声明", "主文档" if doc.path.startswith(ORIGINAL_PREFIX) else "附属文档")
        w.leaf("题名", facts.get("title") or _TITLES.get(doc.path, name))
        with (
            w.element("文档数据", {"文档数据ID": data_id}),
            w.element("编码", {"编码ID": coding_id}),
        ):
            with w.element("电子属性"):
                if fmt:
                    w.leaf("格式信息", fmt)
                w.leaf("计算机文件名", name)
                w.leaf("计算机文件大小", size)
            w.leaf("编码描述", standard_texts().coding_description)
            w.leaf("反编码关键字", extension)
            with w.element("编码数据", {"编码数据ID": encoded_id}), doc.open() as fp:
                measured = _encode(w, fp)
    if measured.size != size:
        raise EepError(f"{doc.path}: {measured.size} bytes read, {size} declared")
    for algorithm in ("sm3", "sha256"):
        expected = facts.get(algorithm)
        if expected and expected != getattr(measured, algorithm):
            raise EepError(
                f"{doc.path}: {algorithm.upper()} {getattr(measured, algorithm)} differs from "
                f"{expected} in the archive's metadata: the copy read is damaged, not sent"
            )
    return measured


def write_file_data(w: EepWriter, source: EepSource) -> None:
    """文件数据: the source's documents in order, then the 文档清单."""
    facts = {str(f.get("path", "")): f for f in source.metadata.get("files", [])}
    rows = []
    with w.element("文件数据"):
        for number, doc in enumerate(source.documents, 1):
            identifier = document_id(number)
            try:
                digests = _document(w, number, identifier, doc, facts.get(doc.path, {}))
            except (OSError, PackageError, KeyError) as exc:
                raise EepError(f"cannot read {doc.path}: {exc}") from exc
            rows.append(ManifestRow(identifier, doc.path, digests))
        listing = manifest_tsv(rows)
        manifest = EepDocument(
            f"{MANIFEST_ID}/{MANIFEST_FILE_NAME}", lambda: io.BytesIO(listing), len(listing)
        )
        title = {
            "title": "文档清单（各文档的逻辑路径、字节数及 SM3、SHA-256 摘要）",
            "format": "TSV",
        }
        _document(w, len(rows) + 1, MANIFEST_ID, manifest, title)

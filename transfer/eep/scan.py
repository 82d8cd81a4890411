"""One streaming pass over an EEP (expat): its skeleton, its documents' bytes, its signed bytes.

The package is fed to expat in 1 MiB pieces; nothing is held whole, however large a document:

* the *skeleton* — the whole tree as lxml elements, except the text of 编码数据 — is kept for the
  schema and the metadata (its text outside 编码数据 is capped);
* each 编码数据 is Base64-decoded piece by piece (strictly: only the alphabet, whitespace and
  final padding), hashed (SM3, SHA-256) when asked, kept in memory for the few documents asked
  for (the 文档清单), or written to a target file;
* the exact bytes of the top-level 被签名对象 and of each 电子签名 are located (offsets) and
  hashed (SHA-256) as they stream past, together with their canonical form re-serialised from
  the parser's events (``canonical``); a signed element of at most 1 MiB is also kept.

A DOCTYPE, entity declarations and unbound prefixes are refused. Reads the stream it is given;
writes only the target files. Raises ``EepError`` (malformed XML, a target that exists).
"""

from __future__ import annotations

import binascii
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat

from lxml import etree

from package.digest import Digests

from ..errors import EepError
from .canonical import CanonicalHasher
from .common import EEP_NAMESPACE

__all__ = ["Coding", "ElementBytes", "Scan", "scan_eep"]

_BLOCK = 1 << 20
_TEXT_LIMIT = 16 << 20  # characters of text outside 编码数据 (the metadata) in the skeleton
_KEEP_LIMIT = 1 << 20  # bytes of a signed element kept beside its digests
_CAPTURE_LIMIT = 16 << 20  # bytes of a captured document (the 文档清单)
_WHITESPACE = b" \t\r\n"
_NS = "{" + EEP_NAMESPACE + "}"
_XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"
_TRACKED = {(2, _NS + "被签名对象"), (3, _NS + "电子签名")}  # (depth from the root = 1, tag)
_REMEMBERED = {_NS + "文档标识符", _NS + "计算机文件名", _NS + "计算机文件大小"}


@dataclass(frozen=True)
class Coding:
    """One 编码数据 as read: its document, what the package says of it, what it decoded to."""

    document: str  # 文档标识符 of its 文档
    encoded_id: str  # 编码数据ID
    name: str  # 计算机文件名
    declared_size: str  # 计算机文件大小 as written
    digests: Digests | None  # of the decoded bytes; None when not measured
    error: str  # why the Base64 is not valid ("" when it is)
    data: bytes | None = None  # the decoded bytes, when asked for


@dataclass(frozen=True)
class ElementBytes:
    """A signed element in the file: byte range, SHA-256 of the raw bytes and of their canonical
    re-serialisation, and the bytes themselves when small."""

    name: str
    start: int
    end: int
    raw_sha256: bytes
    canonical_sha256: bytes
    data: bytes | None

    @property
    def canonical(self) -> bool:
        return self.raw_sha256 == self.canonical_sha256


@dataclass(frozen=True)
class Scan:
    root: etree._Element  # the skeleton (编码数据 empty)
    codings: tuple[Coding, ...]
    signed_object: ElementBytes | None  # the top-level 被签名对象
    signatures: tuple[ElementBytes, ...]  # every 电子签名 of the 电子签名块, in order


class _Decoder:
    """Strict incremental Base64 decoding into hashers, memory and/or a file."""

    def __init__(self, measure: bool, keep: bool, target: BinaryIO | None) -> None:
        self._sm3 = hashlib.new("sm3") if measure else None
        self._sha256 = hashlib.sha256() if measure else None
        self._kept: bytearray | None = bytearray() if keep else None
        self._target = target
        self._rest = b""
        self._padded = False
        self.size = 0
        self.error = ""

    def feed(self, text: str) -> None:
        if self.error:
            return
        try:
            raw = text.encode("ascii").translate(None, _WHITESPACE)
        except UnicodeEncodeError:
            self.error = "a character outside the Base64 alphabet"
            return
        if not raw:
            return
        if self._padded:
            self.error = "data after the padding"
            return
        data = self._rest + raw
        cut = len(data) - len(data) % 4
        self._rest = data[cut:]
        if cut:
            self._padded = data[cut - 1 : cut] == b"="
            try:
                self._write(binascii.a2b_base64(data[:cut], strict_mode=True))
            except binascii.Error as exc:
                self.error = str(exc)

    def _write(self, decoded: bytes) -> None:
        self.size += len(decoded)
        if self._sm3 is not None and self._sha256 is not None:
            self._sm3.update(decoded)
            self._sha256.update(decoded)
        if self._kept is not None:
            if len(self._kept) + len(decoded) > _CAPTURE_LIMIT:
                self.error = f"larger than {_CAPTURE_LIMIT} bytes, not read into memory"
                return
            self._kept += decoded
        if self._target is not None:
            self._target.write(decoded)

    def close(self) -> tuple[Digests | None, str, bytes | None]:
        if self._rest and not self.error:
            self.error = f"{len(self._rest)} characters left over (not a multiple of 4)"
        digests = None
        if self._sm3 is not None and self._sha256 is not None and not self.error:
            digests = Digests(self._sm3.hexdigest(), self._sha256.hexdigest(), self.size)
        kept = bytes(self._kept) if self._kept is not None and not self.error else None
        return digests, self.error, kept


@dataclass
class _Range:
    name: str
    start: int
    hashed: int
    canonical: CanonicalHasher = field(default_factory=CanonicalHasher)
    raw: Any = field(default_factory=hashlib.sha256)
    kept: bytearray | None = field(default_factory=bytearray)
    end_tag: int = -1
    end: int = -1


class _Scanner:
    def __init__(self, measure: bool, capture: frozenset[str], targets: Mapping[str, Path]) -> None:
        self._measure, self._capture, self._targets = measure, capture, targets
        self._parser = expat.ParserCreate()
        self._parser.ordered_attributes = True
        self._parser.buffer_text = True
        self._parser.buffer_size = _BLOCK
        self._parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.CharacterDataHandler = self._data
        self._parser.ProcessingInstructionHandler = self._pi
        self._parser.StartDoctypeDeclHandler = self._refuse_doctype
        self._parser.EntityDeclHandler = self._refuse_entity
        self._builder = etree.TreeBuilder()
        self._scopes: list[dict[str, str]] = [{"xml": _XML_NAMESPACE}]
        self._tags: list[tuple[str, str]] = []  # (Clark tag, raw qname)
        self._buffer = bytearray()
        self._buffer_start = 0
        self._mark = 0
        self._ranges: list[_Range] = []
        self._done: list[_Range] = []
        self._decoder: _Decoder | None = None
        self._target: BinaryIO | None = None
        self._coding: dict[str, str] = {}
        self._remembered: dict[str, str] = {}
        self._codings: list[Coding] = []
        self._text = 0

    # -- expat callbacks ------------------------------------------------------------------------

    def _refuse_doctype(self, *_args: object) -> None:
        raise EepError("a DOCTYPE is not allowed in an EEP")

    def _refuse_entity(self, *_args: object) -> None:
        raise EepError("entity declarations are not allowed in an EEP")

    def _resolve(self, qname: str, scope: Mapping[str, str], element: bool) -> str:
        prefix, _, local = qname.rpartition(":")
        if not prefix and not element:
            return local
        uri = scope.get(prefix, "")
        if prefix and not uri:
            raise EepError(f"unbound namespace prefix in {qname!r}")
        return "{" + uri + "}" + local if uri else local

    def _start(self, qname: str, flat: list[str]) -> None:
        self._mark = max(self._mark, self._parser.CurrentByteIndex)
        pairs = list(zip(flat[::2], flat[1::2], strict=True))
        declared = {n[6:]: v for n, v in pairs if n == "xmlns" or n.startswith("xmlns:")}
        scope = {**self._scopes[-1], **declared}
        self._scopes.append(scope)
        attributes = [(n, v) for n, v in pairs if n != "xmlns" and not n.startswith("xmlns:")]
        tag = self._resolve(qname, scope, True)
        attrib = {self._resolve(n, scope, False): v for n, v in attributes}
        nsmap = {(p or None): u for p, u in declared.items() if u}
        self._builder.start(tag, attrib, nsmap)
        self._tags.append((tag, qname))
        if (len(self._tags), tag) in _TRACKED:
            start = self._parser.CurrentByteIndex
            self._ranges.append(_Range(tag[len(_NS) :], start, start))
        for r in self._ranges:
            if r.end_tag < 0:
                r.canonical.start(qname, attributes, scope)
        if tag == _NS + "文档":
            self._remembered.clear()
        if tag == _NS + "编码数据":
            self._open_coding(attrib.get("编码数据ID", ""))

    def _end(self, qname: str) -> None:
        self._mark = max(self._mark, self._parser.CurrentByteIndex)
        tag, _raw = self._tags.pop()
        for r in self._ranges:
            if r.end_tag < 0:
                r.canonical.end(qname)
        if (len(self._tags) + 1, tag) in _TRACKED:
            for r in reversed(self._ranges):
                if r.end_tag < 0:
                    r.end_tag = self._parser.CurrentByteIndex
                    break
        if tag == _NS + "编码数据":
            self._close_coding()
        element = self._builder.end(tag)
        self._scopes.pop()
        if tag in _REMEMBERED:
            self._remembered[tag[len(_NS) :]] = (element.text or "").strip()

    def _data(self, text: str) -> None:
        self._mark = max(self._mark, self._parser.CurrentByteIndex)
        for r in self._ranges:
            if r.end_tag < 0:
                r.canonical.text(text)
        if self._decoder is not None:
            self._decoder.feed(text)
            return
        self._text += len(text)
        if self._text > _TEXT_LIMIT:
            raise EepError(f"more than {_TEXT_LIMIT} characters of text outside 编码数据")
        self._builder.data(text)

    def _pi(self, target: str, data: str) -> None:
        for r in self._ranges:
            if r.end_tag < 0:
                r.canonical.processing_instruction(target, data)

    # -- documents ------------------------------------------------------------------------------

    def _open_coding(self, encoded_id: str) -> None:
        document = self._remembered.get("文档标识符", "")
        path = self._targets.get(document)
        if path is not None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._target = open(path, "xb")  # noqa: SIM115 - closed in _close_coding
            except OSError as exc:
                raise EepError(f"cannot write {path.name}: {exc}") from exc
        keep = document in self._capture
        self._decoder = _Decoder(self._measure or path is not None, keep, self._target)
        self._coding = {"document": document, "encoded_id": encoded_id}

    def _close_coding(self) -> None:
        assert self._decoder is not None
        digests, error, kept = self._decoder.close()
        self._decoder = None
        if self._target is not None:
            self._target.close()
            self._target = None
        self._codings.append(
            Coding(
                self._coding["document"],
                self._coding["encoded_id"],
                self._remembered.pop("计算机文件名", ""),
                self._remembered.pop("计算机文件大小", ""),
                digests,
                error,
                kept,
            )
        )

    # -- byte ranges ------------------------------------------------------------------------------

    def _advance(self) -> None:
        """Hash what is known to lie inside each signed element; drop what no range needs."""
        for r in list(self._ranges):
            if r.end_tag >= 0 and r.end < 0:
                close = self._buffer.find(b">", r.end_tag - self._buffer_start)
                if close < 0:
                    raise EepError(f"end tag of {r.name} not found")
                r.end = self._buffer_start + close + 1
            limit = r.end if r.end >= 0 else self._mark
            if limit > r.hashed:
                piece = self._buffer[r.hashed - self._buffer_start : limit - self._buffer_start]
                r.raw.update(piece)
                if r.kept is not None and len(r.kept) + len(piece) <= _KEEP_LIMIT:
                    r.kept += piece
                else:
                    r.kept = None
                r.hashed = limit
            if r.end >= 0 and r.hashed >= r.end:
                self._ranges.remove(r)
                self._done.append(r)
        keep_from = min([r.hashed for r in self._ranges] + [self._mark])
        if keep_from > self._buffer_start:
            del self._buffer[: keep_from - self._buffer_start]
            self._buffer_start = keep_from

    def run(self, fp: BinaryIO) -> Scan:
        try:
            while chunk := fp.read(_BLOCK):
                self._buffer += chunk
                self._parser.Parse(chunk, False)
                self._advance()
            self._parser.Parse(b"", True)
            self._advance()
        except expat.ExpatError as exc:
            raise EepError(f"not well-formed XML: {exc}") from exc
        finally:
            if self._target is not None:
                self._target.close()
        root = self._builder.close()
        done = [
            ElementBytes(
                r.name,
                r.start,
                r.end,
                r.raw.digest(),
                r.canonical.digest(),
                None if r.kept is None else bytes(r.kept),
            )
            for r in self._done
        ]
        signed = next((e for e in done if e.name == "被签名对象"), None)
        signatures = tuple(e for e in done if e.name == "电子签名")
        return Scan(root, tuple(self._codings), signed, signatures)


def scan_eep(
    fp: BinaryIO,
    *,
    measure: bool = False,
    capture: frozenset[str] = frozenset(),
    targets: Mapping[str, Path] | None = None,
) -> Scan:
    """Scan the EEP read from ``fp``: ``measure`` hashes every document; ``capture`` keeps the
    decoded bytes of those 文档标识符 (at most 16 MiB each); ``targets`` writes the decoded bytes
    of those 文档标识符 to new files (digests measured while writing)."""
    return _Scanner(measure, capture, targets or {}).run(fp)

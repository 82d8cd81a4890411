"""Write an EEP as a stream, in the form that makes a signed element's bytes its canonical form.

``EepWriter`` wraps lxml's incremental writer (``etree.xmlfile``): elements are written one after
the other, Base64 text in pieces, nothing is held whole. Everything it writes is already in the
form Canonical XML 1.0 gives it: start and end tags for every element (never ``<a/>``),
attributes in canonical order, text with ``&``, ``<`` and ``>`` escaped and no carriage return,
indentation as ordinary text. An element opened with ``signed`` re-declares the EEP namespace,
so its bytes in the file *are* its canonical form, and they are fed to a message hasher while
they are written: the signature over a 300 MB 被签名对象 is computed in one pass.

Writes: to the binary stream it is given. Raises ``EepError`` for text or attribute values XML
cannot hold or that canonical form would spell differently.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import BinaryIO

from lxml import etree

from package.digest import Digests
from package.signature import MessageHasher

from ..errors import EepError
from .common import EEP_NAMESPACE, q

__all__ = ["EepWriter", "Tap", "eep_writer"]

_INDENT = "  "
_ATTRIBUTE_UNSAFE = frozenset('&<>"\t\n\r')


class Tap:
    """The file object lxml writes into: passes bytes through, hashes all of them (SM3 and
    SHA-256 of the EEP file) and feeds the message hashers of the signed elements open."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._sm3 = hashlib.new("sm3")
        self._sha256 = hashlib.sha256()
        self.size = 0
        self.listeners: list[MessageHasher] = []

    def write(self, data: bytes) -> int:
        self._raw.write(data)
        self._sm3.update(data)
        self._sha256.update(data)
        for listener in self.listeners:
            listener.update(data)
        self.size += len(data)
        return len(data)

    def digests(self) -> Digests:
        return Digests(self._sm3.hexdigest(), self._sha256.hexdigest(), self.size)


def _text(value: object) -> str:
    """Text as canonical form keeps it: line ends are LF (a parser turns CR LF into LF anyway)."""
    return str(value).replace("\r\n", "\n").replace("\r", "\n")


def _attributes(attrs: Mapping[str, str] | None) -> dict[str, str]:
    """Unqualified attributes in canonical order; values that need no escaping in either form."""
    out: dict[str, str] = {}
    for name in sorted(attrs or {}):
        value = str((attrs or {})[name])
        if _ATTRIBUTE_UNSAFE.intersection(value):
            raise EepError(f"attribute {name} value {value!r} would not be canonical")
        out[name] = value
    return out


class EepWriter:
    """Elements, leaves and text pieces, indented, into an ``etree.xmlfile``."""

    def __init__(self, xf: etree._IncrementalFileWriter, tap: Tap) -> None:
        self._xf = xf
        self._tap = tap
        self._children = [False]  # per open element: has it a child element yet

    def _break(self) -> None:
        depth = len(self._children) - 1
        if depth > 0:
            self._children[-1] = True
            self._xf.write("\n" + _INDENT * depth)

    @contextmanager
    def _open(self, name: str, attrs: Mapping[str, str] | None, declare: bool) -> Iterator[None]:
        nsmap = {None: EEP_NAMESPACE} if declare else None
        with self._xf.element(q(name), _attributes(attrs), nsmap=nsmap):
            self._children.append(False)
            yield
            if self._children.pop():
                self._xf.write("\n" + _INDENT * (len(self._children) - 1))

    @contextmanager
    def element(
        self, name: str, attrs: Mapping[str, str] | None = None, *, declare: bool = False
    ) -> Iterator[None]:
        """An element with children; ``declare`` writes the EEP namespace declaration on it."""
        self._break()
        with self._open(name, attrs, declare):
            yield

    def leaf(self, name: str, text: object, attrs: Mapping[str, str] | None = None) -> None:
        """An element holding only ``text``."""
        self._break()
        try:
            with self._xf.element(q(name), _attributes(attrs)):
                self._xf.write(_text(text))
        except ValueError as exc:  # lxml refuses control characters and NUL
            raise EepError(f"{name}: text XML cannot hold: {exc}") from exc

    def leaves(self, name: str, texts: Iterable[object]) -> None:
        """One leaf per text, in order (an element of cardinality 0..n)."""
        for text in texts:
            self.leaf(name, text)

    def text(self, piece: str) -> None:
        """A piece of text inside the element open (Base64: needs no escaping), passed on at
        once (lxml's buffered writer would otherwise keep every piece until the end)."""
        self._xf.write(piece)
        self._xf.flush()

    @contextmanager
    def signed(
        self, name: str, hasher: MessageHasher, attrs: Mapping[str, str] | None = None
    ) -> Iterator[None]:
        """An element whose exact bytes, from ``<name`` to ``</name>``, go to ``hasher``."""
        self._break()
        self._xf.flush()
        self._tap.listeners.append(hasher)
        try:
            with self._open(name, attrs, declare=True):
                yield
            self._xf.flush()
        finally:
            self._tap.listeners.remove(hasher)


@contextmanager
def eep_writer(raw: BinaryIO) -> Iterator[tuple[EepWriter, Tap]]:
    """A writer over ``raw`` (XML declaration written) and the tap that hashes what it writes."""
    tap = Tap(raw)
    with etree.xmlfile(tap, encoding="UTF-8") as xf:
        xf.write_declaration()  # ends with a line break
        yield EepWriter(xf, tap), tap
        xf.flush()

"""ASN.1 elements read by position and tag, whatever shape the producer gave them.

Real seals, signatures and certificates deviate from their ASN.1 modules (a UTCTime where a
GeneralizedTime belongs, an IA5String in a list of OCTET STRINGs, a v1 seal under a v4 header).
A typed parser refuses the whole structure for one odd field; here every element keeps its exact
bytes (what a signature covers) and the verifier decides per field what it can use. BER is read
(indefinite lengths, constructed strings); ``der`` gives the canonical re-encoding when a producer
signed that instead of the bytes it wrote. Reads/writes nothing. Raises ``SealError``.
"""

from __future__ import annotations

from dataclasses import dataclass

from asn1crypto import core, parser

from .errors import SealError

__all__ = [
    "BIT_STRING",
    "BMP_STRING",
    "CONTEXT",
    "GENERALIZED_TIME",
    "IA5_STRING",
    "INTEGER",
    "NULL",
    "OCTET_STRING",
    "OID",
    "SEQUENCE",
    "SET",
    "UNIVERSAL",
    "UTC_TIME",
    "UTF8_STRING",
    "Element",
    "encode",
    "read",
]

UNIVERSAL, CONTEXT = 0, 2
INTEGER, BIT_STRING, OCTET_STRING, NULL, OID = 2, 3, 4, 5, 6
UTF8_STRING, SEQUENCE, SET, IA5_STRING = 12, 16, 17, 22
UTC_TIME, GENERALIZED_TIME, BMP_STRING = 23, 24, 30
_TEXT_TAGS = {12: "utf-8", 18: "ascii", 19: "ascii", 20: "latin-1", 22: "ascii", 26: "ascii"}
_MAX_CHILDREN = 100_000


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def encode(cls: int, constructed: bool, tag: int, contents: bytes) -> bytes:
    """The DER encoding of one element (tag numbers above 30 use the long form)."""
    first = (cls << 6) | (0x20 if constructed else 0)
    if tag < 31:
        head = bytes([first | tag])
    else:
        digits = [tag & 0x7F]
        while tag > 0x7F:
            tag >>= 7
            digits.insert(0, 0x80 | (tag & 0x7F))
        head = bytes([first | 0x1F, *digits])
    return head + _length(len(contents)) + contents


@dataclass(frozen=True)
class Element:
    """One ASN.1 element: class, constructed flag, tag number, contents and its exact bytes."""

    cls: int
    constructed: bool
    tag: int
    contents: bytes
    raw: bytes

    def is_(self, tag: int, cls: int = UNIVERSAL) -> bool:
        return self.cls == cls and self.tag == tag

    @property
    def name(self) -> str:
        """A short description for messages: ``SEQUENCE``, ``[0]``, ``UNIVERSAL 22``."""
        if self.cls == CONTEXT:
            return f"[{self.tag}]"
        names = {
            INTEGER: "INTEGER",
            BIT_STRING: "BIT STRING",
            OCTET_STRING: "OCTET STRING",
            NULL: "NULL",
            OID: "OBJECT IDENTIFIER",
            UTF8_STRING: "UTF8String",
            SEQUENCE: "SEQUENCE",
            SET: "SET",
            19: "PrintableString",
            IA5_STRING: "IA5String",
            UTC_TIME: "UTCTime",
            GENERALIZED_TIME: "GeneralizedTime",
            BMP_STRING: "BMPString",
        }
        if self.cls == UNIVERSAL and self.tag in names:
            return names[self.tag]
        return f"class {self.cls} tag {self.tag}"

    def children(self) -> tuple[Element, ...]:
        """The elements inside a constructed element (``SealError`` for a primitive one)."""
        if not self.constructed:
            raise SealError(f"{self.name} is not a constructed element")
        out: list[Element] = []
        data, offset = self.contents, 0
        while offset < len(data):
            if len(out) >= _MAX_CHILDREN:
                raise SealError("too many ASN.1 elements")
            child = _one(data[offset:], trailing=True)
            out.append(child)
            offset += len(child.raw)
        return tuple(out)

    def child(self, index: int) -> Element:
        items = self.children()
        if index >= len(items):
            raise SealError(f"{self.name} has {len(items)} elements, expected more than {index}")
        return items[index]

    def integer(self) -> int:
        if not self.is_(INTEGER) or not self.contents:
            raise SealError(f"expected an INTEGER, found {self.name}")
        return int.from_bytes(self.contents, "big", signed=True)

    def oid(self) -> str:
        if not self.is_(OID) or not self.contents:
            raise SealError(f"expected an OBJECT IDENTIFIER, found {self.name}")
        try:
            return str(core.ObjectIdentifier.load(self.raw).dotted)
        except (ValueError, TypeError) as exc:
            raise SealError(f"malformed OBJECT IDENTIFIER: {exc}") from exc

    def octets(self) -> bytes:
        """The bytes of an OCTET STRING or BIT STRING (producers use either), BER-constructed
        strings joined."""
        if self.cls != UNIVERSAL or self.tag not in (OCTET_STRING, BIT_STRING):
            raise SealError(f"expected an OCTET STRING or BIT STRING, found {self.name}")
        if self.constructed:
            return b"".join(part.octets() for part in self.children())
        if self.tag == BIT_STRING:
            if not self.contents:
                raise SealError("empty BIT STRING")
            return self.contents[1:]
        return self.contents

    def text(self) -> str:
        """A character string (any string type, or OCTET STRING holding text), decoded
        leniently: bytes a declared charset cannot hold are read as UTF-8, then replaced."""
        if self.constructed:
            return "".join(part.text() for part in self.children())
        if self.cls == UNIVERSAL and self.tag == BMP_STRING:
            return self.contents.decode("utf-16-be", errors="replace")
        if self.cls == UNIVERSAL and self.tag == 28:
            return self.contents.decode("utf-32-be", errors="replace")
        charset = _TEXT_TAGS.get(self.tag, "utf-8") if self.cls == UNIVERSAL else "utf-8"
        try:
            return self.contents.decode(charset)
        except UnicodeDecodeError:
            return self.contents.decode("utf-8", errors="replace")

    def der(self) -> bytes:
        """The canonical DER re-encoding (minimal lengths, definite form; SETs keep their order)."""
        if not self.constructed:
            return encode(self.cls, False, self.tag, self.contents)
        inner = b"".join(child.der() for child in self.children())
        return encode(self.cls, True, self.tag, inner)


def _one(data: bytes, *, trailing: bool) -> Element:
    try:
        length = parser.peek(data)
        cls, method, tag, header, contents, trailer = parser.parse(data[:length], strict=True)
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise SealError(f"malformed ASN.1: {exc}") from exc
    if not trailing and length != len(data):
        raise SealError(f"{len(data) - length} bytes after the ASN.1 value")
    return Element(cls, bool(method), tag, bytes(contents), bytes(header + contents + trailer))


def read(data: bytes, *, trailing: bool = False) -> Element:
    """The element encoded in ``data``; bytes after it are refused unless ``trailing``."""
    if not isinstance(data, bytes | bytearray | memoryview) or not data:
        raise SealError("no ASN.1 data")
    return _one(bytes(data), trailing=trailing)

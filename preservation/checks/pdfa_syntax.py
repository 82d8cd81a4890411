"""Our own checks of PDF/A file syntax, read from the bytes as written (ISO 19005-1 6.1.2–6.1.8,
ISO 19005-2 6.1.2–6.1.9).

The validator trusts file syntax (it expects files it wrote itself), so these clauses are ours:
the header and its binary comment (6.1.2), nothing after the last ``%%EOF`` but one EOL (6.1.3),
the ``xref`` keyword and subsection headers (6.1.4), hexadecimal strings (6.1.6), the ``stream``
and ``endstream`` keywords and the stream ``Length`` (6.1.7; 6.1.7.1 in part 2), and the spacing
of ``N G obj`` / ``endobj`` (6.1.8; 6.1.9 in part 2). Objects are those the cross-reference
tables point at (newest revision first); without classic tables every object found is checked.
Reads: the file bytes and, for an indirect ``Length``, a resolver. Raises: nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

from .pdfa_issue import Issue, rule_id

__all__ = ["check_syntax"]

LengthResolver = Callable[[int, int], int | None]

_WS = b"\x00\t\n\x0c\r "
_EOL = b"\r\n"
_TOKEN = re.compile(
    rb"(?P<ws>[\x00\t\n\x0c\r ]+|%[^\r\n]*)|(?P<open><<|\[)|(?P<close>>>|\])|(?P<hex><[^<>]*>)"
    rb"|(?P<lit>\()|(?P<name>/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*)|(?P<num>[+-]?(?:\d+\.?\d*|\.\d+))"
    rb"|(?P<kw>[^\x00\t\n\x0c\r ()<>\[\]{}/%]+)|(?P<other>.)",
    re.DOTALL,
)
_OBJ_HEADER = re.compile(rb"(\d+)([\x00\t\n\x0c\r ]+)(\d+)([\x00\t\n\x0c\r ]+)obj")
_SUBSECTION = re.compile(rb"(\d+)([^\d\r\n]*)(\d+)")
_HEX_BAD = re.compile(rb"[^0-9A-Fa-f\x00\t\n\x0c\r ]")
_MAX_OBJECTS = 200_000
_MAX_TOKENS = 1_000_000


def _header(data: bytes, part: int) -> Iterator[Issue]:
    line = re.match(rb"[^\r\n]*", data)
    header = line.group(0) if line else b""
    ok = (
        re.search(rb"%PDF-\d\.\d", header) is not None
        if part == 1
        else re.fullmatch(rb"%PDF-1\.[0-7]", header) is not None
    )
    if not data.startswith(b"%PDF-") or not ok:
        yield Issue(rule_id(part, "6.1.2-1", "6.1.2-1"), "header", f"file header {header[:20]!r}")
    rest = data[len(header) :]
    rest = rest[2:] if rest.startswith(b"\r\n") else rest[1:]
    comment = rest[1:5]
    if not rest.startswith(b"%") or len(comment) < 4 or any(b <= 127 for b in comment):
        yield Issue(
            rule_id(part, "6.1.2-2", "6.1.2-2"),
            "header",
            f"binary comment after the header is {rest[:5]!r}, not % and four bytes above 127",
        )


def _after_eof(data: bytes, part: int) -> Iterator[Issue]:
    end = data.rfind(b"%%EOF", max(0, len(data) - 1024))
    tail = data[end + 5 :] if end >= 0 else b"?"
    if tail not in (b"", b"\n", b"\r", b"\r\n"):
        yield Issue(
            rule_id(part, "6.1.3-3", "6.1.3-3"),
            "end of file",
            f"{len(tail)} bytes follow the last %%EOF",
        )


def _xref_tables(data: bytes, part: int, issues: list[Issue]) -> dict[tuple[int, int], int] | None:
    """Offsets of in-use objects from the classic xref tables (None: an xref stream is used)."""
    offsets: dict[tuple[int, int], int] = {}
    start = data.rfind(b"startxref")
    match = re.match(rb"startxref[\x00\t\n\x0c\r ]+(\d+)", data[start:]) if start >= 0 else None
    pos = int(match.group(1)) if match else -1
    seen: set[int] = set()
    while 0 <= pos < len(data) and pos not in seen:
        seen.add(pos)
        if not data.startswith(b"xref", pos):
            return None
        cur = pos + 4
        eol = data[cur : cur + 2]
        cur += 2 if eol == b"\r\n" else 1 if eol[:1] in (b"\r", b"\n") else 0
        if eol[:1] not in (b"\r", b"\n") or not data[cur : cur + 1].isdigit():
            issues.append(
                Issue(rule_id(part, "6.1.4-2", "6.1.4-2"), f"xref at {pos}", "not one EOL")
            )
        while True:
            while data[cur : cur + 1] in (b" ", b"\r", b"\n", b"\t", b"\x00", b"\x0c"):
                cur += 1
            sub = _SUBSECTION.match(data, cur)
            if sub is None:
                break
            if sub.group(2) != b" " and part == 1:
                issues.append(
                    Issue("ISO_19005_1:6.1.4-1", f"xref at {pos}", f"header {sub.group(0)!r}")
                )
            first, count = int(sub.group(1)), int(sub.group(3))
            cur = sub.end()
            for number in range(first, first + min(count, _MAX_OBJECTS)):
                entry = re.match(
                    rb"[\x00\t\n\x0c\r ]*(\d{10}) (\d{5}) ([nf])", data[cur : cur + 24]
                )
                if entry is None:
                    return offsets
                cur += entry.end()
                key = (number, int(entry.group(2)))
                if entry.group(3) == b"n" and key not in offsets:
                    offsets[key] = int(entry.group(1))
        trailer = data.find(b"trailer", cur, cur + 64)
        prev = re.search(rb"/Prev[\x00\t\n\x0c\r ]+(\d+)", data[trailer : trailer + 4096])
        pos = int(prev.group(1)) if trailer >= 0 and prev else -1
    return offsets


def _literal_end(data: bytes, pos: int) -> int:
    depth, i = 0, pos
    while i < len(data):
        c = data[i]
        if c == 0x5C:  # backslash escapes the next byte
            i += 2
            continue
        depth += 1 if c == 0x28 else -1 if c == 0x29 else 0
        i += 1
        if depth == 0:
            return i
    return len(data)


class _Objects:
    def __init__(self, data: bytes, part: int, resolve: LengthResolver) -> None:
        self.data, self.part, self.resolve = data, part, resolve
        self.issues: list[Issue] = []

    def fail(self, clause_1: str, clause_2: str, where: str, message: str) -> None:
        self.issues.append(Issue(rule_id(self.part, clause_1, clause_2), where, message))

    def spacing(self, where: str, message: str) -> None:
        self.fail("6.1.8-1", "6.1.9-1", where, message)

    def check(self, offset: int) -> int:
        """Check the object at ``offset``; return where it ends (or ``offset`` if none is there)."""
        data = self.data
        header = _OBJ_HEADER.match(data, offset)
        if header is None:
            return offset
        where = f"obj {int(header.group(1))} {int(header.group(3))}"
        if offset > 0 and data[offset - 1] not in _EOL:
            self.spacing(where, "object header not preceded by an EOL")
        if len(header.group(2)) != 1 or len(header.group(4)) != 1:
            self.spacing(where, "object header not separated by single white-space")
        pos = header.end()
        if data[pos : pos + 1] not in (b"\r", b"\n"):
            self.spacing(where, "obj keyword not followed by an EOL")
        pos, length = self.body(pos, where)
        if data.startswith(b"stream", pos):
            pos = self.stream(pos + 6, length, where)
        return self.end(pos, where)

    def body(self, pos: int, where: str) -> tuple[int, int | tuple[int, int] | None]:
        data, depth = self.data, 0
        length: int | tuple[int, int] | None = None
        tokens: list[tuple[str, bytes]] = []
        for _ in range(_MAX_TOKENS):
            match = _TOKEN.match(data, pos)
            if match is None:
                break
            kind, value = str(match.lastgroup), match.group(0)
            if kind == "ws":
                pos = match.end()
                continue
            if kind == "kw" and depth == 0 and value in (b"stream", b"endobj"):
                break
            if kind == "lit":
                pos = _literal_end(data, pos)
                tokens.append((kind, b""))
                continue
            if kind == "hex":
                self.hex_string(value[1:-1], where)
            depth += 1 if kind == "open" else -1 if kind == "close" else 0
            pos = match.end()
            if depth == 1 or (depth == 0 and kind == "close"):
                tokens.append((kind, value))
        for i, (kind, value) in enumerate(tokens):
            if kind == "name" and value == b"/Length" and i + 1 < len(tokens):
                nxt = tokens[i + 1 : i + 4]
                if len(nxt) == 3 and nxt[2] == ("kw", b"R"):
                    length = (int(nxt[0][1]), int(nxt[1][1]))
                elif nxt[0][0] == "num" and nxt[0][1].isdigit():
                    length = int(nxt[0][1])
        return pos, length

    def hex_string(self, content: bytes, where: str) -> None:
        if _HEX_BAD.search(content):
            self.fail("6.1.6-2", "6.1.6-2", where, "hexadecimal string with a non-hex character")
        elif len(bytes(b for b in content if b not in _WS)) % 2:
            self.fail("6.1.6-1", "6.1.6-1", where, "hexadecimal string of odd length")

    def stream(self, pos: int, length: int | tuple[int, int] | None, where: str) -> int:
        data = self.data
        if data[pos : pos + 2] == b"\r\n":
            start = pos + 2
        elif data[pos : pos + 1] == b"\n":
            start = pos + 1
        else:
            start = pos + (1 if data[pos : pos + 1] == b"\r" else 0)
            self.fail("6.1.7-2", "6.1.7.1-2", where, "stream keyword not followed by CRLF or LF")
        declared = self.resolve(*length) if isinstance(length, tuple) else length
        end = data.find(b"endstream", start)
        if end < 0:
            return len(data)
        if declared is not None:
            probe = start + declared
            while probe < len(data) and data[probe] in _WS:
                probe += 1
            if data.startswith(b"endstream", probe):
                end = probe
        before = data[max(start, end - 2) : end]
        if before[-1:] not in (b"\r", b"\n"):
            self.fail("6.1.7-2", "6.1.7.1-2", where, "endstream keyword not preceded by an EOL")
        approximate = end - start
        eol = 0
        if before.endswith(b"\n"):
            eol = 2 if before == b"\r\n" and approximate - (declared or 0) > 1 else 1
        elif before.endswith(b"\r"):
            eol = 1
        real = approximate - eol
        if declared != real:
            self.fail("6.1.7-1", "6.1.7.1-1", where, f"Length {declared} but {real} bytes")
        return end + len(b"endstream")

    def end(self, pos: int, where: str) -> int:
        data = self.data
        after = pos
        while after < len(data) and data[after] in _WS:
            after += 1
        if not data.startswith(b"endobj", after):
            return after
        if after == 0 or data[after - 1] not in _EOL:
            self.spacing(where, "endobj keyword not preceded by an EOL")
        tail = after + len(b"endobj")
        if tail < len(data) and data[tail] not in _EOL:
            self.spacing(where, "endobj keyword not followed by an EOL")
        return tail


def check_syntax(data: bytes, part: int, resolve: LengthResolver) -> list[Issue]:
    """Issues of file syntax for ISO 19005-``part`` (1 or 2; 3 reads as 2)."""
    issues = [*_header(data, part), *_after_eof(data, part)]
    offsets = _xref_tables(data, part, issues)
    objects = _Objects(data, part, resolve)
    if offsets is not None:
        for offset in sorted(set(offsets.values()))[:_MAX_OBJECTS]:
            objects.check(offset)
    else:
        pos, count = 0, 0
        while count < _MAX_OBJECTS:
            match = _OBJ_HEADER.search(data, pos)
            if match is None:
                break
            pos = max(objects.check(match.start()), match.end())
            count += 1
    issues.extend(objects.issues)
    return issues

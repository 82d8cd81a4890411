"""Canonical XML 1.0 (without comments) of an element, computed from parser events as a stream.

The verifier re-serialises a signed element from what the parser reported — start tags with
their in-scope namespaces and attributes, text, processing instructions, end tags — in the
form C14N 1.0 gives a document subset whose apex is that element, and hashes it (SHA-256).
When that digest equals the digest of the element's raw bytes in the file, the bytes the
signature covers are exactly the canonical form of what the parsed tree says: a reader that
parses the package and canonicalises the element (lxml, xmlsec, a bureau's tool) signs and
checks the same bytes. Pure; nothing is read or written.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

__all__ = ["CanonicalHasher", "escape_text"]


def escape_text(text: str) -> str:
    """Text node escaping of C14N 1.0."""
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "\r" in text:
        text = text.replace("\r", "&#xD;")
    return text


def _escape_attribute(value: str) -> str:
    for char, entity in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        ('"', "&quot;"),
        ("\t", "&#x9;"),
        ("\n", "&#xA;"),
        ("\r", "&#xD;"),
    ):
        value = value.replace(char, entity)
    return value


class CanonicalHasher:
    """SHA-256 of the canonical form of one element, fed its events in document order."""

    def __init__(self) -> None:
        self._sha256 = hashlib.sha256()
        self._rendered: list[Mapping[str, str]] = [{}]  # namespaces rendered by output ancestors

    def start(
        self, qname: str, attributes: Sequence[tuple[str, str]], in_scope: Mapping[str, str]
    ) -> None:
        """A start tag: its raw qualified name, its attributes other than namespace declarations
        (raw names), and every namespace in scope (prefix, ``""`` for the default → URI)."""
        parent = self._rendered[-1]
        render = {
            prefix: uri
            for prefix, uri in in_scope.items()
            if parent.get(prefix, "") != uri and prefix != "xml"
        }
        self._rendered.append({**parent, **render})
        parts = ["<", qname]
        for prefix, uri in sorted(render.items()):  # the default namespace ("") sorts first
            name = f"xmlns:{prefix}" if prefix else "xmlns"
            parts.append(f' {name}="{_escape_attribute(uri)}"')

        def key(item: tuple[str, str]) -> tuple[str, str]:
            name = item[0]
            if ":" not in name:
                return "", name
            prefix, local = name.split(":", 1)
            return in_scope.get(prefix, "\uffff" + prefix), local

        for name, value in sorted(attributes, key=key):
            parts.append(f' {name}="{_escape_attribute(value)}"')
        parts.append(">")
        self._sha256.update("".join(parts).encode("utf-8"))

    def text(self, text: str) -> None:
        self._sha256.update(escape_text(text).encode("utf-8"))

    def processing_instruction(self, target: str, data: str) -> None:
        self._sha256.update((f"<?{target} {data}?>" if data else f"<?{target}?>").encode("utf-8"))

    def end(self, qname: str) -> None:
        self._rendered.pop()
        self._sha256.update(f"</{qname}>".encode())

    def digest(self) -> bytes:
        return self._sha256.digest()

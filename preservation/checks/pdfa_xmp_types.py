"""Does an XMP property's value have its declared value type (ISO 19005-1 6.7.9, -2 6.6.2.3.1)?

Types are written as in the XMP Specification and the PDF/A extension schemas: simple types
(Text, Integer, Real, Boolean, Date, MIMEType, GPSCoordinate, …), ``Lang Alt``, arrays (``Bag``,
``Seq``, ``Alt`` of a type), choices (``Closed Choice of Integer``; the predefined tables give the
allowed values after ``=``), structures (predefined per part, or defined by an extension schema's
``pdfaType`` value types). Reads and writes nothing. Raises: nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from lxml import etree

from .pdfa_xmp_rdf import Node
from .pdfa_xmp_schemas import structures

__all__ = ["TypeSystem"]

_ANY = re.compile(r".*", re.DOTALL)
_REAL = re.compile(r"[+-]?(\d+\.?\d*|\d*\.\d+)")
_INTEGER = re.compile(r"[+-]?\d+")
_DATE = re.compile(
    r"-?(\d{1,4})(?:-(\d{1,2})(?:-(\d{1,2})(?:T(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.\d+)?)?)?"
    r"(?:Z|[+-](\d{1,2})(?::(\d{1,2}))?)?)?)?)?"
)
_DATE_LIMITS = (9999, 12, 31, 23, 59, 59, 23, 59)
_CHOICE = re.compile(r"^(open |closed )?choice( of)?", re.IGNORECASE)
_ARRAY = ("bag", "seq", "alt")


def _date(value: str) -> bool:
    if value == "":
        return True  # an empty date is allowed (the XMP toolkit reads it as unset)
    match = _DATE.fullmatch(value)
    if match is None:
        return False
    return all(int(g) <= top for g, top in zip(match.groups(), _DATE_LIMITS, strict=True) if g)


def _xpath(value: str) -> bool:
    try:
        etree.XPath(value)
    except etree.XPathSyntaxError:
        return False
    return True


def _ranged(pattern: re.Pattern[str], low: float, high: float) -> Callable[[str], bool]:
    return lambda v: bool(pattern.fullmatch(v)) and low <= float(v) <= high


def _pattern(regex: str, flags: int = 0) -> Callable[[str], bool]:
    compiled = re.compile(regex, flags)
    return lambda v: bool(compiled.fullmatch(v))


_COMMON_SIMPLE: dict[str, Callable[[str], bool]] = {
    **dict.fromkeys(
        ("text", "propername", "agentname", "rational", "renditionclass", "locale", "uri", "url"),
        lambda v: True,
    ),
    "boolean": _pattern(r"True|False"),
    "integer": _pattern(_INTEGER.pattern),
    "real": _pattern(_REAL.pattern),
    "mimetype": _pattern(r"[-\w+.]+/[-\w+.]+", re.ASCII),
    "date": _date,
    "xpath": _xpath,
    "point": _pattern(r"\([+-]?\d+, [+-]?\d+\)"),
    "timecodevalue": _pattern(r"\d{2}((:\d{2}){3}|(;\d{2}){3})"),
    "percent": _ranged(_REAL, 0, 100),
    "byte": _ranged(_INTEGER, 0, 255),
    "signedbyte": _ranged(_INTEGER, -128, 127),
}
_GPS = {
    1: _pattern(r"\d{2},\d{2}[,.]\d{2}[NSEW]", re.ASCII),
    2: _pattern(r"\d{1,3},\d{1,2}(,\d{1,2}|\.\d+)[NSEW]", re.ASCII),
}


@dataclass(frozen=True)
class TypeSystem:
    """The value types known to one part of ISO 19005, plus those an extension schema defines."""

    part: int
    custom: Mapping[str, tuple[str, Mapping[str, str]]] = field(default_factory=dict)

    def _simple(self, base: str) -> Callable[[str], bool] | None:
        if base == "gpscoordinate":
            return _GPS[1 if self.part == 1 else 2]
        return _COMMON_SIMPLE.get(base)

    def _structure(self, base: str) -> tuple[str, Mapping[str, str]] | None:
        for name, spec in (*self.custom.items(), *structures(self.part).items()):
            if name.lower() == base:
                return spec
        return None

    @staticmethod
    def simplify(type_name: str) -> str:
        """Lower case, choices read as their base type, a bare array as an array of Text."""
        base = _CHOICE.sub("", type_name.strip()).strip().lower() or "text"
        return f"{base} text" if base in _ARRAY else base

    def known(self, type_name: str) -> bool:
        """Is ``type_name`` a type this part (or the extension schema) defines?"""
        base = self.simplify(type_name.partition("=")[0])
        while base.split(" ", 1)[0] in _ARRAY and " " in base and base != "lang alt":
            base = base.split(" ", 1)[1]
        return (
            base == "lang alt"
            or self._simple(base) is not None
            or self._structure(base) is not None
        )

    def conforms(self, node: Node, type_name: str) -> bool:
        """Does ``node`` have the value type ``type_name``?"""
        spelled, _, choices = type_name.partition("=")
        base = self.simplify(spelled)
        if choices:
            return self._choice(node, base, choices.split("|"))
        if base == "lang alt":
            return node.form == "Alt" and all(
                i.form == "simple" and i.lang is not None for i in node.items
            )
        head, _, rest = base.partition(" ")
        if head in _ARRAY and rest:
            return node.form.lower() == head and all(self.conforms(i, rest) for i in node.items)
        simple = self._simple(base)
        if simple is not None:
            return node.form == "simple" and simple(node.value)
        structure = self._structure(base)
        if structure is None:
            return False
        ns, fields = structure
        if not fields:  # a value type without fields is text
            return node.form == "simple"
        return node.form == "struct" and all(
            i.ns == ns and i.name in fields and self.conforms(i, fields[i.name]) for i in node.items
        )

    def _choice(self, node: Node, base: str, choices: list[str]) -> bool:
        if base.startswith("seq "):
            values = [i.value for i in node.items]
            return node.form == "Seq" and any(values == c.split(",") for c in choices)
        return node.form == "simple" and node.value in choices

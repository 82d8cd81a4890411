"""档号 (archival reference code): the configurable template, formatting, parsing, class key.

The template is data (``data/archival-code.json``); the default reads
``全宗号-门类代码·年度-保管期限-机构代码-件号``, e.g. ``Z109-WS·2011-Y-BGS-0001``. Only U+00B7 is
accepted as the middle dot, never a look-alike. Reads: that file (``ArchivalCodeRule.load``).
Raises: ``ArchivalCodeError`` (``DataFileError`` for a damaged shipped file).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import lru_cache
from types import MappingProxyType

from standards.datafiles import read_json
from standards.errors import ArchivalCodeError, DataFileError

__all__ = [
    "ArchivalCodeParts",
    "ArchivalCodeRule",
    "class_key",
    "format_code",
    "is_well_formed",
    "parse_code",
]

_CLASS_PARTS = ("fonds", "category", "year", "retention", "organization")
_ALL_PARTS = (*_CLASS_PARTS, "item")


@dataclass(frozen=True)
class ArchivalCodeParts:
    """A 档号 taken apart; ``item`` 0 stands for "not yet numbered" (class key only)."""

    fonds: str
    category: str
    year: int
    retention: str
    organization: str
    item: int = 0

    def with_item(self, item: int) -> ArchivalCodeParts:
        return replace(self, item=item)


def _fields(template: str) -> list[str]:
    return [f for _, f, _, _ in string.Formatter().parse(template) if f is not None]


@dataclass(frozen=True)
class ArchivalCodeRule:
    """A 档号 template with the pattern of each part; build with ``load`` or ``from_mapping``."""

    template: str
    class_template: str
    default_category: str
    item_digits: int
    parts: Mapping[str, str]

    @classmethod
    def from_mapping(cls, raw: object) -> ArchivalCodeRule:
        """Build a rule from parsed JSON shaped like ``data/archival-code.json``."""
        if not isinstance(raw, dict):
            raise ArchivalCodeError("archival-code rule must be an object")
        try:
            template, class_template = str(raw["template"]), str(raw["class_template"])
            category, digits = str(raw["default_category"]), int(raw["item_digits"])
            parts = {str(k): str(v) for k, v in dict(raw["parts"]).items()}
        except (KeyError, TypeError, ValueError) as exc:
            raise ArchivalCodeError(f"archival-code rule incomplete: {exc}") from exc
        if sorted(_fields(template)) != sorted(_ALL_PARTS):
            raise ArchivalCodeError(f"template must use each of {_ALL_PARTS} once: {template!r}")
        if sorted(_fields(class_template)) != sorted(_CLASS_PARTS):
            raise ArchivalCodeError(f"class template must use each of {_CLASS_PARTS} once")
        if set(parts) != set(_CLASS_PARTS) or not 1 <= digits <= 9:
            raise ArchivalCodeError("parts must give a pattern for each class part; 1-9 digits")
        rule = cls(template, class_template, category, digits, MappingProxyType(parts))
        rule.check_part("category", category)
        return rule

    @classmethod
    def load(cls) -> ArchivalCodeRule:
        """Return the shipped rule of ``data/archival-code.json``."""
        return _shipped_rule()

    @property
    def max_item(self) -> int:
        return int(10**self.item_digits - 1)

    def _regex(self) -> re.Pattern[str]:
        patterns = dict(self.parts, item=f"[0-9]{{{self.item_digits}}}")
        out = []
        for literal, field, _, _ in string.Formatter().parse(self.template):
            out.append(re.escape(literal))
            if field is not None:
                out.append(f"(?P<{field}>{patterns[field]})")
        return re.compile("".join(out))

    def check_part(self, part: str, value: str) -> None:
        """Raise ``ArchivalCodeError`` unless ``value`` fits the pattern of ``part``."""
        pattern = self.parts.get(part)
        if pattern is None or not re.fullmatch(f"(?:{pattern})", value):
            raise ArchivalCodeError(f"{part} {value!r} does not fit the 档号 template")

    def _class_values(self, parts: ArchivalCodeParts) -> dict[str, str]:
        values = {
            "fonds": parts.fonds,
            "category": parts.category,
            "year": f"{parts.year:04d}" if 0 <= parts.year <= 9999 else str(parts.year),
            "retention": parts.retention,
            "organization": parts.organization,
        }
        for part, value in values.items():
            self.check_part(part, value)
        return values

    def class_key(self, parts: ArchivalCodeParts) -> str:
        """Return the class a 件号 counts in (all but the 件号), e.g. ``Z109-WS·2011-Y-BGS``."""
        return self.class_template.format_map(self._class_values(parts))

    def format(self, parts: ArchivalCodeParts) -> str:
        """Return the 档号 text; raises when a part does not fit or the 件号 is out of range."""
        if not 1 <= parts.item <= self.max_item:
            raise ArchivalCodeError(f"件号 {parts.item} outside 1..{self.max_item}")
        values = self._class_values(parts)
        values["item"] = f"{parts.item:0{self.item_digits}d}"
        return self.template.format_map(values)

    def parse(self, text: str) -> ArchivalCodeParts:
        """Take a 档号 apart; raises ``ArchivalCodeError`` when it does not fit the template."""
        match = self._regex().fullmatch(text)
        if match is None:
            raise ArchivalCodeError(f"not a well-formed 档号: {text!r}")
        item = int(match["item"])
        if item < 1:
            raise ArchivalCodeError(f"件号 must start at 1: {text!r}")
        return ArchivalCodeParts(
            fonds=match["fonds"],
            category=match["category"],
            year=int(match["year"]),
            retention=match["retention"],
            organization=match["organization"],
            item=item,
        )

    def is_well_formed(self, text: str) -> bool:
        """True when ``text`` parses under this rule."""
        try:
            self.parse(text)
        except ArchivalCodeError:
            return False
        return True


@lru_cache(maxsize=1)
def _shipped_rule() -> ArchivalCodeRule:
    try:
        return ArchivalCodeRule.from_mapping(read_json("archival-code.json"))
    except ArchivalCodeError as exc:
        raise DataFileError(f"archival-code.json: {exc}") from exc


def format_code(rule: ArchivalCodeRule, parts: ArchivalCodeParts) -> str:
    """Format ``parts`` with ``rule``."""
    return rule.format(parts)


def parse_code(rule: ArchivalCodeRule, text: str) -> ArchivalCodeParts:
    """Parse ``text`` with ``rule``."""
    return rule.parse(text)


def is_well_formed(rule: ArchivalCodeRule, text: str) -> bool:
    """Well-formedness of ``text`` under ``rule``."""
    return rule.is_well_formed(text)


def class_key(parts: ArchivalCodeParts, rule: ArchivalCodeRule | None = None) -> str:
    """Class key of ``parts`` (the 件号 is ignored) under ``rule`` (default: the shipped one)."""
    return (rule or _shipped_rule()).class_key(parts)

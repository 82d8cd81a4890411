"""The DA/T 70-2018 check catalogue as data: 49 indicators and the detailed items under them.

Reads: ``data/dat70-indicators.tsv`` (stage, code, property, Chinese name, summary) and
``data/dat70-items.tsv`` (item code such as ``GD-1-1-1``, stage, indicator, property, Chinese and
English names, method, mode ``automatic|manual|not_applicable`` and the reason when not
automatic). Writes: nothing. Raises: ``DataFileError`` for a malformed or inconsistent table.
"""

from __future__ import annotations

import builtins
import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from types import MappingProxyType

from standards.datafiles import read_tsv
from standards.errors import DataFileError

__all__ = ["STAGES", "Dat70Indicator", "Dat70Item", "Mode", "dat70_indicators", "dat70_items"]

STAGES = ("GD", "YJ", "BC")
_ITEM = re.compile(r"^(GD|YJ|BC)-([1-4]-[1-5])-(\d{1,2})$")


class Mode(StrEnum):
    AUTOMATIC = "automatic"
    MANUAL = "manual"
    NOT_APPLICABLE = "not_applicable"


@dataclass(frozen=True)
class Dat70Indicator:
    """One indicator row, e.g. ``GD-1-1`` 电子文件来源真实性."""

    stage: str
    code: str  # "1-1"
    property: str
    name_zh: str
    summary: str

    @builtins.property  # the field ``property`` shadows the builtin in this class body
    def key(self) -> str:
        return f"{self.stage}-{self.code}"


@dataclass(frozen=True)
class Dat70Item:
    """One detailed check item under an indicator."""

    item: str  # GD-1-1-1
    stage: str
    indicator: str  # GD-1-1
    property: str
    name_zh: str
    name_en: str
    method: str
    mode: Mode
    reason: str = ""


@lru_cache(maxsize=1)
def dat70_indicators() -> Mapping[str, Dat70Indicator]:
    """Every indicator by key (``GD-1-1``)."""
    table: dict[str, Dat70Indicator] = {}
    for row in read_tsv("dat70-indicators.tsv"):
        try:
            entry = Dat70Indicator(
                row["stage"], row["code"], row["property"], row["indicator_zh"], row["summary"]
            )
        except KeyError as exc:
            raise DataFileError(f"dat70-indicators.tsv: bad row {row!r}") from exc
        if entry.key in table:
            raise DataFileError(f"dat70-indicators.tsv: duplicate {entry.key}")
        table[entry.key] = entry
    return MappingProxyType(table)


def _item(row: Mapping[str, str], indicators: Mapping[str, Dat70Indicator]) -> Dat70Item:
    try:
        item = Dat70Item(
            item=row["item"],
            stage=row["stage"],
            indicator=row["indicator"],
            property=row["property"],
            name_zh=row["name_zh"],
            name_en=row["name_en"],
            method=row["method"],
            mode=Mode(row["mode"]),
            reason=row["reason"],
        )
    except (KeyError, ValueError) as exc:
        raise DataFileError(f"dat70-items.tsv: bad row {dict(row)!r}: {exc}") from exc
    match = _ITEM.match(item.item)
    if match is None or f"{match[1]}-{match[2]}" != item.indicator or match[1] != item.stage:
        raise DataFileError(f"dat70-items.tsv: {item.item} does not sit under {item.indicator}")
    indicator = indicators.get(item.indicator)
    if indicator is None or indicator.property != item.property:
        raise DataFileError(f"dat70-items.tsv: {item.item}: unknown indicator or property")
    if item.mode is not Mode.AUTOMATIC and not item.reason:
        raise DataFileError(f"dat70-items.tsv: {item.item} is {item.mode} without a reason")
    return item


@lru_cache(maxsize=1)
def dat70_items() -> Mapping[str, Dat70Item]:
    """Every detailed item by code, in table order; each indicator has at least one item."""
    indicators = dat70_indicators()
    table: dict[str, Dat70Item] = {}
    for row in read_tsv("dat70-items.tsv"):
        item = _item(row, indicators)
        if item.item in table:
            raise DataFileError(f"dat70-items.tsv: duplicate {item.item}")
        table[item.item] = item
    bare = set(indicators) - {item.indicator for item in table.values()}
    if bare:
        raise DataFileError(f"dat70-items.tsv: indicators without items: {sorted(bare)}")
    return MappingProxyType(table)

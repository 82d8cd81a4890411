"""Facet links for the search page: each facet value toggles one filter in the query string."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from urllib.parse import urlencode

from search import FACETS
from standards.codes import tasks

__all__ = ["FILTER_PARAMS", "Facet", "FacetValue", "build_facets", "task_code_for"]

#: Facet name → the search page's query parameter that filters by it.
FILTER_PARAMS: Mapping[str, str] = {
    "task_name": "task",
    "year": "year",
    "department": "department",
    "result": "result",
    "retention": "retention",
    "security_classification": "classification",
}


@dataclass(frozen=True)
class FacetValue:
    value: str
    count: int
    href: str
    active: bool


@dataclass(frozen=True)
class Facet:
    name: str
    values: tuple[FacetValue, ...]


@cache
def _task_codes() -> Mapping[str, str]:
    codes: dict[str, str] = {}
    for code, item in tasks().items():
        codes.setdefault(item.task_name, code)
    return codes


def task_code_for(task_name: str) -> str | None:
    """The 事项编码 of a 事项 name in the code table, or ``None``."""
    return _task_codes().get(task_name)


def _href(params: Mapping[str, str], key: str, value: str | None) -> str:
    new = {k: v for k, v in params.items() if v and k != "offset"}
    if value is None:
        new.pop(key, None)
    else:
        new[key] = value
    return "/?" + urlencode(new) if new else "/"


def build_facets(counts: Mapping[str, Mapping[str, int]], params: Mapping[str, str]) -> list[Facet]:
    """One ``Facet`` per facet with counts; an active value's link removes the filter."""
    out: list[Facet] = []
    for name in FACETS:
        key = FILTER_PARAMS[name]
        values = []
        for value, count in counts.get(name, {}).items():
            target = task_code_for(value) if name == "task_name" else value
            if target is None:
                continue
            active = params.get(key) == target
            values.append(
                FacetValue(value, count, _href(params, key, None if active else target), active)
            )
        if values:
            out.append(Facet(name, tuple(values)))
    return out

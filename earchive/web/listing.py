"""Paging and sorting of the UI's lists (search, quarantine, event log, transfer plan), kept in
the URL as ``page``, ``size`` and ``sort`` — never an ID number (the search words that hold one
travel as the sealed ``qt`` token). ``ListParams`` is what a list page accepts (a value out of
range is a 422 naming the field), ``Listing`` what its template needs to draw the pager."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from earchive.web.ui import query_string

__all__ = ["PAGE_SIZES", "ListParams", "Listing", "PageSize", "listing"]

PAGE_SIZES = (10, 20, 50, 100)


def _number(value: object) -> object:
    """A query string's digits as the number they spell (``"50"`` → 50), else unchanged."""
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else value


#: One of the offered page sizes (a query string's "50" read as 50).
PageSize = Annotated[Literal[10, 20, 50, 100], BeforeValidator(_number)]


class ListParams(BaseModel):
    """A list's page (from 1), its size and its order (a column key, ``-`` for descending)."""

    model_config = ConfigDict(extra="ignore")

    page: int = Field(1, ge=1, le=100_000, description="页码 (page), from 1")
    size: PageSize = Field(20, description="每页条数 (page size)")
    sort: str = Field("", max_length=20, pattern=r"^-?[a-z_]*$", description="排序 (order)")


@dataclass(frozen=True)
class Listing:
    """One page of a list: where it is, how many there are, and the URL's other parameters."""

    page: int
    size: int
    total: int
    sort: str
    sorts: tuple[str, ...]
    params: Mapping[str, str]

    @property
    def pages(self) -> int:
        return max(1, (self.total + self.size - 1) // self.size)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.size

    @property
    def first(self) -> int:
        """The position (from 1) of the page's first row, 0 when the list is empty."""
        return self.offset + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.offset + self.size)

    def href(self, **changes: object) -> str:
        """This list's URL query with ``changes`` (``page``/``size``/``sort`` or a filter)."""
        base = {**self.params, "page": self.page, "size": self.size, "sort": self.sort}
        if base["page"] == 1:
            base["page"] = ""
        merged = {**base, **changes}
        if merged.get("size") == 20:
            merged["size"] = ""
        return "?" + query_string(merged)

    def sort_href(self, key: str) -> str:
        """The link of a column header: sort by ``key``, or the other way round if it already
        is; back to the first page."""
        order = f"-{key}" if self.sort == key else key
        return self.href(sort=order, page=1)

    def aria_sort(self, key: str) -> str:
        if self.sort == key:
            return "ascending"
        if self.sort == f"-{key}":
            return "descending"
        return "none"

    def window(self) -> list[int]:
        """Page numbers to link around the current one (first, last and two either side)."""
        near = {1, self.pages, *range(self.page - 2, self.page + 3)}
        return sorted(p for p in near if 1 <= p <= self.pages)


def listing(
    chosen: ListParams,
    total: int,
    sorts: Sequence[str],
    params: Mapping[str, str] | None = None,
    default_sort: str = "",
) -> Listing:
    """The page ``chosen`` of ``total`` rows (a page past the end shows the last one); a sort
    not among ``sorts`` (or their ``-`` forms) falls back to ``default_sort``."""
    allowed = {*sorts, *(f"-{s}" for s in sorts)}
    sort = chosen.sort if chosen.sort in allowed else default_sort
    pages = max(1, (total + chosen.size - 1) // chosen.size)
    return Listing(
        page=min(chosen.page, pages),
        size=chosen.size,
        total=total,
        sort=sort,
        sorts=tuple(sorts),
        params={k: v for k, v in (params or {}).items() if v},
    )

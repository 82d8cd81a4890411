"""The search index seam: documents, queries, results and the ``SearchIndex`` protocol.

One document per archive; backends (SQLite FTS5 by default, Elasticsearch later) segment Chinese
with ``search.segment`` so results agree. The index is rebuildable from storage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

__all__ = [
    "EXACT_MATCH_SCORE",
    "FACETS",
    "SORTS",
    "IndexDocument",
    "IndexedFile",
    "InvalidQueryError",
    "SearchHit",
    "SearchIndex",
    "SearchIndexError",
    "SearchQuery",
    "SearchResult",
]

#: Facet names, in display order (each counts the matched set by one field).
FACETS = ("task_name", "year", "department", "result", "retention", "security_classification")
#: Score given to a hit found by an exact identifier (electronic record code, 档号, id).
EXACT_MATCH_SCORE = 1000.0
MAX_LIMIT = 1000
#: Orders a search may ask for: relevance (score, then 档号), 档号 and 年度 either way.
SORTS = ("relevance", "code", "-code", "year", "-year")


class SearchIndexError(Exception):
    """The index backend failed."""


class InvalidQueryError(SearchIndexError, ValueError):
    """A query the index cannot run (bad paging values)."""


@dataclass(frozen=True)
class IndexedFile:
    """One file's searchable text (extracted from the PDF/OFD, or empty)."""

    path: str
    title: str
    text: str = ""


@dataclass(frozen=True)
class IndexDocument:
    """What the index knows of one archive: display fields, filters and full text."""

    archive_id: str
    electronic_record_code: str
    archival_code: str
    title: str
    task_code: str
    task_name: str
    year: int
    department: str
    result: str
    retention: str
    security_classification: str
    fonds_identifier: str
    applicant_name: str
    text: str = ""  # metadata and other text not tied to a file
    files: tuple[IndexedFile, ...] = ()
    issued: str = ""  # the licences the case issued (结果证照 types), not those it only cited


@dataclass(frozen=True)
class SearchQuery:
    """Words to find plus exact filters; ``None`` means "no filter".

    ``fonds`` restricts to the given fonds (access control): an empty tuple matches nothing.
    ``security_classifications`` likewise restricts to the given 密级 values (clearance).
    An empty ``text`` browses everything the filters allow, ordered by 档号. ``sort`` is one of
    ``SORTS`` (``-`` descending); ties are broken by 档号.
    """

    text: str = ""
    task_code: str | None = None
    year: int | None = None
    department: str | None = None
    result: str | None = None
    retention: str | None = None
    security_classification: str | None = None
    fonds: tuple[str, ...] | None = None
    security_classifications: tuple[str, ...] | None = None
    archival_code_prefix: str | None = None
    limit: int = 20
    offset: int = 0
    sort: str = "relevance"

    def check(self) -> None:
        """Raise ``InvalidQueryError`` for paging values out of range or an unknown order."""
        if not 0 < self.limit <= MAX_LIMIT or self.offset < 0:
            raise InvalidQueryError(f"limit must be 1..{MAX_LIMIT} and offset >= 0")
        if self.sort not in SORTS:
            raise InvalidQueryError(f"sort must be one of {', '.join(SORTS)}")


@dataclass(frozen=True)
class SearchHit:
    """One matching archive. ``snippet`` is HTML-safe text with ``<mark>`` around query words."""

    archive_id: str
    electronic_record_code: str
    archival_code: str
    title: str
    score: float
    snippet: str


@dataclass(frozen=True)
class SearchResult:
    """``total`` matches (before paging), one page of hits, and facet counts over all matches."""

    total: int
    hits: tuple[SearchHit, ...]
    facets: Mapping[str, Mapping[str, int]] = field(default_factory=dict)


@runtime_checkable
class SearchIndex(Protocol):
    """A rebuildable full-text and faceted index of archives."""

    def index_many(self, docs: Iterable[IndexDocument]) -> int:
        """Add or replace documents (by ``archive_id``) in one batch; return how many."""
        ...

    def delete(self, archive_id: str) -> bool:
        """Remove one archive's document; ``True`` if it was there."""
        ...

    def search(self, query: SearchQuery) -> SearchResult:
        """Run a query; raises ``InvalidQueryError`` or ``SearchIndexError``."""
        ...

    def clear(self) -> None:
        """Remove every document (before a rebuild)."""
        ...

    def count(self) -> int:
        """Number of indexed archives."""
        ...

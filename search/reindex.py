"""Replacing a whole index without taking search down.

A backend that can (``Reindexable``: Elasticsearch swaps an alias, SQLite commits one
transaction that WAL readers do not see until it is done) builds the new contents aside; any
other ``SearchIndex`` is cleared and refilled. Reads/writes: the index. Raises ``SearchIndexError``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from .index import IndexDocument, SearchIndex

__all__ = ["Reindexable", "replace_all"]


@runtime_checkable
class Reindexable(Protocol):
    """An index that can replace all its documents while searches go on."""

    def reindex(self, docs: Iterable[IndexDocument]) -> int:
        """Make ``docs`` the whole index, at once for searchers; return how many."""
        ...


def replace_all(index: SearchIndex, docs: Iterable[IndexDocument]) -> int:
    """Make ``docs`` the index's only documents; return how many were indexed."""
    if isinstance(index, Reindexable):
        return index.reindex(docs)
    index.clear()
    return index.index_many(docs)

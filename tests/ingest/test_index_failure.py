"""An index backend failure (SearchIndexError: Elasticsearch down, SQLite locked) never fails an
ingest: the archive is queued for a retry and a WARN finding says so."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import create_engine

from ingest import indexing
from search.index import IndexDocument, SearchIndexError, SearchQuery, SearchResult
from standards.finding import Status


class DownIndex:
    """A SearchIndex whose backend is unreachable."""

    def index_many(self, docs: Iterable[IndexDocument]) -> int:
        raise SearchIndexError("Elasticsearch unreachable: cannot bulk index")

    def delete(self, archive_id: str) -> bool:
        raise SearchIndexError("down")

    def search(self, query: SearchQuery) -> SearchResult:
        raise SearchIndexError("down")

    def clear(self) -> None:
        raise SearchIndexError("down")

    def count(self) -> int:
        raise SearchIndexError("down")


def test_a_search_index_error_is_deferred(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'catalog.db'}")
    indexing.metadata.create_all(engine)
    monkeypatch.setattr(indexing, "build_document", lambda *args: object())
    record: Any = SimpleNamespace(id="Z109-A1")
    findings = indexing.index_version(DownIndex(), engine, record, None, tmp_path)  # type: ignore[arg-type]
    assert [(f.code, f.status) for f in findings] == [("INDEX_DEFERRED", Status.WARN)]
    assert indexing.queued(engine) == ["Z109-A1"]

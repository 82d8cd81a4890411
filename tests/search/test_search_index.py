"""Runs the SearchIndex contract (contract.py) on every backend: Tantivy and SQLite FTS5 always,
Elasticsearch when ``EARCHIVE_TEST_ES_URL`` points at a real cluster (a fresh alias per test,
deleted afterwards)."""

from __future__ import annotations

import importlib.util
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest

from search import SearchIndex, SqliteFtsIndex
from search.tantivy_index import TantivyIndex

ES_ENV = "EARCHIVE_TEST_ES_URL"
ES_MISSING = f"{ES_ENV} not set: no Elasticsearch server on this machine"


def _load_contract() -> ModuleType:
    # Loaded by path so the module name cannot collide with another test folder's helper.
    spec = importlib.util.spec_from_file_location(
        "earchive_tests_search_contract", Path(__file__).with_name("contract.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


contract = _load_contract()

#: Builds a fresh, empty backend; registers its clean-up with ``request.addfinalizer``.
Factory = Callable[[pytest.FixtureRequest, Path], SearchIndex]


def sqlite_index(request: pytest.FixtureRequest, tmp: Path) -> SearchIndex:
    return SqliteFtsIndex(tmp / f"index-{uuid.uuid4().hex[:8]}.db")


def tantivy_index(request: pytest.FixtureRequest, tmp: Path) -> SearchIndex:
    return TantivyIndex(tmp / f"index-{uuid.uuid4().hex[:8]}")


def elasticsearch_index(request: pytest.FixtureRequest, tmp: Path) -> SearchIndex:
    url = os.environ.get(ES_ENV)
    if not url:
        pytest.skip(ES_MISSING)
    from elasticsearch import Elasticsearch

    from search.elasticsearch import ElasticsearchIndex

    client = Elasticsearch(url, request_timeout=60)
    index = ElasticsearchIndex(client, alias=f"earchive-test-{uuid.uuid4().hex[:12]}", refresh=True)

    def cleanup() -> None:
        try:
            index.drop()
        finally:
            client.close()

    request.addfinalizer(cleanup)
    return index


BACKENDS = [
    pytest.param(sqlite_index, id="sqlite"),
    pytest.param(tantivy_index, id="tantivy"),
    pytest.param(elasticsearch_index, id="elasticsearch"),
]


@pytest.fixture(params=BACKENDS)
def empty_index(request: pytest.FixtureRequest, tmp_path: Path) -> SearchIndex:
    factory: Factory = request.param
    return factory(request, tmp_path)


@pytest.fixture
def index(empty_index: SearchIndex) -> Iterator[SearchIndex]:
    empty_index.index_many(contract.make_doc(n) for n in range(40))
    yield empty_index


class TestSearchIndexContract(contract.SearchIndexContract):  # type: ignore[misc,name-defined]
    pass

"""ElasticsearchIndex LOGIC tests, without a server: NOT a backend proof.

``build_query`` / ``build_exact_query`` are checked on the request bodies they produce,
``parse_response`` on literal responses shaped like documented Elasticsearch 8 answers, and the
alias orchestration on the exact sequence of calls made to a recording stub client. Whether a
real cluster answers as assumed is proven only by the contract suite in test_search_index.py
with ``EARCHIVE_TEST_ES_URL`` set.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from elastic_transport import ApiResponseMeta, HttpHeaders, NodeConfig, ObjectApiResponse
from elasticsearch import ApiError, ConnectionError, NotFoundError

from search import InvalidQueryError, SearchIndex, SearchIndexError, SearchQuery, Segmenter
from search.document_text import body_text, identifier_text, title_text
from search.elasticsearch import ElasticsearchIndex
from search.es_query import (
    MAPPING,
    MAX_RESULT_WINDOW,
    build_exact_query,
    build_query,
    document_source,
    parse_response,
    query_words,
)
from search.index import EXACT_MATCH_SCORE, FACETS
from search.snippet import make_snippet


def _load_contract() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "earchive_tests_search_contract_logic", Path(__file__).with_name("contract.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


make_doc = _load_contract().make_doc
SEG = Segmenter()
_NODE = NodeConfig("http", "localhost", 9200)


def _meta(status: int = 200) -> ApiResponseMeta:
    return ApiResponseMeta(status, "1.1", HttpHeaders(), 0.0, _NODE)


def _not_found(kind: str = "index_not_found_exception") -> NotFoundError:
    return NotFoundError(kind, _meta(404), {"error": {"type": kind}, "status": 404})


# -- request bodies -------------------------------------------------------------------------------


def test_browse_body_filters_and_sorts_by_archival_code() -> None:
    body = build_query(SearchQuery(year=2019, fonds=("Z109",), archival_code_prefix="Z109-WS"), [])
    assert body["query"] == {
        "bool": {
            "filter": [
                {"term": {"year": 2019}},
                {"terms": {"fonds_identifier": ["Z109"]}},
                {"prefix": {"archival_code": "Z109-WS"}},
            ]
        }
    }
    assert body["sort"] == [{"archival_code": "asc"}, {"archive_id": "asc"}]
    assert (body["from"], body["size"], body["track_total_hits"]) == (0, 20, True)
    assert set(body["aggs"]) == set(FACETS)
    assert body["aggs"]["year"]["terms"]["field"] == "year"
    assert body["aggs"]["task_name"]["terms"]["order"] == [{"_count": "desc"}, {"_key": "asc"}]


def test_text_body_requires_every_token_with_field_weights() -> None:
    query = SearchQuery(text="王小明 营业执照", task_code="000105002000", limit=5, offset=10)
    words = query_words(query, SEG)
    assert words == ["王小明", "营业", "执照", "营业执照"]
    body = build_query(query, words)
    assert body["query"] == {
        "bool": {
            "must": [
                {
                    "multi_match": {
                        "query": "王小明 营业 执照 营业执照",
                        "type": "cross_fields",
                        "operator": "and",
                        "fields": ["title_tokens^10", "identifier_tokens^5", "body_tokens^1"],
                    }
                }
            ],
            "filter": [{"term": {"task_code": "000105002000"}}],
        }
    }
    assert body["sort"][0] == "_score" and body["track_scores"] is True
    assert (body["from"], body["size"]) == (10, 5)


def test_empty_access_tuples_match_nothing_and_punctuation_matches_nothing() -> None:
    body = build_query(SearchQuery(fonds=(), security_classifications=()), [])
    assert body["query"]["bool"]["filter"] == [{"match_none": {}}, {"match_none": {}}]
    body = build_query(SearchQuery(security_classifications=("公开", "秘密")), [])
    assert body["query"]["bool"]["filter"] == [
        {"terms": {"security_classification": ["公开", "秘密"]}}
    ]
    punctuation = SearchQuery(text="，。！")
    assert query_words(punctuation, SEG) == []
    assert build_query(punctuation, [])["query"] == {"match_none": {}}


def test_exact_body_is_a_constant_score_identifier_lookup() -> None:
    assert build_exact_query(SearchQuery(text="  ")) is None
    body = build_exact_query(SearchQuery(text=" Z109-WS·2019-D30-BGS-0007 ", year=2019))
    assert body is not None
    assert body["query"] == {
        "constant_score": {
            "filter": {
                "bool": {
                    "filter": [
                        {
                            "bool": {
                                "should": [
                                    {
                                        "term": {
                                            "electronic_record_code": "Z109-WS·2019-D30-BGS-0007"
                                        }
                                    },
                                    {"term": {"archival_code": "Z109-WS·2019-D30-BGS-0007"}},
                                    {"term": {"archive_id": "Z109-WS·2019-D30-BGS-0007"}},
                                ],
                                "minimum_should_match": 1,
                            }
                        },
                        {"term": {"year": 2019}},
                    ]
                }
            },
            "boost": EXACT_MATCH_SCORE,
        }
    }
    assert body["track_scores"] is True and set(body["aggs"]) == set(FACETS)


def test_paging_is_checked_before_any_request() -> None:
    with pytest.raises(InvalidQueryError):
        build_query(SearchQuery(limit=0), [])
    with pytest.raises(InvalidQueryError):
        build_query(SearchQuery(offset=-1), [])
    with pytest.raises(InvalidQueryError):
        build_query(SearchQuery(limit=1000, offset=MAX_RESULT_WINDOW - 999), [])
    build_query(SearchQuery(limit=1000, offset=MAX_RESULT_WINDOW - 1000), [])


def test_documents_fit_the_strict_mapping_and_carry_the_sqlite_tokens() -> None:
    doc = make_doc(13)
    source = document_source(doc, SEG)
    assert MAPPING["dynamic"] == "strict"
    assert set(source) == set(MAPPING["properties"])
    assert source["body"] == body_text(doc)  # the original text: snippets as in SQLite
    assert source["title_tokens"] == SEG.segment(title_text(doc))
    assert source["body_tokens"] == SEG.segment(body_text(doc))
    assert source["identifier_tokens"] == SEG.segment(identifier_text(doc))
    assert "000013" in source["identifier_tokens"].split()
    for name in ("title_tokens", "body_tokens", "identifier_tokens"):
        assert MAPPING["properties"][name] == {"type": "text", "analyzer": "whitespace"}
    for name in ("archive_id", "archival_code", "fonds_identifier", "security_classification"):
        assert MAPPING["properties"][name] == {"type": "keyword"}


# -- responses ------------------------------------------------------------------------------------


def _hit(n: int, score: float | None) -> dict[str, Any]:
    doc = make_doc(n)
    return {
        "_index": "earchive-v1",
        "_id": doc.archive_id,
        "_score": score,
        "_source": {
            "archive_id": doc.archive_id,
            "electronic_record_code": doc.electronic_record_code,
            "archival_code": doc.archival_code,
            "title": doc.title,
            "body": body_text(doc),
        },
        "sort": [score, doc.archival_code, doc.archive_id],
    }


def _terms(buckets: list[tuple[Any, int]]) -> dict[str, Any]:
    return {
        "doc_count_error_upper_bound": 0,
        "sum_other_doc_count": 0,
        "buckets": [{"key": k, "doc_count": c} for k, c in buckets],
    }


RESPONSE: dict[str, Any] = {  # the shape of an Elasticsearch 8 search response
    "took": 3,
    "timed_out": False,
    "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
    "hits": {
        "total": {"value": 8, "relation": "eq"},
        "max_score": 7.5,
        "hits": [_hit(2, 7.5), _hit(22, 7.25)],
    },
    "aggregations": {
        "task_name": _terms([("建设工程规划许可证核发", 8)]),
        "year": _terms([(2018, 3), (2020, 3), (2019, 2)]),
        "department": _terms([("自然资源和规划局", 8)]),
        "result": _terms([("准予许可", 8)]),
        "retention": _terms([("Y", 8)]),
        "security_classification": _terms([("公开", 8)]),
    },
}


def test_parse_response_hits_scores_facets_and_snippets() -> None:
    words = ["王小明"]
    result = parse_response(RESPONSE, words)
    assert result.total == 8
    assert [h.archive_id for h in result.hits] == [make_doc(2).archive_id, make_doc(22).archive_id]
    first = result.hits[0]
    assert first.score == 7.5 and first.title == make_doc(2).title
    assert first.archival_code == make_doc(2).archival_code
    assert first.snippet == make_snippet(body_text(make_doc(2)), words)
    assert "<mark>王小明</mark>于" in first.snippet
    assert result.facets["year"] == {"2018": 3, "2020": 3, "2019": 2}
    assert result.facets["task_name"] == {"建设工程规划许可证核发": 8}
    assert set(result.facets) == set(FACETS)


def test_parse_response_without_matches_or_scores() -> None:
    empty = {
        "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": None, "hits": []},
        "aggregations": {name: _terms([]) for name in FACETS},
    }
    result = parse_response(empty)
    assert (result.total, result.hits, dict(result.facets)) == (0, (), {})
    browse = parse_response({**RESPONSE, "hits": {**RESPONSE["hits"], "hits": [_hit(2, None)]}})
    assert browse.hits[0].score == 0.0
    assert browse.hits[0].snippet == make_snippet(body_text(make_doc(2)), [])
    with pytest.raises(SearchIndexError):
        parse_response({"error": {"type": "search_phase_execution_exception"}, "status": 400})


# -- orchestration against a recording stub (logic only) ------------------------------------------

Reply = Any | Exception | Callable[..., Any]


class _Recorder:
    def __init__(
        self, prefix: str, calls: list[tuple[str, dict[str, Any]]], replies: dict[str, Reply]
    ):
        self._prefix, self._calls, self._replies = prefix, calls, replies

    def __getattr__(self, name: str) -> Callable[..., Any]:
        key = self._prefix + name

        def call(**kwargs: Any) -> Any:
            self._calls.append((key, kwargs))
            reply = self._replies.get(key, {})
            if callable(reply) and not isinstance(reply, type):
                reply = reply(**kwargs)
            if isinstance(reply, Exception):
                raise reply
            return ObjectApiResponse(body=reply, meta=_meta())

        return call


class StubClient(_Recorder):
    """Records every call (name, keyword arguments) and answers from ``replies``: a stand-in for
    ``Elasticsearch`` that checks OUR call sequence, not Elasticsearch's behaviour."""

    def __init__(self, **replies: Reply) -> None:
        self.calls: list[tuple[str, dict[str, Any]]] = []
        wired = {k.replace("__", "."): v for k, v in replies.items()}
        super().__init__("", self.calls, wired)
        self.indices = _Recorder("indices.", self.calls, wired)

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


def _index(client: StubClient, **kwargs: Any) -> ElasticsearchIndex:
    return ElasticsearchIndex(client, alias="arc", segmenter=SEG, **kwargs)  # type: ignore[arg-type]


def test_first_write_creates_the_versioned_index_with_the_alias() -> None:
    client = StubClient(
        indices__get_alias=_not_found("aliases_not_found_exception"),
        indices__get={"other-v3": {}},
        bulk={"took": 1, "errors": False, "items": []},
    )
    index = _index(client, refresh=True)
    assert isinstance(index, SearchIndex)
    assert index.index_many([make_doc(1), make_doc(2)]) == 2
    assert client.names() == ["indices.get_alias", "indices.get", "indices.create", "bulk"]
    create = client.calls[2][1]
    assert create["index"] == "arc-v1" and create["aliases"] == {"arc": {"is_write_index": True}}
    assert create["mappings"] == MAPPING
    assert create["settings"]["number_of_shards"] == 1
    bulk = client.calls[3][1]
    assert bulk["refresh"] is True
    assert bulk["operations"][0] == {"index": {"_index": "arc", "_id": make_doc(1).archive_id}}
    assert bulk["operations"][1] == document_source(make_doc(1), SEG)
    index.index_many([make_doc(3)])  # the alias is known now: no more set-up calls
    assert client.names()[4:] == ["bulk"]


def test_reindex_fills_a_new_index_then_swaps_the_alias_atomically() -> None:
    client = StubClient(
        indices__get={"arc-v1": {}, "arc-v2": {}, "arc-vx": {}},
        indices__get_alias={"arc-v2": {"aliases": {"arc": {}}}},
        bulk={"took": 1, "errors": False, "items": []},
    )
    assert _index(client).reindex(make_doc(n) for n in range(3)) == 3
    assert client.names() == [
        "indices.get",
        "indices.create",
        "bulk",
        "indices.refresh",
        "indices.get_alias",
        "indices.update_aliases",
        "indices.delete",
    ]
    assert client.calls[1][1]["index"] == "arc-v3" and client.calls[1][1]["aliases"] is None
    assert {op["index"]["_index"] for op in client.calls[2][1]["operations"][::2]} == {"arc-v3"}
    assert client.calls[2][1]["refresh"] is False
    assert client.calls[3][1] == {"index": "arc-v3"}
    assert client.calls[5][1] == {
        "actions": [
            {"remove": {"index": "arc-v2", "alias": "arc"}},
            {"add": {"index": "arc-v3", "alias": "arc", "is_write_index": True}},
        ]
    }
    assert client.calls[6][1] == {"index": "arc-v2"}


def test_a_failed_reindex_drops_the_new_index_and_keeps_the_alias() -> None:
    client = StubClient(
        indices__get={"arc-v1": {}},
        bulk={
            "took": 1,
            "errors": True,
            "items": [
                {"index": {"_id": "a", "status": 201}},
                {
                    "index": {
                        "_id": "b",
                        "status": 400,
                        "error": {"type": "mapper_parsing_exception"},
                    }
                },
            ],
        },
    )
    with pytest.raises(SearchIndexError, match=r"1 document.*mapper_parsing_exception"):
        _index(client).reindex([make_doc(1), make_doc(2)])
    assert client.names() == ["indices.get", "indices.create", "bulk", "indices.delete"]
    assert client.calls[-1][1] == {"index": "arc-v2"}


def test_bulk_requests_are_split() -> None:
    client = StubClient(indices__get_alias={"arc-v1": {}}, bulk={"errors": False, "items": []})
    assert _index(client).index_many(make_doc(n) for n in range(1201)) == 1201
    sizes = [len(kw["operations"]) // 2 for name, kw in client.calls if name == "bulk"]
    assert sizes == [500, 500, 201]


def test_search_sends_exact_and_word_queries_in_one_msearch() -> None:
    exact_hit = {**RESPONSE, "hits": {**RESPONSE["hits"], "total": {"value": 1, "relation": "eq"},
                                      "hits": [_hit(7, EXACT_MATCH_SCORE)]}}  # fmt: skip
    nothing = {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}, "aggregations": {}}
    for exact, expected in ((exact_hit, [make_doc(7).archive_id]), (nothing, None)):
        client = StubClient(msearch={"took": 2, "responses": [exact, RESPONSE]})
        result = _index(client).search(SearchQuery(text=make_doc(7).archival_code))
        ((name, kwargs),) = client.calls
        assert name == "msearch" and kwargs["searches"][0] == {"index": "arc"}
        assert "constant_score" in kwargs["searches"][1]["query"]
        assert "bool" in kwargs["searches"][3]["query"]
        if expected:
            assert [h.archive_id for h in result.hits] == expected
            assert result.hits[0].score == EXACT_MATCH_SCORE
        else:
            assert result.total == 8  # fell back to the word search
    browse = StubClient(search=RESPONSE)
    assert _index(browse).search(SearchQuery()).total == 8
    assert browse.names() == ["search"] and browse.calls[0][1]["index"] == "arc"


def test_before_the_first_write_reads_are_empty() -> None:
    missing = _not_found()
    client = StubClient(search=missing, count=missing, delete=missing, delete_by_query=missing)
    index = _index(client)
    assert index.search(SearchQuery()).total == 0
    assert index.count() == 0 and index.delete("x") is False
    index.clear()
    error = {"error": {"type": "index_not_found_exception"}, "status": 404}
    client = StubClient(msearch={"responses": [error, error]})
    assert _index(client).search(SearchQuery(text="许可")).total == 0


def test_errors_become_search_index_errors() -> None:
    refused = ConnectionError("connection refused")
    with pytest.raises(SearchIndexError, match="unreachable"):
        _index(StubClient(search=refused)).search(SearchQuery())
    bad = ApiError("search_phase_execution_exception", _meta(400), {"status": 400})
    with pytest.raises(SearchIndexError):
        _index(StubClient(count=bad)).count()
    failed = {"error": {"type": "search_phase_execution_exception"}, "status": 400}
    with pytest.raises(SearchIndexError, match="search failed"):
        _index(StubClient(msearch={"responses": [failed, RESPONSE]})).search(
            SearchQuery(text="许可")
        )
    with pytest.raises(InvalidQueryError):
        _index(StubClient()).search(SearchQuery(limit=0))
    with pytest.raises(ValueError):
        ElasticsearchIndex(StubClient(), alias="Has Upper")  # type: ignore[arg-type]


def test_the_sort_a_query_asks_for() -> None:
    words = ["许可"]
    assert build_query(SearchQuery(text="许可"), words)["sort"][0] == "_score"
    assert build_query(SearchQuery(text="许可", sort="-year"), words)["sort"][:2] == [
        {"year": "desc"},
        {"archival_code": "asc"},
    ]
    assert build_query(SearchQuery(sort="-code"), [])["sort"][0] == {"archival_code": "desc"}
    assert build_query(SearchQuery(), [])["sort"][0] == {"archival_code": "asc"}

"""Elasticsearch request and response shapes for the search index, as pure functions.

``MAPPING`` is the fixed, strict mapping of one archive document; ``document_source`` builds a
document; ``build_query`` / ``build_exact_query`` turn a ``SearchQuery`` into a search body with
the semantics of ``SqliteFtsIndex`` (exact identifier shortcut scored ``EXACT_MATCH_SCORE``,
jieba tokens all required, title^10 identifiers^5 body^1, filters, 档号 prefix, facets over every
match, paging); ``parse_response`` turns a search response into a ``SearchResult`` with snippets
made from the stored original text. No I/O; raises ``InvalidQueryError`` and ``SearchIndexError``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .document_text import body_text, identifier_text, title_text
from .index import (
    EXACT_MATCH_SCORE,
    FACETS,
    IndexDocument,
    InvalidQueryError,
    SearchHit,
    SearchIndexError,
    SearchQuery,
    SearchResult,
)
from .segment import Segmenter
from .snippet import make_snippet

__all__ = [
    "MAPPING",
    "MAX_RESULT_WINDOW",
    "build_exact_query",
    "build_query",
    "document_source",
    "index_settings",
    "parse_response",
    "query_words",
]

#: Elasticsearch's default ``index.max_result_window``: ``from + size`` may not exceed it.
MAX_RESULT_WINDOW = 10_000
#: Most distinct values one facet reports (the SQLite backend reports all of them).
FACET_SIZE = 10_000

_KEYWORDS = (
    "archive_id",
    "electronic_record_code",
    "archival_code",
    "task_code",
    "task_name",
    "department",
    "result",
    "retention",
    "security_classification",
    "fonds_identifier",
    "applicant_name",
)
_SEGMENTED = {"type": "text", "analyzer": "whitespace"}  # tokens come from jieba, space-joined
_ORIGINAL = {"type": "text", "index": False}  # kept in _source for display and snippets

MAPPING: dict[str, Any] = {
    "dynamic": "strict",
    "properties": {
        **{name: {"type": "keyword"} for name in _KEYWORDS},
        "year": {"type": "integer"},
        "title": _ORIGINAL,
        "body": _ORIGINAL,
        "title_tokens": _SEGMENTED,
        "body_tokens": _SEGMENTED,
        "identifier_tokens": _SEGMENTED,
    },
}
#: Segmented fields and their weights (the SQLite backend's bm25 weights).
TEXT_FIELDS = ("title_tokens^10", "identifier_tokens^5", "body_tokens^1")
_FILTERS = ("task_code", "year", "department", "result", "retention", "security_classification")
_DISPLAY = ["archive_id", "electronic_record_code", "archival_code", "title", "body"]
_IDENTIFIERS = ("electronic_record_code", "archival_code", "archive_id")
_BY_CODE: list[dict[str, Any]] = [{"archival_code": "asc"}, {"archive_id": "asc"}]
#: ``SearchQuery.sort`` other than relevance → the sort of the page (ties by 档号).
_ORDERS: dict[str, list[Any]] = {
    "code": list(_BY_CODE),
    "-code": [{"archival_code": "desc"}, {"archive_id": "desc"}],
    "year": [{"year": "asc"}, *_BY_CODE],
    "-year": [{"year": "desc"}, *_BY_CODE],
}


def index_settings(replicas: int = 0) -> dict[str, Any]:
    """One shard (exact facet counts and scores, as in SQLite) and ``replicas`` copies."""
    return {"number_of_shards": 1, "number_of_replicas": replicas}


def document_source(doc: IndexDocument, segmenter: Segmenter) -> dict[str, Any]:
    """The ``_source`` of one archive: keywords, year, original text and its jieba tokens."""
    body = body_text(doc)
    source: dict[str, Any] = {name: getattr(doc, name) for name in _KEYWORDS}
    source.update(
        year=doc.year,
        title=doc.title,
        body=body,
        title_tokens=segmenter.segment(title_text(doc), memo=False),
        body_tokens=segmenter.segment(body),
        identifier_tokens=segmenter.segment(identifier_text(doc), memo=False),
    )
    return source


def query_words(query: SearchQuery, segmenter: Segmenter) -> list[str]:
    """The query's distinct tokens, in order (what must all match, and what snippets mark)."""
    return list(dict.fromkeys(segmenter.tokens(query.text.strip())))


def _filters(query: SearchQuery) -> list[dict[str, Any]]:
    clauses: list[dict[str, Any]] = []
    for name in _FILTERS:
        value = getattr(query, name)
        if value is not None:
            clauses.append({"term": {name: value}})
    for field, allowed in (
        ("fonds_identifier", query.fonds),
        ("security_classification", query.security_classifications),
    ):
        if allowed is not None:  # an empty tuple allows nothing
            clauses.append({"terms": {field: list(allowed)}} if allowed else {"match_none": {}})
    if query.archival_code_prefix:
        clauses.append({"prefix": {"archival_code": query.archival_code_prefix}})
    return clauses


def _page(query: SearchQuery) -> dict[str, Any]:
    query.check()
    if query.offset + query.limit > MAX_RESULT_WINDOW:
        raise InvalidQueryError(f"offset + limit must not exceed {MAX_RESULT_WINDOW}")
    aggs = {
        name: {
            "terms": {
                "field": name,
                "size": FACET_SIZE,
                "order": [{"_count": "desc"}, {"_key": "asc"}],
            }
        }
        for name in FACETS
    }
    return {
        "from": query.offset,
        "size": query.limit,
        "track_total_hits": True,
        "_source": list(_DISPLAY),
        "aggs": aggs,
    }


def build_exact_query(query: SearchQuery) -> dict[str, Any] | None:
    """The body finding archives whose code, 档号 or id equals the query text (else ``None``)."""
    text = query.text.strip()
    if not text:
        return None
    same = [{"term": {name: text}} for name in _IDENTIFIERS]
    match = {"bool": {"should": same, "minimum_should_match": 1}}
    return {
        **_page(query),
        "query": {
            "constant_score": {
                "filter": {"bool": {"filter": [match, *_filters(query)]}},
                "boost": EXACT_MATCH_SCORE,
            }
        },
        "sort": ["_score", *_BY_CODE],
        "track_scores": True,
    }


def build_query(query: SearchQuery, words: Sequence[str]) -> dict[str, Any]:
    """The body of a word search (every token in some field, bm25) or, without text, a browse.

    ``words`` are ``query_words(query, …)``; text whose tokens are all punctuation matches nothing.
    """
    body = _page(query)
    filters = _filters(query)
    if not query.text.strip():
        body["query"] = {"bool": {"filter": filters}}
        body["sort"] = list(_ORDERS.get(query.sort, _BY_CODE))
        return body
    if not words:
        body["query"] = {"match_none": {}}
    else:
        match = {
            "multi_match": {
                "query": " ".join(words),
                "type": "cross_fields",
                "operator": "and",
                "fields": list(TEXT_FIELDS),
            }
        }
        body["query"] = {"bool": {"must": [match], "filter": filters}}
    body["sort"] = _ORDERS.get(query.sort, ["_score", *_BY_CODE])
    body["track_scores"] = True
    return body


def parse_response(response: Mapping[str, Any], words: Sequence[str] = ()) -> SearchResult:
    """A ``SearchResult`` from a search response; ``words`` are marked in the snippets."""
    try:
        hits_part = response["hits"]
        total_part = hits_part["total"]
        total = int(total_part["value"] if isinstance(total_part, Mapping) else total_part)
        hits = tuple(
            SearchHit(
                archive_id=str(hit["_source"]["archive_id"]),
                electronic_record_code=str(hit["_source"]["electronic_record_code"]),
                archival_code=str(hit["_source"]["archival_code"]),
                title=str(hit["_source"]["title"]),
                score=float(hit.get("_score") or 0.0),
                snippet=make_snippet(str(hit["_source"].get("body", "")), words),
            )
            for hit in hits_part["hits"]
        )
        facets: dict[str, dict[str, int]] = {}
        if total:
            aggs = response.get("aggregations", {})
            for name in FACETS:
                buckets = aggs[name]["buckets"] if name in aggs else []
                facets[name] = {_key(b): int(b["doc_count"]) for b in buckets}
    except (KeyError, TypeError, ValueError) as exc:
        raise SearchIndexError(f"unexpected Elasticsearch response: {exc!r}") from exc
    return SearchResult(total=total, hits=hits, facets=facets)


def _key(bucket: Mapping[str, Any]) -> str:
    key = bucket.get("key_as_string", bucket["key"])
    return str(key)

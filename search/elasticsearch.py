"""``ElasticsearchIndex``: the scaled search index, behind an alias so a reindex never stops search.

Physical indices are named ``<alias>-v<N>`` and carry the fixed strict mapping of
``search.es_query``; every read and write goes to the alias. ``reindex`` fills a new physical
index, then moves the alias in one ``update_aliases`` call and deletes the old index. Chinese is
segmented in Python (jieba), exactly as for ``SqliteFtsIndex``. The physical index is created on
the first write, so building this object does no I/O. Reads/writes: the cluster behind ``client``.
Raises ``SearchIndexError`` (``InvalidQueryError`` for bad paging).
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, Literal

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError

from standards.digits import ascii_int

from .es_query import (
    MAPPING,
    build_exact_query,
    build_query,
    document_source,
    index_settings,
    parse_response,
    query_words,
)
from .index import IndexDocument, SearchIndexError, SearchQuery, SearchResult
from .segment import Segmenter, default_segmenter

__all__ = ["ElasticsearchIndex", "Refresh"]

#: ``refresh`` of write requests: ``"wait_for"`` returns once the change is searchable.
Refresh = bool | Literal["wait_for"]
_ALIAS = re.compile(r"[a-z0-9][a-z0-9_.-]{0,200}")
_BATCH_DOCS = 500
_BATCH_BYTES = 8 << 20  # a bulk request stays well under http.max_content_length (100 MB)


class ElasticsearchIndex:
    """A ``SearchIndex`` on an Elasticsearch 8 cluster; every request goes to ``alias``."""

    def __init__(
        self,
        client: Elasticsearch,
        alias: str = "earchive",
        segmenter: Segmenter | None = None,
        refresh: Refresh = "wait_for",
        replicas: int = 0,
    ) -> None:
        if not _ALIAS.fullmatch(alias):
            raise ValueError(f"not a valid lowercase index alias: {alias!r}")
        self.client = client
        self.alias = alias
        self.refresh = refresh
        self.replicas = replicas
        self._segmenter = segmenter if segmenter is not None else default_segmenter()
        self._ready = False

    # -- physical indices and the alias ---------------------------------------------------------

    def physical_indices(self) -> list[str]:
        """Names of this alias's physical indices (``<alias>-v<N>``), oldest first."""
        with _translated("list indices"):
            found = self.client.indices.get(index=f"{self.alias}-v*", allow_no_indices=True)
        return sorted((n for n in found if _version(self.alias, n) is not None), key=self._number)

    def current_indices(self) -> list[str]:
        """The physical indices the alias points at now (none before the first write)."""
        with _translated("read the alias"):
            try:
                found = self.client.indices.get_alias(name=self.alias)
            except NotFoundError:
                return []
        return sorted(found)

    def create_index(self) -> str:
        """Create ``<alias>-v<N>`` holding the alias, unless the alias exists; return its index."""
        current = self.current_indices()
        if current:
            self._ready = True
            return current[-1]
        name = self._next_name()
        try:
            self._create(name, with_alias=True)
        except SearchIndexError:
            current = self.current_indices()  # another process may have won the race
            if not current:
                raise
            name = current[-1]
        self._ready = True
        return name

    def reindex(self, docs: Iterable[IndexDocument]) -> int:
        """Index ``docs`` into a new physical index, swap the alias to it, drop the old ones.

        Search keeps answering from the old index until the swap, which is atomic. On failure
        the new index is deleted and the alias is left as it was. Writes made through the alias
        while this runs go to the old index and are lost: run it while no ingest runs.
        """
        name = self._next_name()
        self._create(name, with_alias=False)
        try:
            count = self._bulk(name, docs, refresh=False)
            with _translated("refresh the new index"):
                self.client.indices.refresh(index=name)
            old = self.current_indices()
            actions: list[dict[str, Any]] = [
                {"remove": {"index": index, "alias": self.alias}} for index in old
            ]
            actions.append({"add": {"index": name, "alias": self.alias, "is_write_index": True}})
            with _translated("swap the alias"):
                self.client.indices.update_aliases(actions=actions)
        except BaseException:
            with contextlib.suppress(ApiError, TransportError):
                self.client.indices.delete(index=name)
            raise
        self._ready = True
        for index in old:
            with _translated(f"delete the old index {index}"):
                self.client.indices.delete(index=index)
        return count

    def drop(self) -> None:
        """Delete every physical index of this alias (and so the alias): for tests and teardown."""
        for name in self.physical_indices():
            with _translated(f"delete {name}"):
                self.client.indices.delete(index=name)
        self._ready = False

    def _next_name(self) -> str:
        numbers = [self._number(n) for n in self.physical_indices()]
        return f"{self.alias}-v{max(numbers, default=0) + 1}"

    def _number(self, name: str) -> int:
        return _version(self.alias, name) or 0

    def _create(self, name: str, with_alias: bool) -> None:
        aliases = {self.alias: {"is_write_index": True}} if with_alias else None
        with _translated(f"create index {name}"):
            self.client.indices.create(
                index=name,
                mappings=MAPPING,
                settings=index_settings(self.replicas),
                aliases=aliases,
            )

    # -- SearchIndex ----------------------------------------------------------------------------

    def index_many(self, docs: Iterable[IndexDocument]) -> int:
        """Add or replace documents (by ``archive_id``) in bulk requests; return how many."""
        if not self._ready:
            self.create_index()
        return self._bulk(self.alias, docs, refresh=self.refresh)

    def delete(self, archive_id: str) -> bool:
        """Remove one archive's document; ``True`` if it was indexed."""
        with _translated(f"delete {archive_id}"):
            try:
                self.client.delete(index=self.alias, id=archive_id, refresh=self.refresh)
            except NotFoundError:
                return False
        return True

    def clear(self) -> None:
        """Remove every document (the physical index and its mapping stay)."""
        with _translated("clear the index"):
            try:
                self.client.delete_by_query(
                    index=self.alias, query={"match_all": {}}, refresh=True, conflicts="proceed"
                )
            except NotFoundError:
                return

    def count(self) -> int:
        """Number of indexed archives (0 before the first write)."""
        with _translated("count documents"):
            try:
                return int(self.client.count(index=self.alias)["count"])
            except NotFoundError:
                return 0

    def search(self, query: SearchQuery) -> SearchResult:
        """Exact identifier match first, else every query token in some field; facets; paging."""
        words = query_words(query, self._segmenter)
        text_body = build_query(query, words)  # checks paging before any request
        exact_body = build_exact_query(query)
        with _translated("search"):
            try:
                if exact_body is None:
                    return parse_response(self._search(text_body), words)
                if not words:  # nothing to match but possibly an identifier
                    return parse_response(self._search(exact_body))
                both = self.client.msearch(
                    searches=[{"index": self.alias}, exact_body, {"index": self.alias}, text_body]
                )
            except NotFoundError:
                return SearchResult(total=0, hits=(), facets={})
        exact, text = _responses(both)
        if exact is None or text is None:
            return SearchResult(total=0, hits=(), facets={})
        found = parse_response(exact)
        return found if found.total else parse_response(text, words)

    def _search(self, body: Mapping[str, Any]) -> Mapping[str, Any]:
        answer: Mapping[str, Any] = self.client.search(index=self.alias, body=dict(body)).body
        return answer

    # -- bulk -----------------------------------------------------------------------------------

    def _bulk(self, index: str, docs: Iterable[IndexDocument], refresh: Refresh) -> int:
        count = 0
        for operations in _batches(index, docs, self._segmenter):
            with _translated("bulk index"):
                response = self.client.bulk(operations=operations, refresh=refresh)
            _raise_item_errors(response.body)
            count += len(operations) // 2
        return count


def _batches(
    index: str, docs: Iterable[IndexDocument], segmenter: Segmenter
) -> Iterator[list[dict[str, Any]]]:
    """Bulk operation lists (action, source pairs), each under the document and byte limits."""
    operations: list[dict[str, Any]] = []
    size = 0
    for doc in docs:
        source = document_source(doc, segmenter)
        operations += [{"index": {"_index": index, "_id": doc.archive_id}}, source]
        size += len(json.dumps(source, ensure_ascii=False).encode())
        if len(operations) >= 2 * _BATCH_DOCS or size >= _BATCH_BYTES:
            yield operations
            operations, size = [], 0
    if operations:
        yield operations


def _raise_item_errors(response: Mapping[str, Any]) -> None:
    if not response.get("errors"):
        return
    failed = [
        item for entry in response.get("items", []) for item in entry.values() if "error" in item
    ]
    first = failed[0] if failed else {}
    raise SearchIndexError(
        f"{len(failed)} document(s) not indexed; first: {first.get('_id')}: {first.get('error')}"
    )


def _responses(
    msearch: Any,
) -> tuple[Mapping[str, Any] | None, Mapping[str, Any] | None]:
    """The two msearch answers; ``None`` for an alias not created yet; raise on other errors."""
    body = msearch.body if hasattr(msearch, "body") else msearch
    answers: Sequence[Mapping[str, Any]] = body.get("responses", [])
    if len(answers) != 2:
        raise SearchIndexError(f"msearch returned {len(answers)} responses, expected 2")
    out: list[Mapping[str, Any] | None] = []
    for answer in answers:
        error = answer.get("error")
        if error is None:
            out.append(answer)
        elif isinstance(error, Mapping) and error.get("type") == "index_not_found_exception":
            out.append(None)
        else:
            raise SearchIndexError(f"search failed: {error}")
    return out[0], out[1]


def _version(alias: str, name: str) -> int | None:
    prefix = f"{alias}-v"
    rest = name[len(prefix) :] if name.startswith(prefix) else ""
    return ascii_int(rest)


@contextlib.contextmanager
def _translated(action: str) -> Iterator[None]:
    """Client and transport errors not handled inside the block → ``SearchIndexError``."""
    try:
        yield
    except ApiError as exc:
        raise SearchIndexError(f"Elasticsearch: cannot {action}: {exc}") from exc
    except TransportError as exc:
        raise SearchIndexError(f"Elasticsearch unreachable: cannot {action}: {exc}") from exc

"""``TantivyIndex``: the embedded default search index, Tantivy (BM25, block-max WAND top-k).

Text is segmented by our jieba ``Segmenter`` and indexed with Tantivy's ``whitespace`` tokenizer,
so Tantivy's terms are exactly our tokens (queries go through the same segmenter). Fields:
``title_t``/``body_t``/``ident_t`` (tokens; frequencies only, no positions), identifiers
(``archive_id``, 电子文件号, 档号) and the filter/facet fields as ``raw`` fast fields, ``year`` as
an integer fast field, and the display title and the snippet body stored as bytes (never
indexed). A query is the conjunction of its unique tokens, each matched in title (×10),
identifiers (×5) or body (×1), plus the filters as zero-score clauses; an identifier equal to the
whole query is an exact hit (``EXACT_MATCH_SCORE``). Facets are exact ``terms`` aggregations over
the fast fields of the matched set.

On disk, ``<root>/CURRENT`` names the live generation directory ``<root>/gen-NNNNNN``. A reindex
builds the next generation aside and renames a new ``CURRENT`` over the old one, so a searcher
sees the old or the new index, never half of one; readers notice the new pointer (or a commit by
another process) by a ``stat`` per query. One writer per index: every write holds an exclusive
``fcntl`` lock on ``<root>/writer.lock`` (Tantivy itself refuses a second writer).
A page is in relevance order, or by 档号 or 年度 either way (``SearchQuery.sort``; 年度 ties by
档号, read year by year from the facet counts).
Reads/writes: that directory. Raises ``SearchIndexError`` (``InvalidQueryError`` for bad paging).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import tantivy

from .document_text import body_text, identifier_text, title_text
from .index import (
    EXACT_MATCH_SCORE,
    FACETS,
    IndexDocument,
    SearchHit,
    SearchIndexError,
    SearchQuery,
    SearchResult,
)
from .segment import Segmenter, default_segmenter
from .snippet import make_snippet, snippet_source

__all__ = ["TantivyIndex"]

_POINTER = "CURRENT"
_LOCK = "writer.lock"
_WHITESPACE = "whitespace"
_RAW = "raw"
_EXACT_FIELDS = ("archive_id", "electronic_record_code", "archival_code")
_KEYWORDS = (
    "task_code",
    "task_name",
    "department",
    "result",
    "retention",
    "security_classification",
    "fonds_identifier",
)
_FILTERS = ("task_code", "year", "department", "result", "retention", "security_classification")
_WEIGHTS = (("title_t", 10.0), ("ident_t", 5.0), ("body_t", 1.0))
_FACET_SIZE = 65_000  # far above any facet's distinct values: the terms counts are exact
_WRITER_HEAP = 128 << 20
_WRITER_THREADS = 1


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    for name in _EXACT_FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=_RAW, fast=True)
    for name in _KEYWORDS:
        builder.add_text_field(name, tokenizer_name=_RAW, fast=True, index_option="basic")
    builder.add_integer_field("year", indexed=True, fast=True)
    for name, _ in _WEIGHTS:
        builder.add_text_field(name, tokenizer_name=_WHITESPACE, index_option="freq")
    builder.add_bytes_field("title", stored=True)
    builder.add_bytes_field("body", stored=True)
    return builder.build()


class TantivyIndex:
    """Full-text and faceted index in a directory of Tantivy generations."""

    def __init__(self, root: Path, segmenter: Segmenter | None = None) -> None:
        self.root = Path(root)
        self._given_segmenter = segmenter
        self._schema = _schema()
        self._lock = threading.Lock()  # guards the opened generation below
        self._opened: tuple[tuple[int, str], tantivy.Index] | None = None
        self._meta_stamp: int = -1
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            if not (self.root / _POINTER).exists():
                with self._writing():
                    if not (self.root / _POINTER).exists():
                        self._publish(self._new_generation())
        except (OSError, ValueError) as exc:
            raise SearchIndexError(f"cannot create the index in {self.root}: {exc}") from exc

    @property
    def _segmenter(self) -> Segmenter:
        given = self._given_segmenter
        return given if given is not None else default_segmenter()

    # -- generations ---------------------------------------------------------------------------

    def _current_name(self) -> str:
        return (self.root / _POINTER).read_text(encoding="utf-8").strip()

    def _new_generation(self) -> Path:
        numbers = [int(p.name[4:]) for p in self.root.glob("gen-*") if p.name[4:].isdigit()]
        path = self.root / f"gen-{max(numbers, default=0) + 1:06d}"
        path.mkdir()
        tantivy.Index(self._schema, path=str(path), reuse=False)
        return path

    def _publish(self, generation: Path) -> None:
        """Point ``CURRENT`` at ``generation`` (atomic rename), then drop older generations."""
        tmp = self.root / f"{_POINTER}.tmp"
        tmp.write_text(generation.name + "\n", encoding="utf-8")
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        os.replace(tmp, self.root / _POINTER)
        for old in self.root.glob("gen-*"):
            if old.name != generation.name:
                shutil.rmtree(old, ignore_errors=True)  # open readers keep their mapped files

    def _index(self) -> tantivy.Index:
        """The live generation, reopened when the pointer moved and reloaded after a commit."""
        try:
            stat = os.stat(self.root / _POINTER)
            ident = (stat.st_ino, str(stat.st_mtime_ns))
            with self._lock:
                if self._opened is None or self._opened[0] != ident:
                    path = self.root / self._current_name()
                    index = tantivy.Index.open(str(path))
                    self._opened, self._meta_stamp = (ident, index), -1
                index = self._opened[1]
                meta = os.stat(self.root / self._current_name() / "meta.json").st_mtime_ns
                if meta != self._meta_stamp:
                    index.reload()
                    self._meta_stamp = meta
                return index
        except (OSError, ValueError) as exc:
            raise SearchIndexError(f"cannot open index {self.root}: {exc}") from exc

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the writer lock (waits for another process's writer to finish)."""
        with open(self.root / _LOCK, "a+b") as fh:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh.fileno(), fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _writer(self, generation: Path | None = None) -> Iterator[tantivy.IndexWriter]:
        """A Tantivy writer on ``generation`` (default: the live one), committed on success."""
        try:
            path = generation or self.root / self._current_name()
            writer = tantivy.Index.open(str(path)).writer(_WRITER_HEAP, _WRITER_THREADS)
        except (OSError, ValueError) as exc:
            raise SearchIndexError(f"cannot write index {self.root}: {exc}") from exc
        try:
            yield writer
            writer.commit()
            writer.wait_merging_threads()
        except BaseException:
            with contextlib.suppress(Exception):
                writer.rollback()
            raise

    # -- writing -------------------------------------------------------------------------------

    def _document(self, doc: IndexDocument) -> tantivy.Document:
        segment = self._segmenter.segment
        # NFKC once: the segmenter and the snippet source normalise too, and normalised text
        # passes their check at once (a whole body costs ~2 ms to normalise, ~0.03 ms to check)
        body = unicodedata.normalize("NFKC", body_text(doc))
        out = tantivy.Document()
        for name in _EXACT_FIELDS + _KEYWORDS:
            out.add_text(name, getattr(doc, name))
        out.add_integer("year", doc.year)
        out.add_text("title_t", segment(title_text(doc), memo=False))
        out.add_text("ident_t", segment(identifier_text(doc), memo=False))
        out.add_text("body_t", segment(body))
        out.add_bytes("title", doc.title.encode())
        out.add_bytes("body", snippet_source(body).encode())
        return out

    def index_many(self, docs: Iterable[IndexDocument]) -> int:
        """Add or replace documents by ``archive_id`` in one commit; return the count."""
        prepared = [(doc.archive_id, self._document(doc)) for doc in docs]
        if not prepared:
            return 0
        with self._writing(), self._writer() as writer:
            for archive_id, document in prepared:
                writer.delete_documents_by_term("archive_id", archive_id)
                writer.add_document(document)
        return len(prepared)

    def reindex(self, docs: Iterable[IndexDocument]) -> int:
        """Build ``docs`` into a new generation and swap it in (searchers see old or new)."""
        with self._writing():
            generation = self._new_generation()
            count = 0
            try:
                with self._writer(generation) as writer:
                    for doc in docs:
                        writer.add_document(self._document(doc))
                        count += 1
            except BaseException:
                shutil.rmtree(generation, ignore_errors=True)
                raise
            self._publish(generation)
        return count

    def delete(self, archive_id: str) -> bool:
        """Remove one archive's document; ``True`` if it was indexed."""
        with self._writing():
            if not self._holds(archive_id):
                return False
            with self._writer() as writer:
                writer.delete_documents_by_term("archive_id", archive_id)
        return True

    def clear(self) -> None:
        """Remove every document."""
        with self._writing(), self._writer() as writer:
            writer.delete_all_documents()

    def count(self) -> int:
        return int(self._index().searcher().num_docs)

    def _holds(self, archive_id: str) -> bool:
        query = tantivy.Query.term_query(self._schema, "archive_id", archive_id)
        return self._index().searcher().search(query, limit=1).count > 0

    # -- searching -----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        """Exact identifier match, else BM25 over the query's tokens; filters; exact facets."""
        query.check()
        try:
            searcher = self._index().searcher()
            filters = self._filters(query)
            text = query.text.strip()
            words: list[str] = []
            exact = False
            if text:
                lookup = self._and([self._exact(text), *filters])
                exact = searcher.search(lookup, limit=1, count=False).hits != []
            if exact:
                main = lookup
            elif text:
                words = list(dict.fromkeys(self._segmenter.tokens(text)))
                if not words:
                    return SearchResult(total=0, hits=(), facets={})
                needed = self._needed(words)
                main = self._and([*map(self._word, needed), *filters])
            else:
                main = self._and(filters) if filters else tantivy.Query.all_query()
            # the page alone (top-k pruning: no count); the total comes with the facets
            total, facets = self._facets(searcher, main)
            if text and query.sort == "relevance":
                page = searcher.search(
                    main, limit=query.limit, offset=query.offset, count=False
                ).hits
            elif query.sort.lstrip("-") == "year":
                page = self._by_year(searcher, main, query, facets.get("year", {}))
            else:  # browsing, or asked for: by 档号
                page = self._by_code(searcher, main, query.offset, query.limit, query.sort)
            hits = []
            for key, address in page:
                stored = searcher.doc(address)
                scored = text and query.sort == "relevance"
                score = EXACT_MATCH_SCORE if exact else (float(key) if scored else 0.0)
                hits.append(
                    SearchHit(
                        archive_id=stored.get_first("archive_id"),
                        electronic_record_code=stored.get_first("electronic_record_code"),
                        archival_code=stored.get_first("archival_code"),
                        title=bytes(stored.get_first("title")).decode(),
                        score=score,
                        snippet=make_snippet(bytes(stored.get_first("body")).decode(), words),
                    )
                )
        except ValueError as exc:
            raise SearchIndexError(f"index {self.root}: {exc}") from exc
        return SearchResult(total=total, hits=tuple(hits), facets=facets)

    @staticmethod
    def _by_code(
        searcher: tantivy.Searcher, main: tantivy.Query, offset: int, limit: int, sort: str
    ) -> list[Any]:
        """A page in 档号 order (descending for ``-code``)."""
        order = tantivy.Order.Desc if sort == "-code" else tantivy.Order.Asc
        return list(
            searcher.search(
                main, limit=limit, offset=offset, count=False,
                order_by_field="archival_code", order=order,
            ).hits
        )  # fmt: skip

    def _by_year(
        self,
        searcher: tantivy.Searcher,
        main: tantivy.Query,
        query: SearchQuery,
        per_year: dict[str, int],
    ) -> list[Any]:
        """A page in 年度 order, ties by 档号: the facet counts say which years the page spans,
        each of those years is read in 档号 order."""
        years = sorted(per_year, key=int, reverse=query.sort == "-year")
        page: list[Any] = []
        start, wanted = query.offset, query.limit
        for year in years:
            count = per_year[year]
            if start >= count:
                start -= count
                continue
            in_year = self._and([main, tantivy.Query.const_score_query(
                self._term("year", int(year)), 0.0)])  # fmt: skip
            page += self._by_code(searcher, in_year, start, wanted - len(page), "code")
            start = 0
            if len(page) >= wanted:
                break
        return page

    def _term(self, field: str, value: Any) -> tantivy.Query:
        return tantivy.Query.term_query(self._schema, field, value)

    @staticmethod
    def _and(queries: list[tantivy.Query]) -> tantivy.Query:
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, q) for q in queries])

    def _exact(self, text: str) -> tantivy.Query:
        return tantivy.Query.boolean_query(
            [(tantivy.Occur.Should, self._term(name, text)) for name in _EXACT_FIELDS]
        )

    def _word(self, word: str) -> tantivy.Query:
        """One token in any text field, weighted by field."""
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Should, tantivy.Query.boost_query(self._term(field, word), weight))
                for field, weight in _WEIGHTS
            ]
        )

    def _filters(self, query: SearchQuery) -> list[tantivy.Query]:
        """Zero-score clauses for the query's filters."""
        clauses: list[tantivy.Query] = []
        for name in _FILTERS:
            value = getattr(query, name)
            if value is not None:
                clauses.append(self._term(name, value))
        for name, values in (
            ("fonds_identifier", query.fonds),
            ("security_classification", query.security_classifications),
        ):
            if values is not None:
                clauses.append(
                    tantivy.Query.term_set_query(self._schema, name, list(values))
                    if values
                    else tantivy.Query.empty_query()
                )
        if query.archival_code_prefix:
            pattern = re.escape(query.archival_code_prefix) + ".*"
            clauses.append(tantivy.Query.regex_query(self._schema, "archival_code", pattern))
        return [tantivy.Query.const_score_query(c, 0.0) for c in clauses]

    def _needed(self, words: list[str]) -> list[str]:
        """The query words a match must have, less those another word implies: a document with
        the token ``营业执照`` always has ``营业`` and ``执照`` too (search mode emits a word's
        dictionary parts with it), so requiring them again finds the same archives, slower."""
        implied: set[str] = set()
        for word in words:
            if len(word) > 2:
                parts = self._segmenter.tokens(word, memo=False)
                if parts and parts[-1] == word:  # cut alone it is one word: its parts follow it
                    implied.update(p for p in parts[:-1] if len(p) in (2, 3) and p in word)
        return [w for w in words if w not in implied] or words

    @staticmethod
    def _facets(
        searcher: tantivy.Searcher, query: tantivy.Query
    ) -> tuple[int, dict[str, dict[str, int]]]:
        """The number of matches and the exact counts of each facet's values among them (most
        first, then by value), from one aggregation pass (every document has one ``year``)."""
        spec = {name: {"terms": {"field": name, "size": _FACET_SIZE}} for name in FACETS}
        result = searcher.aggregate(query, spec)
        facets: dict[str, dict[str, int]] = {}
        for name in FACETS:
            agg = result.get(name, {})
            if agg.get("sum_other_doc_count", 0):
                raise SearchIndexError(f"facet {name} has more than {_FACET_SIZE} values")
            counts: dict[str, int] = {}
            for bucket in agg.get("buckets", []):
                key = bucket["key"]
                value = str(int(key)) if isinstance(key, float) else str(key)
                counts[value] = counts.get(value, 0) + int(bucket["doc_count"])
            facets[name] = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        total = sum(facets["year"].values())
        return total, (facets if total else {})

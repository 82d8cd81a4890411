"""``SqliteFtsIndex``: the embedded default search index, SQLite FTS5 over jieba tokens.

Tables: ``docs`` (one row per archive: display, filter and facet columns, the original text for
snippets) and ``docs_fts`` (FTS5, unicode61 over space-joined tokens: title, body, identifiers).
Identifiers are also kept verbatim so a query equal to an electronic record code, a 档号 or an
archive id finds exactly that archive. Reads/writes: one SQLite file (WAL). Raises
``SearchIndexError`` (``InvalidQueryError`` for bad paging).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from .document_text import body_text, identifier_text
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
from .snippet import make_snippet

__all__ = ["SqliteFtsIndex"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS docs (
    id INTEGER PRIMARY KEY,
    archive_id TEXT NOT NULL UNIQUE,
    electronic_record_code TEXT NOT NULL,
    archival_code TEXT NOT NULL,
    title TEXT NOT NULL,
    task_code TEXT NOT NULL,
    task_name TEXT NOT NULL,
    year INTEGER NOT NULL,
    department TEXT NOT NULL,
    result TEXT NOT NULL,
    retention TEXT NOT NULL,
    security_classification TEXT NOT NULL,
    fonds_identifier TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS docs_erc ON docs (electronic_record_code);
CREATE INDEX IF NOT EXISTS docs_archival_code ON docs (archival_code);
CREATE INDEX IF NOT EXISTS docs_task_year ON docs (task_code, year);
CREATE VIRTUAL TABLE IF NOT EXISTS docs_fts USING fts5(
    title, body, identifiers, tokenize = 'unicode61'
);
"""
_DOC_COLUMNS = (
    "archive_id",
    "electronic_record_code",
    "archival_code",
    "title",
    "task_code",
    "task_name",
    "year",
    "department",
    "result",
    "retention",
    "security_classification",
    "fonds_identifier",
    "applicant_name",
    "body",
)
_FILTERS = ("task_code", "year", "department", "result", "retention", "security_classification")
_FACET_COLUMNS = ", ".join(f"d.{name}" for name in FACETS)
_BM25 = "bm25(docs_fts, 10.0, 1.0, 5.0)"  # title counts most, then identifiers, then body
_BUSY_TIMEOUT_S = 10.0


class SqliteFtsIndex:
    """Full-text and faceted index in one SQLite file; the schema is created on construction."""

    def __init__(self, path: Path, segmenter: Segmenter | None = None) -> None:
        self.path = Path(path)
        self._segmenter = segmenter if segmenter is not None else default_segmenter()
        with self._connect() as conn:
            try:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.executescript(_SCHEMA)
            except sqlite3.OperationalError as exc:
                raise SearchIndexError(
                    f"cannot create the index (is FTS5 built in?): {exc}"
                ) from exc

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        try:
            conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as exc:
            raise SearchIndexError(f"cannot open index {self.path}: {exc}") from exc
        try:
            yield conn
        except sqlite3.Error as exc:
            raise SearchIndexError(f"index {self.path}: {exc}") from exc
        finally:
            conn.close()

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    # -- writing -------------------------------------------------------------------------------

    def _rows(self, doc: IndexDocument) -> tuple[tuple[Any, ...], tuple[str, str, str]]:
        body = body_text(doc)
        row = (*(getattr(doc, name) for name in _DOC_COLUMNS[:-1]), body)
        identifiers = identifier_text(doc)
        segment = self._segmenter.segment
        return row, (segment(doc.title), segment(body), segment(identifiers))

    def index_many(self, docs: Iterable[IndexDocument]) -> int:
        """Add or replace documents by ``archive_id``, all in one transaction; return the count."""
        prepared = [(doc.archive_id, *self._rows(doc)) for doc in docs]
        with self._write() as conn:
            self._insert(conn, prepared)
        return len(prepared)

    def reindex(self, docs: Iterable[IndexDocument]) -> int:
        """Replace every document with ``docs`` in one transaction (readers see old or new)."""
        prepared = [(doc.archive_id, *self._rows(doc)) for doc in docs]
        with self._write() as conn:
            conn.execute("DELETE FROM docs_fts")
            conn.execute("DELETE FROM docs")
            self._insert(conn, prepared)
        return len(prepared)

    def _insert(
        self,
        conn: sqlite3.Connection,
        prepared: Sequence[tuple[str, tuple[Any, ...], Sequence[str]]],
    ) -> None:
        columns = ", ".join(_DOC_COLUMNS)
        marks = ", ".join("?" * len(_DOC_COLUMNS))
        for archive_id, row, fts in prepared:
            self._delete(conn, archive_id)
            cursor = conn.execute(f"INSERT INTO docs ({columns}) VALUES ({marks})", row)
            conn.execute(
                "INSERT INTO docs_fts (rowid, title, body, identifiers) VALUES (?, ?, ?, ?)",
                (cursor.lastrowid, *fts),
            )

    @staticmethod
    def _delete(conn: sqlite3.Connection, archive_id: str) -> bool:
        found = conn.execute("SELECT id FROM docs WHERE archive_id = ?", (archive_id,)).fetchone()
        if found is None:
            return False
        conn.execute("DELETE FROM docs_fts WHERE rowid = ?", found)
        conn.execute("DELETE FROM docs WHERE id = ?", found)
        return True

    def delete(self, archive_id: str) -> bool:
        """Remove one archive's document; ``True`` if it was indexed."""
        with self._write() as conn:
            return self._delete(conn, archive_id)

    def clear(self) -> None:
        """Remove every document."""
        with self._write() as conn:
            conn.execute("DELETE FROM docs_fts")
            conn.execute("DELETE FROM docs")

    def count(self) -> int:
        with self._connect() as conn:
            return int(conn.execute("SELECT count(*) FROM docs").fetchone()[0])

    # -- searching -----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        """Exact identifier match, else FTS5 (bm25) over the query's tokens; filters; facets."""
        query.check()
        where, params = _filters(query)
        words: list[str] = []
        with self._connect() as conn:
            text = query.text.strip()
            if text and self._exact(conn, text, where, params):
                matched = (
                    f"SELECT d.id AS id, ? AS rank, {_FACET_COLUMNS} FROM docs d "
                    "WHERE (d.electronic_record_code = ? "
                    "OR d.archival_code = ? OR d.archive_id = ?)"
                    + "".join(f" AND {w}" for w in where)
                )
                params = [-EXACT_MATCH_SCORE, text, text, text, *params]
            elif text:
                words = list(dict.fromkeys(self._segmenter.tokens(text)))
                if not words:
                    return SearchResult(total=0, hits=(), facets={})
                fts = " ".join('"' + w.replace('"', '""') + '"' for w in words)
                matched = (
                    f"SELECT d.id AS id, {_BM25} AS rank, {_FACET_COLUMNS} "
                    # CROSS JOIN: the full-text match drives the join, never a filter index scan
                    "FROM docs_fts CROSS JOIN docs d ON d.id = docs_fts.rowid "
                    "WHERE docs_fts MATCH ?"
                    + "".join(f" AND {w}" for w in where)
                )
                params = [fts, *params]
            else:
                matched = (
                    f"SELECT d.id AS id, 0.0 AS rank, {_FACET_COLUMNS} FROM docs d WHERE 1 = 1"
                ) + "".join(f" AND {w}" for w in where)
            # the match (FTS5 + bm25) runs once into a connection-private temp table; the count,
            # the page of hits and every facet are then read from it
            conn.execute(f"CREATE TEMP TABLE m AS {matched}", params)
            total = int(conn.execute("SELECT count(*) FROM m").fetchone()[0])
            rows = conn.execute(
                "SELECT d.archive_id, d.electronic_record_code, d.archival_code, d.title, "
                "d.body, m.rank FROM m JOIN docs d ON d.id = m.id "
                "ORDER BY m.rank, d.archival_code LIMIT ? OFFSET ?",
                [query.limit, query.offset],
            ).fetchall()
            facets = {name: _facet(conn, name) for name in FACETS} if total else {}
        hits = tuple(
            SearchHit(
                archive_id=row[0],
                electronic_record_code=row[1],
                archival_code=row[2],
                title=row[3],
                score=-float(row[5]),
                snippet=make_snippet(row[4], words),
            )
            for row in rows
        )
        return SearchResult(total=total, hits=hits, facets=facets)

    @staticmethod
    def _exact(
        conn: sqlite3.Connection, text: str, where: Sequence[str], params: Sequence[Any]
    ) -> bool:
        row = conn.execute(
            "SELECT 1 FROM docs d WHERE (d.electronic_record_code = ? OR d.archival_code = ? "
            "OR d.archive_id = ?)" + "".join(f" AND {w}" for w in where) + " LIMIT 1",
            [text, text, text, *params],
        ).fetchone()
        return row is not None


def _filters(query: SearchQuery) -> tuple[list[str], list[Any]]:
    """SQL conditions on ``docs d`` (column names come from a fixed list, values are bound)."""
    where: list[str] = []
    params: list[Any] = []
    for name in _FILTERS:
        value = getattr(query, name)
        if value is not None:
            where.append(f"d.{name} = ?")
            params.append(value)
    if query.fonds is not None:
        if not query.fonds:
            where.append("0 = 1")
        else:
            where.append(f"d.fonds_identifier IN ({', '.join('?' * len(query.fonds))})")
            params.extend(query.fonds)
    if query.security_classifications is not None:
        if not query.security_classifications:
            where.append("0 = 1")
        else:
            marks = ", ".join("?" * len(query.security_classifications))
            where.append(f"d.security_classification IN ({marks})")
            params.extend(query.security_classifications)
    if query.archival_code_prefix:
        where.append("substr(d.archival_code, 1, ?) = ?")
        params.extend((len(query.archival_code_prefix), query.archival_code_prefix))
    return where, params


def _facet(conn: sqlite3.Connection, name: str) -> dict[str, int]:
    # the facet columns were copied into ``m`` with the match: no second pass over the wide docs
    rows = conn.execute(
        f"SELECT {name}, count(*) AS n FROM m GROUP BY {name} ORDER BY n DESC, {name}"
    ).fetchall()
    return {str(value): int(n) for value, n in rows}

"""``SqliteFtsIndex``: the embedded default search index, SQLite FTS5 over jieba tokens.

Tables: ``docs`` (one narrow row per archive: display, filter and facet columns), ``docs_text``
(the body as snippets read it, ``snippet.snippet_source``, fetched only for the returned page) and
``docs_fts`` (FTS5, unicode61 over space-joined tokens: title, body, identifiers). Identifiers are
also kept verbatim so a query equal to an electronic record code, a 档号 or an archive id finds
exactly that archive. An index of the first layout (the body inside ``docs``) is converted in
place when opened. A query runs two statements side by side on two connections: the page (bm25
rank, top ``offset + limit`` only) and one ``GROUP BY`` over the facet columns that also gives the
total. Reading connections stay open, one per thread (8 MB page cache each), and are reopened in a
forked child or when the file was replaced. Reads/writes: one SQLite file (WAL). Raises
``SearchIndexError`` (``InvalidQueryError`` for bad paging).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

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
from .sqlite_wal import enable_wal

__all__ = ["SqliteFtsIndex"]

_LAYOUT = 2  # PRAGMA user_version: 2 = bodies in ``docs_text``; 0 = the first layout
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
    applicant_name TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS docs_text (id INTEGER PRIMARY KEY, body TEXT NOT NULL);
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
)
_FILTERS = ("task_code", "year", "department", "result", "retention", "security_classification")
_FACET_COLUMNS = ", ".join(f"d.{name}" for name in FACETS)
_BM25 = "bm25(docs_fts, 10.0, 1.0, 5.0)"  # title counts most, then identifiers, then body
#: ``SearchQuery.sort`` → the ORDER BY of the page (ties by 档号).
_ORDER = {
    "relevance": "rank, d.archival_code",
    "code": "d.archival_code",
    "-code": "d.archival_code DESC",
    "year": "d.year, d.archival_code",
    "-year": "d.year DESC, d.archival_code",
}
_BUSY_TIMEOUT_S = 10.0
_CACHE_KIB = 8 << 10  # page cache of each long-lived reading connection


class SqliteFtsIndex:
    """Full-text and faceted index in one SQLite file; the schema is created on construction."""

    def __init__(self, path: Path, segmenter: Segmenter | None = None) -> None:
        self.path = Path(path)
        self._given_segmenter = segmenter  # None: the process-wide one, loaded on first use
        self._readers = threading.local()  # one reading connection per thread (and process)
        self._side: tuple[int, ThreadPoolExecutor] | None = None  # (pid, pool) for the facets
        with self._connect() as conn:
            try:
                enable_wal(conn, _BUSY_TIMEOUT_S)
                _upgrade(conn)
                conn.executescript(_SCHEMA)
                conn.execute(f"PRAGMA user_version = {_LAYOUT}")
            except sqlite3.OperationalError as exc:
                raise SearchIndexError(
                    f"cannot create the index (is FTS5 built in?): {exc}"
                ) from exc

    def _side_pool(self) -> ThreadPoolExecutor:
        """The threads that count facets; new ones in a forked child (threads do not survive)."""
        if self._side is None or self._side[0] != os.getpid():
            self._side = (os.getpid(), ThreadPoolExecutor(2, "sqlite-fts-facets"))
        return self._side[1]

    @property
    def _segmenter(self) -> Segmenter:
        given = self._given_segmenter
        return given if given is not None else default_segmenter()

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

    def _reader(self) -> sqlite3.Connection:
        """This thread's long-lived reading connection (its page cache survives queries)."""
        conn: sqlite3.Connection | None = getattr(self._readers, "conn", None)
        try:
            ident = (os.getpid(), os.stat(self.path).st_ino)
        except OSError:
            ident = (os.getpid(), -1)
        # never reuse a connection across a fork, nor after the file was replaced or removed
        if conn is None or self._readers.ident != ident:
            if conn is not None:
                conn.close()
            try:
                conn = sqlite3.connect(self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
                conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            except sqlite3.Error as exc:
                raise SearchIndexError(f"cannot open index {self.path}: {exc}") from exc
            self._readers.conn, self._readers.ident = conn, ident
        return conn

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

    def _rows(self, doc: IndexDocument) -> tuple[tuple[Any, ...], str, tuple[str, str, str]]:
        body = body_text(doc)
        row = tuple(getattr(doc, name) for name in _DOC_COLUMNS)
        identifiers = identifier_text(doc)
        segment = self._segmenter.segment
        fts = (
            segment(title_text(doc), memo=False),
            segment(body),
            segment(identifiers, memo=False),
        )
        return row, snippet_source(body), fts

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
            _delete_all(conn)
            self._insert(conn, prepared)
        return len(prepared)

    def _insert(
        self,
        conn: sqlite3.Connection,
        prepared: Sequence[tuple[str, tuple[Any, ...], str, Sequence[str]]],
    ) -> None:
        columns = ", ".join(_DOC_COLUMNS)
        marks = ", ".join("?" * len(_DOC_COLUMNS))
        for archive_id, row, text, fts in prepared:
            self._delete(conn, archive_id)
            cursor = conn.execute(f"INSERT INTO docs ({columns}) VALUES ({marks})", row)
            conn.execute("INSERT INTO docs_text (id, body) VALUES (?, ?)", (cursor.lastrowid, text))
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
        conn.execute("DELETE FROM docs_text WHERE id = ?", found)
        conn.execute("DELETE FROM docs WHERE id = ?", found)
        return True

    def delete(self, archive_id: str) -> bool:
        """Remove one archive's document; ``True`` if it was indexed."""
        with self._write() as conn:
            return self._delete(conn, archive_id)

    def clear(self) -> None:
        """Remove every document."""
        with self._write() as conn:
            _delete_all(conn)

    def count(self) -> int:
        with self._connect() as conn:
            return int(conn.execute("SELECT count(*) FROM docs").fetchone()[0])

    # -- searching -----------------------------------------------------------------------------

    def search(self, query: SearchQuery) -> SearchResult:
        """Exact identifier match, else FTS5 (bm25) over the query's tokens; filters; facets."""
        query.check()
        where, params = _filters(query)
        words: list[str] = []
        text = query.text.strip()
        try:
            conn = self._reader()
            if text and self._exact(conn, text, where, params):
                source = (
                    "FROM docs d WHERE (d.electronic_record_code = ? "
                    "OR d.archival_code = ? OR d.archive_id = ?)"
                    + "".join(f" AND {w}" for w in where)
                )
                rank, params = "?", [text, text, text, *params]
                rank_params: list[Any] = [-EXACT_MATCH_SCORE]
            elif text:
                words = list(dict.fromkeys(self._segmenter.tokens(text)))
                if not words:
                    return SearchResult(total=0, hits=(), facets={})
                fts = " ".join('"' + w.replace('"', '""') + '"' for w in words)
                # CROSS JOIN: the full-text match drives the join, never a filter index scan
                source = (
                    "FROM docs_fts CROSS JOIN docs d ON d.id = docs_fts.rowid "
                    "WHERE docs_fts MATCH ?" + "".join(f" AND {w}" for w in where)
                )
                rank, params, rank_params = _BM25, [fts, *params], []
            else:
                source = "FROM docs d WHERE 1 = 1" + "".join(f" AND {w}" for w in where)
                rank, rank_params = "0.0", []
            # the facet counts (and the total) on the other thread, the page on this one
            facet_rows = self._side_pool().submit(self._facet_rows, source, params)
            rows = conn.execute(
                f"SELECT d.id, d.archive_id, d.electronic_record_code, d.archival_code, d.title, "
                f"{rank} AS rank {source} ORDER BY {_ORDER[query.sort]} LIMIT ? OFFSET ?",
                [*rank_params, *params, query.limit, query.offset],
            ).fetchall()
            bodies = _bodies(conn, [row[0] for row in rows])
            total, facets = _facets(facet_rows.result())
        except sqlite3.Error as exc:
            raise SearchIndexError(f"index {self.path}: {exc}") from exc
        hits = tuple(
            SearchHit(
                archive_id=row[1],
                electronic_record_code=row[2],
                archival_code=row[3],
                title=row[4],
                score=-float(row[5]),
                snippet=make_snippet(bodies.get(row[0], ""), words),
            )
            for row in rows
        )
        return SearchResult(total=total, hits=hits, facets=facets)

    def _facet_rows(self, source: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
        """(facet values…, count) for every combination of facet values among the matches."""
        names = ", ".join(str(i + 1) for i in range(len(FACETS)))
        sql = f"SELECT {_FACET_COLUMNS}, count(*) {source} GROUP BY {names}"
        return self._reader().execute(sql, params).fetchall()

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


def _upgrade(conn: sqlite3.Connection) -> None:
    """Move the bodies of a first-layout index out of ``docs`` (one transaction)."""
    columns = {row[1] for row in conn.execute("PRAGMA table_info(docs)")}
    if "body" not in columns:
        return
    conn.create_function("snippet_source", 1, snippet_source, deterministic=True)
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute("CREATE TABLE IF NOT EXISTS docs_text (id INTEGER PRIMARY KEY, body TEXT)")
        conn.execute("INSERT INTO docs_text (id, body) SELECT id, snippet_source(body) FROM docs")
        conn.execute("ALTER TABLE docs DROP COLUMN body")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _delete_all(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM docs_fts")
    conn.execute("DELETE FROM docs_text")
    conn.execute("DELETE FROM docs")


def _bodies(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, str]:
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = conn.execute(f"SELECT id, body FROM docs_text WHERE id IN ({marks})", list(ids))
    return dict(rows.fetchall())


def _facets(rows: Iterable[tuple[Any, ...]]) -> tuple[int, dict[str, dict[str, int]]]:
    """The total and each facet's counts (most first, then by value) from the combinations."""
    counters = [Counter[Any]() for _ in FACETS]
    total = 0
    for row in rows:
        n = int(row[-1])
        total += n
        for counter, value in zip(counters, row, strict=False):
            counter[value] += n
    if not total:
        return 0, {}
    facets = {
        name: {str(value): n for value, n in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))}
        for name, c in zip(FACETS, counters, strict=True)
    }
    return total, facets


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
    prefix = query.archival_code_prefix
    if prefix:
        where.append("substr(d.archival_code, 1, ?) = ?")
        params.extend((len(prefix), prefix))
        after = ord(prefix[-1]) + 1  # codes with the prefix sort below prefix[:-1] + chr(after):
        if after <= 0x10FFFF and not 0xD800 <= after <= 0xDFFF:  # a range the index can use
            where.append("d.archival_code >= ? AND d.archival_code < ?")
            params.extend((prefix, prefix[:-1] + chr(after)))
    return where, params

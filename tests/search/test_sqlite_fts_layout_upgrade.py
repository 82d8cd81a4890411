"""``SqliteFtsIndex`` converts an index of the first layout (bodies inside ``docs``) when opened.

The first layout is rebuilt from a current index with plain SQL (the raw body back in ``docs``,
no ``docs_text``); reopening must give the same hits, snippets, totals and facets as before.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from search import SearchQuery, SqliteFtsIndex
from search.document_text import body_text
from tests.search.contract import make_doc

QUERIES = (
    SearchQuery(text="申请"),
    SearchQuery(text="营业执照", year=2019),
    SearchQuery(text="准予许可", limit=5, offset=3),
    SearchQuery(archival_code_prefix="Z109-WS·2018"),
    SearchQuery(),
)


def _to_first_layout(path: Path, bodies: dict[str, str]) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("ALTER TABLE docs ADD COLUMN body TEXT NOT NULL DEFAULT ''")
        conn.executemany(
            "UPDATE docs SET body = ? WHERE archive_id = ?",
            [(body, archive_id) for archive_id, body in bodies.items()],
        )
        conn.execute("DROP TABLE docs_text")
        conn.execute("PRAGMA user_version = 0")
    finally:
        conn.close()


def test_first_layout_index_is_converted_and_answers_the_same(tmp_path: Path) -> None:
    path = tmp_path / "first-layout.db"
    docs = [make_doc(n) for n in range(40)]
    index = SqliteFtsIndex(path)
    index.index_many(docs)
    before = [index.search(q) for q in QUERIES]
    assert all(r.total for r in before) and before[0].hits[0].snippet
    del index

    _to_first_layout(path, {d.archive_id: body_text(d) for d in docs})
    reopened = SqliteFtsIndex(path)

    conn = sqlite3.connect(path)
    try:
        columns = {row[1] for row in conn.execute("PRAGMA table_info(docs)")}
        moved = conn.execute("SELECT count(*) FROM docs_text").fetchone()[0]
        layout = conn.execute("PRAGMA user_version").fetchone()[0]
    finally:
        conn.close()
    assert "body" not in columns and moved == len(docs) and layout == 2
    assert [reopened.search(q) for q in QUERIES] == before

"""``SqliteFtsIndex`` keeps working in a forked child after the parent searched with it.

The index keeps reading connections and facet threads; neither survives a fork (ingest and the
fixity audit fork workers), so a child must open its own instead of waiting on the parent's.
"""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from search import SearchQuery, SqliteFtsIndex
from tests.search.contract import make_doc

_shared: dict[str, SqliteFtsIndex] = {}


def _search_in_child(text: str) -> tuple[int, list[str]]:
    result = _shared["index"].search(SearchQuery(text=text))
    return result.total, [h.archive_id for h in result.hits]


def test_forked_child_searches_with_the_parents_index(tmp_path: Path) -> None:
    index = SqliteFtsIndex(tmp_path / "forked.db")
    index.index_many(make_doc(n) for n in range(12))
    in_parent = index.search(SearchQuery(text="申请"))  # starts connections and facet threads
    assert in_parent.total == 12
    _shared["index"] = index
    try:
        fork = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(1, mp_context=fork) as pool:
            total, ids = pool.submit(_search_in_child, "申请").result(timeout=120)
    finally:
        _shared.clear()
    assert (total, ids) == (in_parent.total, [h.archive_id for h in in_parent.hits])

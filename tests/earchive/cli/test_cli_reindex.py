"""``earchive reindex`` (the index again from catalog + storage, swapped in at once) and the
``EARCHIVE_SEARCH`` wiring, through the real command line on the embedded default."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from earchive.core.errors import SearchConfigError
from earchive.core.search_backend import build_index
from earchive.settings import Settings
from search import SqliteFtsIndex, TantivyIndex
from search.elasticsearch import ElasticsearchIndex
from tests.earchive.conftest import Cli


def _ids(cli: Cli, *args: str) -> list[object]:
    return [hit["id"] for hit in cli.json_lines("search", *args)]


def test_reindex_rebuilds_the_index_from_catalog_and_storage(
    cli: Cli, zips: Callable[[], list[Path]]
) -> None:
    packages = zips()[:4]
    results = cli.json_lines("ingest", *map(str, packages))
    assert {r["status"] for r in results} == {"accepted"}
    first = results[0]
    before = {q: _ids(cli, q) for q in ("许可", str(first["archival_code"]))}
    assert before[str(first["archival_code"])] == [first["id"]]

    shutil.rmtree(cli.home / "index-tantivy")  # lose the index entirely
    assert _ids(cli, str(first["archival_code"])) == []

    report = cli.json_lines("reindex")
    assert report == [{"indexed": len(packages), "left_out": {}}]
    assert {q: _ids(cli, q) for q in before} == before


def test_search_backend_wiring(tmp_path: Path) -> None:
    default = build_index(Settings(home=tmp_path))
    assert isinstance(default, TantivyIndex) and default.root == tmp_path / "index-tantivy"
    sqlite = build_index(Settings(home=tmp_path, search="sqlite"))
    assert isinstance(sqlite, SqliteFtsIndex)
    try:
        build_index(Settings(home=tmp_path, search="elasticsearch", es_url=""))
    except SearchConfigError as exc:
        assert "EARCHIVE_ES_URL" in str(exc)
    else:
        raise AssertionError("an empty EARCHIVE_ES_URL must be refused")
    es = build_index(
        Settings(home=tmp_path, search="elasticsearch", es_url="http://elastic:pw@127.0.0.1:9")
    )  # building sends no request
    assert isinstance(es, ElasticsearchIndex) and es.alias == "earchive"


def test_elasticsearch_without_url_is_a_configuration_error(cli: Cli) -> None:
    proc = cli.run("search", "许可", check=False, extra_env={"EARCHIVE_SEARCH": "elasticsearch"})
    assert proc.returncode == 2 and "EARCHIVE_ES_URL" in proc.stderr + proc.stdout

"""``earchive rebuild``: wipe the catalog database and the index file, rebuild from storage alone,
and get the same catalog rows, the same 档号 counters and the same search results."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from search import SearchQuery, TantivyIndex
from tests.catalog.conftest import open_engine

TABLES = {
    "archives": "id",
    "archive_versions": "archive_id, version",
    "archive_files": "archive_id, version, path",
    "archival_counters": "class_key",
}


def _cli(env: dict[str, str], *args: str) -> list[dict[str, object]]:
    proc = subprocess.run(
        [sys.executable, "-m", "earchive", *args, "--json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert proc.returncode == 0, (
        f"earchive {args[0]} exited {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    )
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def _corrected(src: Path, dest: Path) -> Path:
    """The same case with a corrected title: ingesting it makes version 2."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dest, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "case.xml":
                data = data.replace(b"<project_name>", "<project_name>【更正】".encode(), 1)
            zout.writestr(info, data)
    return dest


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = open_engine(url)
    try:
        with engine.connect() as conn:
            return {
                table: [
                    tuple(r) for r in conn.execute(text(f"SELECT * FROM {table} ORDER BY {key}"))
                ]
                for table, key in TABLES.items()
            }
    finally:
        engine.dispose()


def _wipe(url: str, home: Path) -> None:
    engine = open_engine(url)
    try:
        if engine.dialect.name == "postgresql":
            with engine.begin() as conn:  # the schema stays; every table and type in it goes
                schema = conn.execute(text("SELECT current_schema()")).scalar_one()
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    finally:
        engine.dispose()
    doomed = [p for p in home.iterdir() if p.name.startswith(("catalog.db", "index.db"))]
    if engine.dialect.name == "sqlite":
        doomed += [p for p in Path(url.removeprefix("sqlite:///")).parent.glob("catalog.db*")]
    for path in doomed:
        path.unlink()
    shutil.rmtree(home / "index-tantivy", ignore_errors=True)


def _answers(home: Path, queries: list[SearchQuery]) -> list[tuple[int, list[str]]]:
    index = TantivyIndex(home / "index-tantivy")
    out = []
    for query in queries:
        found = index.search(query)
        out.append((found.total, [hit.archive_id for hit in found.hits]))
    return out


def test_rebuild_from_storage_gives_the_same_catalog_counters_and_search(
    same_class_cases: list[Path],
    cli_env: Callable[[], dict[str, str]],
    catalog_url: str,
    tmp_path: Path,
) -> None:
    env = cli_env()
    home = Path(env["EARCHIVE_HOME"])
    results = _cli(env, "ingest", *map(str, same_class_cases))
    assert {r["status"] for r in results} == {"accepted"}
    changed = _cli(
        env, "ingest", str(_corrected(same_class_cases[0], tmp_path / same_class_cases[0].name))
    )
    assert changed[0]["status"] == "new_version" and changed[0]["version"] == 2

    first, other = results[0], results[5]
    show = _cli(env, "show", str(other["id"]))[0]
    queries = [
        SearchQuery(text="更正"),  # only version 2's title has it
        SearchQuery(text=str(show["task_name"])),
        SearchQuery(text=str(show["receive_department"]), limit=50),
        SearchQuery(text=str(show["applicant_name"])),
        SearchQuery(text="申请 许可", limit=50),
        SearchQuery(text=str(first["electronic_record_code"])),
        SearchQuery(text=str(other["archival_code"])),
        SearchQuery(text="", year=int(str(show["year"])), limit=50),
        SearchQuery(text="", archival_code_prefix=str(other["archival_code"])[:6], limit=50),
    ]
    before_rows = _rows(catalog_url)
    before_answers = _answers(home, queries)
    assert all(total > 0 for total, _ in before_answers), before_answers
    assert before_answers[0][1] == [first["id"]]
    assert before_answers[5][1] == [first["id"]] and before_answers[6][1] == [other["id"]]
    assert len(before_rows["archive_versions"]) == len(results) + 1

    _wipe(catalog_url, home)
    assert not (home / "index-tantivy").exists()

    report = _cli(env, "rebuild")[0]
    assert report["problems"] == []
    assert (report["archives"], report["versions"]) == (len(results), len(results) + 1)
    assert report["indexed"] == len(results)
    assert _rows(catalog_url) == before_rows
    assert _answers(home, queries) == before_answers

    # numbering goes on after the highest 件号 found in storage
    counters = dict(before_rows["archival_counters"])  # type: ignore[arg-type]
    assert report["counters"] == counters

"""Indexing off the ingest's path: ingest queues the index document in its own transaction, the
indexer commits batches and removes the jobs only after the commit; a killed indexer process
loses nothing; ``EARCHIVE_INDEXING=inline`` indexes before the ingest returns."""

from __future__ import annotations

import dataclasses
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from earchive.core.archive import Archive
from earchive.core.work import run_worker
from earchive.settings import Settings
from ingest.indexing import INDEX_JOB, document_payload, payload_document
from ingest.pipeline import ingest_path
from ingest.work_queue import enqueue, pending, pending_count
from search import IndexDocument, IndexedFile, SearchQuery, TantivyIndex
from search.tables import archives
from tests.earchive.conftest import Cli


def test_ingest_queues_and_the_flush_makes_it_searchable(
    tmp_path: Path, zips: Callable[[], list[Path]]
) -> None:
    archive = Archive(Settings(home=tmp_path / "home"))
    archive.init()
    ctx = archive.context()
    results = [ingest_path(z, ctx) for z in zips()[:3]]
    assert {r.status for r in results} == {"accepted"}
    jobs = pending(archive.engine, INDEX_JOB, 10)
    assert [j.subject for j in jobs] == [r.id for r in results]
    doc = payload_document(jobs[0].payload or b"")
    assert doc.archive_id == results[0].id and doc.archival_code == results[0].archival_code
    code = SearchQuery(text=results[0].archival_code)
    assert archive.search(code).total == 0  # queued, not yet indexed

    assert archive.flush_index() == 3
    assert [h.archive_id for h in archive.search(code).hits] == [results[0].id]
    assert pending_count(archive.engine) == 0 and archive.index.count() == 3
    # Archive.ingest (the CLI's path) flushes itself before it is done
    [more] = list(archive.ingest(zips()[3:4]))
    assert archive.search(SearchQuery(text=more.archival_code)).total == 1


def test_facets_equal_the_catalogs_counts(tmp_path: Path, zips: Callable[[], list[Path]]) -> None:
    archive = Archive(Settings(home=tmp_path / "home"))
    archive.init()
    assert {r.status for r in archive.ingest(zips())} == {"accepted"}
    columns = {
        "task_name": archives.c.task_name,
        "year": archives.c.year,
        "department": archives.c.receive_department,
        "result": archives.c.result,
        "retention": archives.c.retention,
        "security_classification": archives.c.security_classification,
    }
    year = next(archive.catalog.iter_archives()).year
    for query in (SearchQuery(), SearchQuery(text="申请"), SearchQuery(year=year)):
        found = archive.search(query)
        assert found.total > 0, query
        facets = found.facets
        for name, column in columns.items():
            counted = select(column, func.count()).group_by(column)
            if query.year is not None:
                counted = counted.where(archives.c.year == query.year)
            if query.text:  # the catalog's side of the same matched set: the index's hits
                hits = archive.search(dataclasses.replace(query, limit=1000)).hits
                counted = counted.where(archives.c.id.in_([h.archive_id for h in hits]))
            with archive.engine.connect() as conn:
                expected = {str(value): n for value, n in conn.execute(counted)}
            assert facets.get(name, {}) == expected, (name, query)


def test_the_worker_thread_makes_a_new_archive_searchable_within_seconds(
    tmp_path: Path, zips: Callable[[], list[Path]]
) -> None:
    archive = Archive(Settings(home=tmp_path / "home"))
    archive.init()
    stop = threading.Event()
    worker = threading.Thread(target=run_worker, args=(archive, stop), kwargs={"interval": 0.2})
    worker.start()  # as `earchive serve` runs it
    try:
        result = ingest_path(zips()[0], archive.context())
        returned = time.monotonic()
        code = SearchQuery(text=result.archival_code)
        while archive.search(code).total == 0 and time.monotonic() - returned < 5:
            time.sleep(0.05)
        assert archive.search(code).total == 1, "not searchable within 5 s"
    finally:
        stop.set()
        worker.join(timeout=30)
    assert not worker.is_alive() and pending_count(archive.engine) == 0


def test_inline_indexing_needs_no_flush(tmp_path: Path, zips: Callable[[], list[Path]]) -> None:
    archive = Archive(Settings(home=tmp_path / "home", indexing="inline"))
    archive.init()
    result = ingest_path(zips()[0], archive.context())
    assert archive.search(SearchQuery(text=result.archival_code)).total == 1
    assert pending_count(archive.engine) == 0


def test_the_payload_round_trips() -> None:
    doc = IndexDocument(
        "a", "e", "档号-1", "题名", "t", "事项", 2024, "局", "准予", "Y", "公开", "Z1", "张三",
        text="正文\n第二行", files=(IndexedFile("original/a.pdf", "申请表", "内容"),),
    )  # fmt: skip
    assert payload_document(document_payload(doc)) == doc


def _docs(n: int) -> list[IndexDocument]:
    """Documents of varied text (each costs jieba real work: no line repeats)."""
    rng = random.Random(5)
    chars = "营业执照申请许可准予登记市场监督管理局建设工程规划社会保障卡食品经营核发变更人民政府"
    return [
        IndexDocument(
            f"Z9-{i:06d}",
            f"E-{i:06d}",
            f"Z9-WS·2024-Y-{i:06d}",
            f"第{i}号申请",
            "T1",
            "营业执照变更登记",
            2024,
            "市场监督管理局",
            "准予",
            "Y",
            "公开",
            "Z9",
            "张三",
            text="\n".join("".join(rng.choices(chars, k=60)) for _ in range(40)),
        )
        for i in range(n)
    ]


def test_a_killed_indexer_loses_nothing(cli: Cli) -> None:
    cli.run("init")
    archive = Archive(Settings(home=cli.home, key_passphrase="unused"))
    docs = _docs(800)
    with archive.writer.begin() as conn:
        for doc in docs:
            enqueue(conn, INDEX_JOB, doc.archive_id, document_payload(doc))
    index = TantivyIndex(cli.home / "index-tantivy")
    env = dict(cli.env, EARCHIVE_INDEX_BATCH="100", EARCHIVE_INDEX_INTERVAL="0.05")
    log = cli.home / "indexer.log"
    with open(log, "wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "earchive", "indexer"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 120
        while index.count() == 0 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)  # mid-run: after a commit, during a later batch
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, log.read_text()
    indexed, queued = index.count(), pending_count(archive.engine, INDEX_JOB)
    assert 0 < indexed < len(docs)  # killed part-way
    assert indexed + queued >= len(docs)  # each is indexed or still queued

    cli.run("indexer", "--once")  # the next indexer resumes from the queue
    assert index.count() == len(docs) and pending_count(archive.engine) == 0
    found = index.search(SearchQuery(text=docs[-1].archival_code))
    assert [h.archive_id for h in found.hits] == [docs[-1].archive_id]


def test_a_home_meeting_a_new_engine_queues_its_archives(
    tmp_path: Path, zips: Callable[[], list[Path]]
) -> None:
    """A home indexed by another engine (or whose index directory was lost) is not left with an
    empty index: the next start queues every archive, the indexer rebuilds them from storage."""
    home = tmp_path / "home"
    old = Archive(Settings(home=home, search="sqlite"))
    old.init()
    accepted = [r for r in old.ingest(zips()[:3]) if r.status == "accepted"]
    assert len(accepted) == 3 and pending_count(old.engine) == 0

    upgraded = Archive(Settings(home=home))  # the default engine: Tantivy, never built here
    assert upgraded.index.count() == 0
    upgraded.init()
    assert [j.subject for j in pending(upgraded.engine, INDEX_JOB, 10)] == sorted(
        r.id for r in accepted
    )
    upgraded.init()  # a second start while they wait queues nothing more
    assert pending_count(upgraded.engine, INDEX_JOB) == 3
    assert upgraded.flush_index() == 3
    for r in accepted:
        found = upgraded.search(SearchQuery(text=r.archival_code))
        assert [h.archive_id for h in found.hits] == [r.id]
    upgraded.init()  # built: nothing is queued again
    assert pending_count(upgraded.engine, INDEX_JOB) == 0


def test_an_index_of_another_segmenter_is_rebuilt(
    tmp_path: Path, zips: Callable[[], list[Path]]
) -> None:
    """An index whose tokens came from another tokenisation (no marker: built before there was
    one; or another ``TOKENS_VERSION``) is rebuilt from storage on the next start, once."""
    from search.segment import TOKENS_VERSION

    home = tmp_path / "home"
    archive = Archive(Settings(home=home))
    archive.init()
    marker = home / "index-tokens"
    assert marker.read_text().strip() == TOKENS_VERSION
    accepted = [r for r in archive.ingest(zips()[:2]) if r.status == "accepted"]
    assert len(accepted) == 2 and pending_count(archive.engine) == 0
    for stale in (None, "jieba-with-python-fallback/0"):
        if stale is None:
            marker.unlink()
        else:
            marker.write_text(stale + "\n")
        restarted = Archive(Settings(home=home))
        restarted.init()
        assert sorted(j.subject for j in pending(restarted.engine, INDEX_JOB, 10)) == sorted(
            r.id for r in accepted
        )
        assert marker.read_text().strip() == TOKENS_VERSION
        restarted.init()  # the marker is current: nothing more
        assert pending_count(restarted.engine, INDEX_JOB) == 2
        assert restarted.flush_index() == 2
        assert restarted.index.count() == 2  # replaced, not doubled
        for r in accepted:
            found = restarted.search(SearchQuery(text=r.archival_code))
            assert [h.archive_id for h in found.hits] == [r.id]

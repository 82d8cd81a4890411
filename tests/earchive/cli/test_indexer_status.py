"""``earchive indexer --status``: what waits per kind, and the jobs no worker takes again (failed
``MAX_ATTEMPTS`` times) with their last error; exit 1 while any is given up."""

from __future__ import annotations

import json

from earchive.core.archive import Archive
from earchive.core.work import MAX_ATTEMPTS
from earchive.settings import Settings
from ingest import work_queue
from ingest.indexing import INDEX_JOB
from tests.earchive.conftest import Cli


def test_status_names_the_jobs_given_up(cli: Cli) -> None:
    cli.run("init")
    quiet = cli.run("indexer", "--status", "--json")
    assert json.loads(quiet.stdout)["given_up"] == []

    archive = Archive(Settings(home=cli.home))
    with archive.engine.begin() as conn:
        work_queue.enqueue(conn, INDEX_JOB, "A001-broken")
        work_queue.enqueue(conn, INDEX_JOB, "A001-waiting")
    broken, waiting = work_queue.pending(archive.engine, INDEX_JOB, 10)
    for _ in range(MAX_ATTEMPTS):
        work_queue.failed(archive.engine, [broken.id], "StoredDocumentError: case.xml unreadable")
    work_queue.failed(archive.engine, [waiting.id], "SearchIndexError: busy")

    found = cli.run("indexer", "--status", "--json", check=False)
    assert found.returncode == 1
    status = json.loads(found.stdout)
    assert status["queued"][INDEX_JOB] == 2
    assert [(g["subject"], g["attempts"]) for g in status["given_up"]] == [
        ("A001-broken", MAX_ATTEMPTS)
    ]
    assert "case.xml unreadable" in status["given_up"][0]["last_error"]
    text = cli.run("indexer", "--status", check=False)
    assert text.returncode == 1 and "given up" in text.stdout and "A001-broken" in text.stdout

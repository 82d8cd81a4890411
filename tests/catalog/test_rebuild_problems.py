"""``ingest.rebuild`` in process: a damaged object is reported with its reason and leaves no rows;
the others are rebuilt; counters are never lowered."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from earchive.core.archive import Archive
from earchive.settings import Settings
from ingest import counters
from ingest.rebuild import rebuild
from standards import archival_code as ac


@pytest.fixture
def archive(tmp_path: Path, same_class_cases: list[Path]) -> Archive:
    opened = Archive(Settings(home=tmp_path / "home", db_url=""))
    opened.init()
    results = list(opened.ingest(same_class_cases[:3]))
    assert [r.status for r in results] == ["accepted"] * 3
    return opened


def _stored(archive: Archive, object_id: str, logical: str) -> Path:
    inventory = archive.storage.read_inventory(object_id)
    assert inventory is not None
    digest = archive.storage.version_state(object_id)[logical]
    content = inventory["manifest"][digest][0]
    return archive.settings.storage_dir / archive.storage.object_root(object_id) / content


def test_damaged_object_is_a_problem_and_the_rest_is_rebuilt(archive: Archive) -> None:
    records = sorted(archive.catalog.iter_archives(), key=lambda r: r.id)
    damaged = records[1]
    target = _stored(archive, damaged.object_id, "metadata/archival.xml")
    target.chmod(0o644)
    target.write_bytes(target.read_bytes().replace(b"<archivalCode", b"<brokenCode", 1))
    with archive.writer.begin() as conn:  # a number an unfinished ingest holds
        counters.set_counter_at_least(conn, "Z999-WS·2024-Y-ABC", 9)

    report = rebuild(
        archive.storage, archive.catalog, archive.index, archive.writer, ac.ArchivalCodeRule.load()
    )

    assert [p.object_id for p in report.problems] == [damaged.object_id]
    assert "archivalCode" in report.problems[0].message
    assert (report.archives, report.indexed) == (2, 2)
    assert archive.catalog.get(damaged.id) is None
    assert archive.catalog.versions(damaged.id) == []
    assert {r.id for r in archive.catalog.iter_archives()} == {records[0].id, records[2].id}
    assert archive.catalog.get(records[0].id) == records[0]
    with archive.engine.connect() as conn:
        assert counters.current_counters(conn)["Z999-WS·2024-Y-ABC"] == 9
        assert conn.execute(text("SELECT count(*) FROM index_queue")).scalar_one() == 0

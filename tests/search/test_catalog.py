"""Catalog on a SQLite file: records, versions, files, lookups, two writer processes."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from search import ArchiveRecord, Catalog, CatalogConflictError, CatalogError, FileRow, VersionRow

CST = timezone(timedelta(hours=8))


def make_record(n: int, version: int = 1, **changes: object) -> ArchiveRecord:
    erc = f"350100-0059-0100190012-2018-D30-{n:06d}"
    record = ArchiveRecord(
        id=f"Z109-{erc}",
        object_id=f"urn:earchive:Z109:{erc}",
        electronic_record_code=erc,
        fonds_identifier="Z109",
        archival_code=f"Z109-WS·2018-D30-BGS-{n:04d}",
        year=2018,
        retention="D30",
        category="WS",
        organization_code="BGS",
        item_number=n,
        task_code="000105001000",
        task_name="食品经营许可证核发",
        task_type="行政许可",
        project_name=f"张三申请食品经营许可证核发 {n}",
        project_id=f"P{n}",
        accept_number=f"SL{n}",
        applicant_name="张三",
        applicant_type="自然人",
        receive_department="市场监督管理局",
        result="准予许可",
        security_classification="公开",
        receive_time=datetime(2018, 3, 1, 9, 0, tzinfo=CST),
        transact_time=datetime(2018, 3, 5, 17, 30, tzinfo=CST),
        version=version,
        ingested_at=datetime(2024, 5, 1, 10, 0, tzinfo=CST),
        file_count=2,
        total_bytes=300,
        status="active",
    )
    return dataclasses.replace(record, **changes)  # type: ignore[arg-type]


def make_files(tag: str) -> list[FileRow]:
    return [
        FileRow(
            f"original/A/申请表-{tag}.pdf", "A01", "申请表", "PDF", 100, "a" * 64, "b" * 64, False
        ),
        FileRow(
            "original/C/许可证.pdf", "C01", "许可证", "PDF/A-2b", 200, "c" * 64, "d" * 64, True
        ),
    ]


def make_version(version: int, package: str = "p") -> VersionRow:
    created = datetime(2024, 5, version, 10, 0, tzinfo=CST)
    return VersionRow(version, created, f"{version:064d}", package * 64)


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    cat = Catalog(create_engine(f"sqlite:///{tmp_path / 'catalog.db'}"))
    cat.create_schema()
    return cat


def test_record_and_look_up(catalog: Catalog) -> None:
    record = make_record(1)
    catalog.record_version(record, make_files("v1"), make_version(1))
    assert catalog.get(record.id) == record
    assert catalog.by_electronic_record_code("Z109", record.electronic_record_code) == record
    assert catalog.by_archival_code("Z109-WS·2018-D30-BGS-0001") == record
    assert catalog.get("Z109-none") is None
    assert catalog.by_archival_code("Z109-WS·2018-D30-BGS-9999") is None
    assert catalog.files(record.id) == sorted(make_files("v1"), key=lambda f: f.path)
    assert catalog.versions(record.id) == [make_version(1)]
    assert catalog.count() == 1
    got = catalog.get(record.id)
    assert got is not None and got.receive_time.utcoffset() == timedelta(0)
    assert got.receive_time == record.receive_time  # the same instant, read back in UTC


def test_many_records_at_once(catalog: Catalog) -> None:
    records = [make_record(n) for n in range(1, 4)]
    for n, record in enumerate(records, start=1):
        catalog.record_version(record, make_files(f"v{n}"), make_version(1, package=str(n)))
    asked = [records[2].id, "Z109-none", records[0].id, records[2].id]
    assert catalog.get_many(asked) == {records[2].id: records[2], records[0].id: records[0]}
    assert catalog.get_many([]) == {}


def test_new_version_updates_current_row_and_keeps_history(catalog: Catalog) -> None:
    catalog.record_version(make_record(1), make_files("v1"), make_version(1, "a"))
    v2 = make_record(1, version=2, project_name="更正后的题名")
    catalog.record_version(v2, make_files("v2"), make_version(2, "b"))
    assert catalog.get(v2.id) == v2
    assert catalog.files(v2.id)[0].path == "original/A/申请表-v2.pdf"
    assert catalog.files(v2.id, 1)[0].path == "original/A/申请表-v1.pdf"
    assert [v.version for v in catalog.versions(v2.id)] == [1, 2]
    assert catalog.find_version_by_package_digest(v2.id, "a" * 64) == make_version(1, "a")
    assert catalog.find_version_by_package_digest(v2.id, "z" * 64) is None
    # re-recording an older version does not move the current row back
    catalog.record_version(make_record(1, version=1), make_files("v1"), make_version(1, "a"))
    assert catalog.get(v2.id) == v2
    assert catalog.count() == 1


def test_rerun_of_a_version_replaces_its_rows(catalog: Catalog) -> None:
    catalog.record_version(make_record(1), make_files("x"), make_version(1))
    catalog.record_version(make_record(1), make_files("y")[:1], make_version(1))
    assert [f.path for f in catalog.files(make_record(1).id)] == ["original/A/申请表-y.pdf"]
    assert len(catalog.versions(make_record(1).id)) == 1


def test_archival_code_conflict_rolls_back(catalog: Catalog) -> None:
    catalog.record_version(make_record(1), make_files("v1"), make_version(1))
    clash = make_record(2, archival_code=make_record(1).archival_code)
    with pytest.raises(CatalogConflictError):
        catalog.record_version(clash, make_files("v1"), make_version(1))
    assert catalog.get(clash.id) is None
    assert catalog.versions(clash.id) == [] and catalog.files(clash.id, 1) == []


def test_naive_times_are_refused(catalog: Catalog) -> None:
    naive = make_record(1, receive_time=datetime(2018, 3, 1, 9, 0))
    with pytest.raises(CatalogError):
        catalog.record_version(naive, [], make_version(1))
    assert catalog.count() == 0


def test_iterate_and_clear(catalog: Catalog) -> None:
    for n in range(1, 1203):
        catalog.record_version(make_record(n), [], make_version(1))
    ids = [r.id for r in catalog.iter_archives()]
    assert len(ids) == 1202 and ids == sorted(ids)
    catalog.clear()
    assert catalog.count() == 0 and list(catalog.iter_archives()) == []


WRITER = """
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from sqlalchemy import create_engine
sys.path.insert(0, sys.argv[3])
from test_catalog import make_record, make_files, make_version
from search import Catalog
catalog = Catalog(create_engine("sqlite:///" + sys.argv[1]))
start = int(sys.argv[2])
for n in range(start, start + 40):
    catalog.record_version(make_record(n), make_files(str(n)), make_version(1))
"""


def test_two_processes_write_the_same_sqlite_file(catalog: Catalog, tmp_path: Path) -> None:
    db = str(tmp_path / "catalog.db")
    here = str(Path(__file__).parent)
    root = Path(__file__).resolve().parents[2]
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, db, str(start), here], cwd=root)
        for start in (1, 1001)
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    assert catalog.count() == 80
    with catalog.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"

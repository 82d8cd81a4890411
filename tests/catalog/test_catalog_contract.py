"""Contract: ``search.Catalog`` behaves the same on SQLite and on PostgreSQL."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta, timezone

import pytest

import search.catalog
from search import ArchiveRecord, Catalog, CatalogConflictError, CatalogError, FileRow, VersionRow
from tests.catalog.conftest import Backend

CST = timezone(timedelta(hours=8))
BIG = 5 * 2**30  # a 5 GiB scan: beyond a 32-bit integer


def record(n: int, version: int = 1, **changes: object) -> ArchiveRecord:
    erc = f"310115-Z004-JSGH006-2024-{n:06d}"
    base = ArchiveRecord(
        id=f"Z004-{erc}",
        object_id=f"urn:earchive:Z004:{erc}",
        electronic_record_code=erc,
        fonds_identifier="Z004",
        archival_code=f"Z004-WS·2024-Y-GHK-{n:04d}",
        year=2024,
        retention="Y",
        category="WS",
        organization_code="GHK",
        item_number=n,
        task_code="JSGH006",
        task_name="建设工程规划许可证核发",
        task_type="行政许可",
        project_name=f"某公司申请建设工程规划许可 {n}",
        project_id=f"P{n}",
        accept_number=f"SL{n}",
        applicant_name="上海某某建设有限公司",
        applicant_type="法人",
        receive_department="规划和自然资源局",
        result="准予许可",
        security_classification="公开",
        receive_time=datetime(2024, 3, 1, 9, 0, tzinfo=CST),
        transact_time=datetime(2024, 3, 5, 17, 30, 15, 123456, tzinfo=CST),
        version=version,
        ingested_at=datetime(2024, 5, 1, 10, 0, tzinfo=CST) + timedelta(days=version),
        file_count=2,
        total_bytes=100 + BIG,
        status="archived",
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def files(tag: str) -> list[FileRow]:
    return [
        FileRow(f"A/申请表-{tag}.pdf", "A01", "申请表", "PDF", 100, "a" * 64, "b" * 64, False),
        FileRow("C/许可证.pdf", "C01", "许可证", "PDF/A-2b", BIG, "c" * 64, "d" * 64, True),
    ]


def version(v: int, package: str = "p") -> VersionRow:
    created = datetime(2024, 5, 1, 10, tzinfo=CST) + timedelta(days=v)
    return VersionRow(v, created, "m" * 64, package * 64)


@pytest.fixture
def catalog(backend: Backend) -> Catalog:
    return Catalog(backend.engine)


def test_record_and_read_back(catalog: Catalog) -> None:
    rec = record(1)
    catalog.record_version(rec, files("v1"), version(1))
    got = catalog.get(rec.id)
    assert got == rec  # aware datetimes compare by instant; big integers survive
    assert got is not None and got.ingested_at.utcoffset() == timedelta(0)
    assert got.transact_time.microsecond == 123456
    assert catalog.by_electronic_record_code("Z004", rec.electronic_record_code) == rec
    assert catalog.by_archival_code(rec.archival_code) == rec
    assert catalog.by_archival_code("Z004-WS·2024-Y-GHK-9999") is None
    assert catalog.files(rec.id) == sorted(files("v1"), key=lambda f: f.path)
    assert catalog.files(rec.id)[1].size == BIG
    assert catalog.versions(rec.id) == [version(1)]
    assert catalog.count() == 1
    assert catalog.get("Z004-nothing") is None
    assert catalog.files("Z004-nothing") == []


def test_new_version_becomes_current_and_old_files_stay(catalog: Catalog) -> None:
    catalog.record_version(record(1), files("v1"), version(1, "a"))
    v2 = record(1, version=2, project_name="【更正】申请")
    catalog.record_version(v2, files("v2"), version(2, "b"))
    assert catalog.get(v2.id) == v2
    assert [f.path for f in catalog.files(v2.id)] == ["A/申请表-v2.pdf", "C/许可证.pdf"]
    assert [f.path for f in catalog.files(v2.id, 1)] == ["A/申请表-v1.pdf", "C/许可证.pdf"]
    assert [v.version for v in catalog.versions(v2.id)] == [1, 2]
    found = catalog.find_version_by_package_digest(v2.id, "a" * 64)
    assert found is not None and found.version == 1
    assert catalog.find_version_by_package_digest(v2.id, "z" * 64) is None
    assert catalog.count() == 1


def test_rerecording_a_version_is_idempotent_and_older_never_overwrites(catalog: Catalog) -> None:
    catalog.record_version(record(1, version=2), files("v2"), version(2))
    catalog.record_version(record(1, version=2), files("v2"), version(2))
    catalog.record_version(record(1, version=1, project_name="旧"), files("v1"), version(1))
    current = catalog.get(record(1).id)
    assert current is not None and current.version == 2 and current.project_name != "旧"
    assert len(catalog.files(current.id)) == 2
    assert [v.version for v in catalog.versions(current.id)] == [1, 2]


def test_uniqueness_is_enforced(catalog: Catalog) -> None:
    catalog.record_version(record(1), files("x"), version(1))
    clash = record(2, archival_code=record(1).archival_code)
    with pytest.raises(CatalogConflictError):
        catalog.record_version(clash, files("y"), version(1))
    assert catalog.get(clash.id) is None  # the failed transaction left nothing behind


def test_naive_datetime_is_refused(catalog: Catalog) -> None:
    with pytest.raises(CatalogError):
        catalog.record_version(record(1, ingested_at=datetime(2024, 1, 1)), [], version(1))


def test_iter_archives_pages_in_id_order(catalog: Catalog, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(search.catalog, "_PAGE", 2)
    for n in (5, 3, 1, 4, 2):
        catalog.record_version(record(n), files(str(n)), version(1))
    assert [r.item_number for r in catalog.iter_archives()] == [1, 2, 3, 4, 5]


def test_clear_empties_everything(catalog: Catalog) -> None:
    catalog.record_version(record(1), files("x"), version(1))
    catalog.clear()
    assert catalog.count() == 0
    assert catalog.files(record(1).id, 1) == []
    assert catalog.versions(record(1).id) == []
    catalog.record_version(record(1), files("x"), version(1))  # usable again
    assert catalog.count() == 1


def test_version_totals_count_and_sum_each_version(catalog: Catalog) -> None:
    catalog.record_version(record(1), files("v1"), version(1, "a"))
    catalog.record_version(record(1, version=2), files("v2")[:1], version(2, "b"))
    catalog.record_version(record(2), [], version(1))
    one = record(1).id
    totals = catalog.version_totals([one, record(2).id, "Z004-nothing", one])
    assert totals == {(one, 1): (2, 100 + BIG), (one, 2): (1, 100)}  # big sizes survive
    assert totals[(one, 1)] == (len(catalog.files(one, 1)), sum(f.size for f in files("v1")))

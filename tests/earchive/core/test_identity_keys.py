"""Identity keys: HMAC-SM3 of normalised identifiers, written at ingest, restored by rebuild and
by the backfill, and never an identifier in the clear in the catalog or the index."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.core.identity_key import KEY_NAME, load_identity_keyer
from earchive.services.maintenance import run_backfill, run_rebuild
from earchive.settings import Settings
from search import SearchQuery
from search.identities import IdentityKeyer, IdentityKeyError, IdentityTable
from standards.errors import IdentityFormatError
from standards.personal_data import identity_of, redact_personal_numbers
from tests.ingest.person_packages import person_package, resident_id_ending_in_x

USCC = "91350100M000100Y43"  # valid check character (the builder's default organisation)


def test_keyed_hash_normalises_and_depends_on_the_key() -> None:
    number = resident_id_ending_in_x()
    keyer = IdentityKeyer(secrets.token_bytes(32))
    same = keyer.digest("person", number)
    for spelling in (number.lower(), f"  {number[:6]} {number[6:]} ", number.replace("1", "１")):
        assert keyer.digest("person", spelling) == same, spelling
    assert IdentityKeyer(secrets.token_bytes(32)).digest("person", number) != same
    assert keyer.digest("organisation", number) != same  # the kind is part of the message
    assert len(same) == 64 and number not in repr(keyer)
    with pytest.raises(IdentityKeyError):
        IdentityKeyer(b"short")


def test_identifiers_are_checked_before_they_are_keyed() -> None:
    number = resident_id_ending_in_x()
    assert identity_of(number.lower()).value == number
    assert identity_of(number).kind == "person"
    assert identity_of(USCC).kind == "organisation"
    wrong = number[:-1] + ("0" if number[-1] != "0" else "1")
    with pytest.raises(IdentityFormatError, match="check digit"):
        identity_of(wrong)
    with pytest.raises(IdentityFormatError):
        identity_of("12345")


def test_index_text_keeps_no_personal_numbers() -> None:
    number = resident_id_ending_in_x()
    text = f"证件号码 {number}，联系电话13812345678，受理编号 SL-2024-000123，P20240301000123"
    redacted = redact_personal_numbers(text)
    assert number not in redacted and "13812345678" not in redacted
    assert "SL-2024-000123" in redacted and "P20240301000123" in redacted


@pytest.fixture
def keyed(tmp_path: Path) -> tuple[Archive, str, list[str]]:
    """An archive with one person's cases in two fonds and years, and one organisation's case."""
    number = resident_id_ending_in_x()
    packages = [
        person_package(tmp_path / "in", fonds="R005", year=2023, serial=1, name="张三",
                       id_number=number),
        person_package(tmp_path / "in", fonds="S001", year=2024, serial=2, name="张三",
                       id_number=number.lower()),  # the same person, spelt with a small x
        person_package(tmp_path / "in", fonds="R005", year=2024, serial=3, name="某某科技有限公司",
                       id_number=USCC, applicant_type="法人", id_type="统一社会信用代码"),
    ]  # fmt: skip
    archive = Archive(Settings(home=tmp_path / "home"))
    archive.init()
    results = list(archive.ingest(packages))
    assert [r.status for r in results] == ["accepted"] * 3, [r.as_dict() for r in results]
    return archive, number, [r.id for r in results]


def test_ingest_keys_the_applicants_and_stores_no_clear_identifier(
    keyed: tuple[Archive, str, list[str]],
) -> None:
    archive, number, ids = keyed
    key_file = archive.settings.key_dir / KEY_NAME
    assert key_file.stat().st_mode & 0o777 == 0o600
    keyer = archive.identities
    rows = {r.archive_id: r for r in IdentityTable(archive.engine).rows()}
    assert set(rows) == set(ids)
    assert rows[ids[0]].digest == rows[ids[1]].digest == keyer.digest("person", number)
    assert rows[ids[2]].kind == "organisation" and rows[ids[2]].digest == keyer.digest(
        "organisation", USCC
    )
    assert {r.key_id for r in rows.values()} == {keyer.key_id}
    assert IdentityTable(archive.engine).archives(keyer.digest("person", number), keyer.key_id) == [
        ids[0],
        ids[1],
    ]
    # the catalog and the index (with their WAL files) hold the number nowhere; storage does
    databases = [p for p in archive.home.iterdir() if p.name.startswith(("catalog.db", "index.db"))]
    assert any(p.name == "catalog.db" for p in databases)
    for spelling in (number, number.lower()):
        for path in databases:
            assert spelling.encode() not in path.read_bytes(), (spelling, path.name)
    stored = b"".join(p.read_bytes() for p in archive.settings.storage_dir.rglob("case.xml"))
    assert number.encode() in stored  # the grep above would have found it
    assert archive.search(SearchQuery(text=number)).total == 0


def test_rebuild_restores_the_identity_table(keyed: tuple[Archive, str, list[str]]) -> None:
    archive, _number, _ids = keyed
    table = IdentityTable(archive.engine)
    before = table.rows()
    table.clear()
    assert table.count() == 0
    report = run_rebuild(archive)
    assert report.archives == 3 and not report.problems
    assert table.rows() == before


def test_backfill_keys_what_an_upgraded_catalog_lacks(
    keyed: tuple[Archive, str, list[str]],
) -> None:
    archive, _number, ids = keyed
    table = IdentityTable(archive.engine)
    before = table.rows()
    with archive.writer.begin() as conn:
        IdentityTable.replace(conn, ids[1], [])  # as if catalogued before migration 0003
    report = run_backfill(archive)
    assert (report.keyed, report.skipped, report.problems) == (1, 2, ())
    assert table.rows() == before
    assert run_backfill(archive).keyed == 0
    assert run_backfill(archive, everything=True).keyed == 3


def test_a_new_key_is_detected_and_keyed_again(keyed: tuple[Archive, str, list[str]]) -> None:
    archive, number, _ids = keyed
    old = archive.identities
    (archive.settings.key_dir / KEY_NAME).unlink()
    fresh = Archive(archive.settings)
    assert fresh.identities.key_id != old.key_id  # a new key was made on first use
    digest = fresh.identities.digest("person", number)
    assert IdentityTable(fresh.engine).archives(digest, fresh.identities.key_id) == []
    assert run_backfill(fresh).keyed == 3  # rows under the old key do not count
    assert len(IdentityTable(fresh.engine).archives(digest, fresh.identities.key_id)) == 2
    assert load_identity_keyer(archive.settings.key_dir, create=False).key_id == (
        fresh.identities.key_id
    )

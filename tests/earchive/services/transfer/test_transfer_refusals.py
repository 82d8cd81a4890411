"""Encrypted or compressed items are refused before packaging: they never become an EEP, the
登记表 lists them as refused, and the rest of the batch is packaged."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from earchive.core.archive import Archive
from earchive.services.checks.service import CheckOptions, check_archive
from earchive.services.transfer.sender import compressed_files, eep_source, outcome_of
from transfer import CheckOutcome, TransferRequest, build_transfer_package

from .conftest import archive_ids


def test_encrypted_and_compressed_items_are_refused(sender: Archive, tmp_path: Path) -> None:
    plain, encrypted, compressed = archive_ids(sender)
    assert compressed_files(sender, plain) == ()  # ingest keeps no containers in an archive
    real = outcome_of(check_archive(sender, plain, "yj", CheckOptions()))
    assert not real.encrypted and not real.compressed

    def check(archive_id: str) -> CheckOutcome:
        if archive_id == encrypted:
            return CheckOutcome(archive_id, True, True, {})
        if archive_id == compressed:
            return CheckOutcome(archive_id, False, False, {}, compressed=("original/x.zip",))
        return real

    request = TransferRequest(
        batch_id="transfer-refusals",
        task_name="移交测试",
        sender="测试单位",
        receiver="综合档案馆",
        created=datetime(2026, 11, 23, tzinfo=UTC),
        agent="earchive test",
    )
    built = build_transfer_package(
        tmp_path / "pkg",
        [(i, lambda i=i: eep_source(sender, i)) for i in (plain, encrypted, compressed)],
        check,
        request,
        sender.identity,  # the test's archive holds a certificate (certify_units)
    )
    assert [i.archive_id for i in built.items] == [plain]
    codes = {f.code: f for f in built.refused}
    assert set(codes) == {"TRANSFER_ITEM_ENCRYPTED", "TRANSFER_ITEM_COMPRESSED"}
    assert codes["TRANSFER_ITEM_COMPRESSED"].found == "original/x.zip"
    assert set(built.registration.refused) == {encrypted, compressed}
    assert len(list((tmp_path / "pkg").rglob("*.eep.xml"))) == 1

"""A sender and a bureau (two archive homes) through plan → package → deliver → receive → signed
receipt → sender verifies it; a package tampered in transit; a delivery interrupted half-way."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.services.transfer.receipts import accept_receipt
from earchive.services.transfer.receiving import receive_package
from earchive.services.transfer.sender import plan, run_transfer
from package.manifest import parse_manifest
from preservation.events import EventLog
from transfer import DirectoryDelivery, ReceiptError, TransferLedger, verify_receipt

from .conftest import archive_ids, earchive_cli, tamper_inline


def _pub(archive: Archive) -> str:
    return archive.signer.public_key_pem


def test_plan_follows_the_policy(sender: Archive) -> None:
    entries = {e.archive_id: e for e in plan(sender, today=date(2029, 12, 31))}
    assert set(entries) == set(archive_ids(sender))
    # 2023 cases, 5-year deadline; 10-year ones end in disposal review, not at the bureau
    assert {e.outcome for e in entries.values()} == {"transfer", "disposal_review"}
    assert all(
        e.status == ("overdue" if e.outcome == "transfer" else "disposal_review")
        for e in entries.values()
    )
    assert all(e.deadline.year == e.formed.year + 5 for e in entries.values())
    early = plan(sender, today=date(2024, 12, 31))
    assert {e.status for e in early if e.outcome == "transfer"} == {"not_due"}


def test_sender_to_bureau_and_back(sender: Archive, bureau: Archive, tmp_path: Path) -> None:
    ids = archive_ids(sender)[:2]
    sent = run_transfer(sender, tmp_path / "exchange", ids, inline_limit=40_000)
    pkg = Path(sent.delivery.target)
    assert not sent.package.refused and len(sent.package.items) == 2
    for name in ("说明文件.TXT", "文件目录.XML", "登记表.xml", "登记表.pdf", "其他/eep.xsd"):
        assert (pkg / name).is_file(), name
    assert "在线" in (pkg / "说明文件.TXT").read_text(encoding="utf-8")
    sheet = (pkg / "登记表.xml").read_text(encoding="utf-8")
    assert '算法="SM3"' in sheet and "真实性" in sheet

    receipt, receipt_path = receive_package(bureau, pkg, _pub(sender))
    assert receipt.code == "accepted", [f.as_dict() for i in receipt.items for f in i.failed()]
    assert {i.archival_code for i in receipt.items} == {i.archival_code for i in sent.package.items}

    back = accept_receipt(sender, receipt_path, _pub(bureau))
    assert back.code == "accepted"
    rows = TransferLedger(sender.writer).batches()
    assert [r.status for r in rows if r.batch_id == sent.package.batch_id] == ["accepted"]
    assert set(ids) <= TransferLedger(sender.writer).transferred()
    actions = {e.action for e in EventLog(sender.writer).iter_events()}
    assert {"transfer", "receipt"} <= actions
    with pytest.raises(ReceiptError):  # the sender's key is not the bureau's
        verify_receipt(receipt_path.read_bytes(), _pub(sender))
    tampered = receipt_path.read_bytes().replace(b'"accepted"', b'"accepteD"', 1)
    with pytest.raises(ReceiptError):
        verify_receipt(tampered, _pub(bureau))


def test_tampered_in_transit_is_digest_failed(
    sender: Archive, bureau: Archive, tmp_path: Path
) -> None:
    sent = run_transfer(sender, tmp_path / "exchange", archive_ids(sender)[:2])
    pkg = Path(sent.delivery.target)
    victim = sent.package.items[1]
    tamper_inline(pkg / victim.eep_path)
    receipt, _ = receive_package(bureau, pkg, _pub(sender))
    assert receipt.code == "digest_failed"
    by_code = {i.archival_code: i for i in receipt.items}
    bad = by_code[victim.archival_code]
    assert bad.code == "digest_failed"
    assert ("PKG_DIGEST_MISMATCH", victim.eep_path) in {(f.code, f.path) for f in bad.failed()}
    others = [i for i in receipt.items if i.archival_code != victim.archival_code]
    assert others and all(i.code == "accepted" for i in others)


def test_interrupted_delivery_resumes_without_duplicates(
    sender: Archive, bureau: Archive, tmp_path: Path
) -> None:
    sent = run_transfer(sender, tmp_path / "first", archive_ids(sender))
    source = sender.home / "transfers" / sent.package.batch_id
    listing = parse_manifest((source / "manifest.txt").read_bytes())
    dest = tmp_path / "exchange"
    half = sorted(listing)[: len(listing) // 2]
    for path in half:  # an earlier run copied half the files, then died mid-file
        (dest / source.name / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / path, dest / source.name / path)
    broken = sorted(listing)[len(listing) // 2]
    (dest / source.name / broken).parent.mkdir(parents=True, exist_ok=True)
    (dest / source.name / (broken + ".part")).write_bytes(b"half")
    (dest / source.name / broken).write_bytes((source / broken).read_bytes()[:10])

    result = DirectoryDelivery(dest).deliver(source)
    assert set(result.skipped) == set(half)
    assert broken in result.copied
    assert DirectoryDelivery(dest).deliver(source).skipped == tuple(sorted(listing))  # idempotent
    delivered = {
        p.relative_to(dest / source.name).as_posix()
        for p in (dest / source.name).rglob("*")
        if p.is_file()
    }
    assert delivered == set(listing) | {"manifest.txt", "manifest.sig.json"}
    receipt, _ = receive_package(bureau, dest / source.name, _pub(sender))
    assert receipt.code == "accepted"


def test_cli_plan_run_receive(sender: Archive, bureau: Archive, tmp_path: Path) -> None:
    cli = earchive_cli
    planned = cli(sender.home, "transfer", "plan", "--json")
    assert planned.returncode == 0, planned.stderr
    assert len(planned.stdout.splitlines()) == 3
    ran = cli(
        sender.home,
        "transfer",
        "run",
        "--to",
        str(tmp_path / "x"),
        "--json",
        "--ids",
        archive_ids(sender)[0],
    )
    assert ran.returncode == 0, ran.stderr
    target = json.loads(ran.stdout)["target"]
    key = tmp_path / "sender.pub.pem"
    key.write_text(_pub(sender), encoding="ascii")
    got = cli(bureau.home, "receive", target, "--sender-key", str(key), "--json")
    assert got.returncode == 0, got.stdout + got.stderr
    assert json.loads(got.stdout)["code"] == "accepted"
    status = cli(sender.home, "transfer", "status", "--json")
    assert status.returncode == 0 and "delivered" in status.stdout

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
from earchive.services.transfer.sender import plan
from package.certificates import holder_name
from package.manifest import parse_manifest, parse_signature
from preservation.events import EventLog
from tests.earchive.units import send, unit_ids
from transfer import DirectoryDelivery, ReceiptError, TransferLedger, verify_receipt
from transfer.registration import CHECK_ROWS, parse_registration

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
    ids = unit_ids(sender, 2)
    sent = send(sender, tmp_path / "exchange", ids)
    pkg = Path(sent.delivery.target)
    assert not sent.package.refused and len(sent.package.items) == 2
    for name in (
        "说明文件.TXT",
        "文件目录.XML",
        "其他/登记表.xml",
        "其他/登记表.sig.json",
        "其他/登记表.pdf",
        "其他/eep.xsd",
    ):
        assert (pkg / name).is_file(), name
    assert not (pkg / "登记表.xml").exists()  # 档发〔2012〕7号: the form is among 其他
    assert "在线" in (pkg / "说明文件.TXT").read_text(encoding="utf-8")
    form = parse_registration((pkg / "其他/登记表.xml").read_bytes())
    unit = sent.package.registration.sender
    assert form.sender == unit and unit != sender.settings.agent and form.archives == 2
    sheet = (pkg / "其他/登记表.xml").read_text(encoding="utf-8")
    assert '算法="SM3"' in sheet and all(row in sheet for row in CHECK_ROWS)
    record = parse_signature((pkg / "manifest.sig.json").read_bytes())
    assert record.certificates and holder_name(record.certificates[0]) == unit

    receipt, receipt_path = receive_package(bureau, pkg)
    assert receipt.code == "accepted", [f.as_dict() for i in receipt.items for f in i.failed()]
    assert {i.archival_code for i in receipt.items} == {i.archival_code for i in sent.package.items}
    judged = {(f.code, f.path) for f in receipt.findings}
    assert {("PKG_SIGNER_UNIT", "manifest.txt"), ("PKG_SIGNER_UNIT", "其他/登记表.xml")} <= judged

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
    sent = send(sender, tmp_path / "exchange", unit_ids(sender, 2))
    pkg = Path(sent.delivery.target)
    victim = sent.package.items[1]
    tamper_inline(pkg / victim.eep_path)
    receipt, _ = receive_package(bureau, pkg)
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
    sent = send(sender, tmp_path / "first", unit_ids(sender, 2))
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
    receipt, _ = receive_package(bureau, dest / source.name)
    assert receipt.code == "accepted"


def test_cli_plan_run_signoff_receive(sender: Archive, bureau: Archive, tmp_path: Path) -> None:
    cli = earchive_cli
    planned = cli(sender.home, "transfer", "plan", "--json")
    assert planned.returncode == 0, planned.stderr
    assert len(planned.stdout.splitlines()) == 3
    # the one archive of the other unit (kept 10 years, sent on purpose): not signed off yet
    one = next(i for i in archive_ids(sender) if i not in unit_ids(sender, 2))
    run = ("transfer", "run", "--to", str(tmp_path / "x"), "--json", "--ids", one)
    waiting = cli(sender.home, *run)  # the YJ run leaves items a person must confirm
    assert waiting.returncode == 1, waiting.stdout + waiting.stderr
    asked = json.loads(waiting.stdout)
    assert asked["status"] == "signoff_needed" and asked["items"][0]["id"] == one
    assert not (tmp_path / "x").exists()  # nothing left
    listed = [json.loads(line) for line in cli(sender.home, "transfer", "signoffs", "--json")
              .stdout.splitlines()]  # fmt: skip
    assert {r["batch_id"] for r in listed} >= {asked["batch_id"]}
    short = cli(sender.home, "transfer", "signoff", "--batch", asked["batch_id"], "--reason", "ok")
    assert short.returncode == 2  # a reason says why
    signed = cli(
        sender.home,
        "transfer",
        "signoff",
        "--batch",
        asked["batch_id"],
        "--reason",
        "恶意代码扫描由终端防护完成，签章已人工核验",
        "--by",
        "王档案员",
        "--json",
    )
    assert signed.returncode == 0, signed.stdout + signed.stderr
    assert json.loads(signed.stdout.splitlines()[0])["signed_by"] == "王档案员"
    ran = cli(sender.home, *run)
    assert ran.returncode == 0, ran.stdout + ran.stderr
    target = json.loads(ran.stdout)["target"]
    form = (Path(target) / "其他/登记表.xml").read_text(encoding="utf-8")
    assert "王档案员" in form  # the 审核人 is whoever signed the review items off
    got = cli(bureau.home, "receive", target, "--json")  # the bureau trusts the unit's CA
    assert got.returncode == 0, got.stdout + got.stderr
    assert json.loads(got.stdout)["code"] == "accepted"
    stranger = tmp_path / "stranger"
    assert cli(stranger, "init").returncode == 0
    refused = cli(stranger, "receive", target)  # trusts nobody: nothing to judge a signer by
    assert refused.returncode == 2 and "trust root" in refused.stderr + refused.stdout

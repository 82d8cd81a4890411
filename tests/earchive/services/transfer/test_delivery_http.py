"""Sender → bureau over HTTP: the bureau's real app in bureau mode served by uvicorn on
127.0.0.1; plan → package → PUT → complete → signed receipt → accepted by the sender. A file
altered in flight is refused (digest_failed), a delivery cut half-way resumes without a second
PUT of any file, and 503 answers are retried with backoff."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.services.transfer.delivery import resume_transfer
from earchive.services.transfer.sender import plan
from earchive.web.app import create_app
from package.manifest import parse_manifest
from preservation.events import EventLog
from samples.unit_authority import unit_root
from tests.earchive.units import PASSPHRASE, presign, send, unit_ids
from transfer import DeliveryError, TransferLedger, verify_receipt
from transfer.retry import DeliveryEvent, RetryPolicy

from .bureau_server import Bureau, Tamper, Wire, open_bureau, serving

FAST = RetryPolicy(attempts=4, base=0.01, cap=0.05, rng=random.Random(1))


@pytest.fixture
def bureau(sender: Archive, unit_ca: Path, tmp_path: Path) -> Iterator[Bureau]:
    b = open_bureau(tmp_path / "bureau", unit_root(unit_ca))
    yield b
    b.archive.engine.dispose()


def _as_sender(sender: Archive, bureau: Bureau) -> Archive:
    """The sender archive with the bureau's token in its settings (as EARCHIVE_TRANSFER_TOKEN)."""
    return Archive(sender.settings.model_copy(update={"transfer_token": bureau.token}))


def _listing(archive: Archive, batch_id: str) -> set[str]:
    pkg = archive.home / "transfers" / batch_id
    return set(parse_manifest((pkg / "manifest.txt").read_bytes())) | {
        "manifest.txt",
        "manifest.sig.json",
    }


def _delivery_events(archive: Archive, batch_id: str) -> list[str]:
    return [
        e.outcome
        for e in EventLog(archive.writer).iter_events(object_prefix=batch_id)
        if e.action == "delivery" and e.object == batch_id
    ]


def _put_paths(wire: Wire, batch_id: str) -> dict[str, int]:
    root = f"/api/bureau/transfers/{batch_id}/files/"
    return {p.removeprefix(root): n for p, n in wire.puts().items() if p.startswith(root)}


def test_http_plan_send_receive_receipt(sender: Archive, bureau: Bureau) -> None:
    due = [e.archive_id for e in plan(sender, today=date(2029, 12, 31)) if e.status == "overdue"]
    ids = sorted(due)[:2]
    assert len(ids) == 2
    wire = Wire(create_app(bureau.archive))
    s = _as_sender(sender, bureau)
    with serving(wire) as url:
        sent = send(s, url + "/", ids, receiver_key_pem=bureau.public_key)
    batch = sent.package.batch_id
    assert sent.receipt is not None and sent.receipt.code == "accepted", sent.receipt
    assert sent.receipt_path is not None and sent.receipt_path.is_file()
    assert verify_receipt(sent.receipt_path.read_bytes(), bureau.public_key).batch_id == batch
    assert {i.archival_code for i in sent.receipt.items} == {
        i.archival_code for i in sent.package.items
    }
    # every file of the package went exactly once; the manifest and its signature came last
    puts = _put_paths(wire, batch)
    assert set(puts) == _listing(s, batch) and set(puts.values()) == {1}
    assert list(puts)[-2:] == ["manifest.txt", "manifest.sig.json"]
    assert wire.requests[("POST", f"/api/bureau/transfers/{batch}/complete")] == 1
    # the sender's ledger and event log
    rows = {r.batch_id: r for r in TransferLedger(s.writer).batches()}
    assert rows[batch].status == "accepted" and rows[batch].target.startswith(url)
    assert set(ids) <= TransferLedger(s.writer).transferred()
    events = _delivery_events(s, batch)
    assert events.count("file") == len(puts) and events[-2:] == ["batch", "completed"]
    # the bureau keeps the staged package and its receipt, and logged each file
    bureau_events = [
        e
        for e in EventLog(bureau.archive.writer).iter_events()
        if e.action == "transfer_in" and e.object == batch
    ]
    assert [e.outcome for e in bureau_events].count("stored") == len(puts)
    s.engine.dispose()


def test_altered_in_flight_is_refused(sender: Archive, bureau: Bureau) -> None:
    ids = unit_ids(sender, 2)
    s = _as_sender(sender, bureau)
    wire = Wire(create_app(bureau.archive), tamper=Tamper(".eep.xml", 300))
    with serving(wire) as url, pytest.raises(DeliveryError, match="422"):
        send(s, url, ids, receiver_key_pem=bureau.public_key, retry=FAST)
    batch = TransferLedger(s.writer).batches()[-1]
    assert batch.status == "delivery_failed"
    assert wire.puts()[wire.tampered] == 1  # a digest mismatch is not retried
    # an attacker who also rewrites the declared digests: the signed manifest tells
    wire = Wire(create_app(bureau.archive), tamper=Tamper(".eep.xml", 300, recompute=True))
    with serving(wire) as url:
        sent = send(s, url, ids, receiver_key_pem=bureau.public_key, retry=FAST)
    assert sent.receipt is not None and sent.receipt.code == "digest_failed"
    victim = wire.tampered.rsplit("/files/", 1)[1]
    bad = next(i for i in sent.receipt.items if i.eep_path == victim)
    assert bad.code == "digest_failed"
    assert ("PKG_DIGEST_MISMATCH", victim) in {(f.code, f.path) for f in bad.failed()}
    assert all(i.code == "accepted" for i in sent.receipt.items if i.eep_path != victim)
    s.engine.dispose()


class Cut(Exception):
    """The delivering process stops (a test stand-in for a kill)."""


def test_interrupted_http_delivery_resumes_without_duplicates(
    sender: Archive, bureau: Bureau
) -> None:
    s = _as_sender(sender, bureau)
    sent_files: list[str] = []

    def cut_after_three(event: DeliveryEvent) -> None:
        if event.kind == "file":
            sent_files.append(event.path)
            if len(sent_files) == 3:
                raise Cut

    wire = Wire(create_app(bureau.archive))
    with serving(wire) as url:
        with pytest.raises(Cut):
            send(s, url, unit_ids(s, 2), progress=cut_after_three)
        batch = TransferLedger(s.writer).batches()[-1]
        assert batch.status == "delivering"
        first = dict(_put_paths(wire, batch.batch_id))
        assert sorted(first) == sorted(sent_files) and len(first) == 3
        done = resume_transfer(s, batch.batch_id, url, receiver_key_pem=bureau.public_key)
    listing = _listing(s, batch.batch_id)
    assert set(done.result.skipped) == set(first)
    assert set(done.result.copied) == listing - set(first)
    puts = _put_paths(wire, batch.batch_id)
    assert set(puts) == listing and set(puts.values()) == {1}  # no file was sent twice
    assert done.receipt is not None and done.receipt.code == "accepted"
    rows = {r.batch_id: r.status for r in TransferLedger(s.writer).batches()}
    assert rows[batch.batch_id] == "accepted"
    with pytest.raises(DeliveryError, match="receipt already"):
        resume_transfer(s, batch.batch_id, url)
    s.engine.dispose()


def test_503_is_retried_with_backoff(sender: Archive, bureau: Bureau) -> None:
    s = _as_sender(sender, bureau)
    waits: list[float] = []
    policy = RetryPolicy(attempts=4, base=0.01, cap=0.05, sleep=waits.append, rng=random.Random(3))
    wire = Wire(create_app(bureau.archive), fail_first=2)
    with serving(wire) as url:
        sent = send(s, url, unit_ids(s, 1), retry=policy, receiver_key_pem=bureau.public_key)
    assert wire.failed == 2
    assert sent.receipt is not None and sent.receipt.code == "accepted"
    assert len(waits) == 2 and 0 <= waits[0] <= 0.01 and 0 <= waits[1] <= 0.02
    events = _delivery_events(s, sent.package.batch_id)
    assert events.count("retry") == 2 and events[-1] == "completed"
    s.engine.dispose()


def test_a_bureau_that_stays_down_fails_clearly(sender: Archive, bureau: Bureau) -> None:
    s = _as_sender(sender, bureau)
    policy = RetryPolicy(attempts=3, base=0.0, sleep=lambda _: None)
    wire = Wire(create_app(bureau.archive), fail_first=100)
    with serving(wire) as url, pytest.raises(DeliveryError, match="gave up after 3 attempts"):
        send(s, url, unit_ids(s, 1), retry=policy)
    assert sum(wire.requests.values()) == 3  # bounded: three tries of the first request
    batch = TransferLedger(s.writer).batches()[-1]
    assert batch.status == "delivery_failed"
    assert _delivery_events(s, batch.batch_id) == ["retry", "retry", "retry", "gave_up", "failed"]
    s.engine.dispose()


def _cli_env(sender: Archive, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
    env["EARCHIVE_HOME"] = str(sender.home)
    env["EARCHIVE_KEY_PASSPHRASE"] = PASSPHRASE
    env.update(extra)
    return env


def test_cli_killed_half_way_then_resumed(sender: Archive, bureau: Bureau, tmp_path: Path) -> None:
    key = tmp_path / "bureau.pub.pem"
    key.write_text(bureau.public_key, encoding="ascii")
    env = _cli_env(
        sender,
        EARCHIVE_TRANSFER_TOKEN=bureau.token,
        EARCHIVE_TRANSFER_RECEIVER_KEY=str(key),
        EARCHIVE_TRANSFER_RETRY_ATTEMPTS="2",
    )
    cli = [sys.executable, "-m", "earchive", "transfer", "run"]
    wire = Wire(create_app(bureau.archive), stall_after=4)
    with serving(wire) as url:
        no_token = subprocess.run(
            [*cli, "--to", url, "--json"],
            env=_cli_env(sender),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert no_token.returncode == 2 and "EARCHIVE_TRANSFER_TOKEN" in no_token.stderr
        presign(sender, unit_ids(sender, 1))
        process = subprocess.Popen(
            [*cli, "--to", url, "--ids", unit_ids(sender, 1)[0], "--json"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            deadline = time.monotonic() + 240
            while sum(wire.puts().values()) < 5:  # four stored, the fifth hangs
                assert process.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
        finally:
            process.kill()  # the sender dies half-way
            process.communicate(timeout=30)
        batch = TransferLedger(sender.writer).batches()[-1]
        assert batch.status == "delivering"
        wire.stall_after = None
        resumed = subprocess.run(
            [*cli, "--resume", batch.batch_id, "--to", url, "--json"],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["skipped"] == 4 and summary["receipt_code"] == "accepted"
    assert Path(summary["receipt_path"]).is_file()
    stored = [
        str(e.detail["path"])
        for e in EventLog(bureau.archive.writer).iter_events()
        if e.action == "transfer_in" and e.object == batch.batch_id and e.outcome != "completed"
    ]
    assert len(stored) == len(set(stored)) == len(_listing(sender, batch.batch_id))  # once each
    rows = {r.batch_id: r.status for r in TransferLedger(sender.writer).batches()}
    assert rows[batch.batch_id] == "accepted"

"""The sender after the receipt: a package tampered in transit is refused (``digest_failed``),
the item reaches rework with its finding, the next default run sends it again from storage, the
bureau accepts it and it leaves rework; accepted archives are ``transferred`` and kept here at
least ``keep_copy_years``; a package the bureau cannot unpack sends every item to rework; the
outcome table arrives by migration 0006 on a catalog at 0005."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from earchive.core.archive import Archive
from earchive.core.migrations import current_revision, head_revision, upgrade
from earchive.services.transfer.receipts import accept_receipt, kept_until, rework_queue
from earchive.services.transfer.receiving import receive_package
from earchive.services.transfer.sender import plan
from earchive.settings import Settings
from samples.unit_authority import unit_root
from standards.finding import Status
from tests.earchive.units import PASSPHRASE, certify_units, send
from transfer import REWORK, TRANSFERRED, Outcome, OutcomeLedger, TransferLedger, TransferPolicy
from transfer.findings import transfer_finding

from .conftest import earchive_cli, tamper_inline


class Ticking:
    """A fixed clock that moves one second per reading (batch ids stay distinct)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def _open(home: Path, start: datetime) -> Archive:
    archive = Archive(Settings(home=home, key_passphrase=PASSPHRASE), clock=Ticking(start))
    archive.init()
    archive.trust([unit_root(home.parent / "ca")])  # the CA that certifies the sender's units
    return archive


@pytest.fixture
def rework_sender(tmp_path: Path) -> Iterator[Archive]:
    from samples import SMALL_PROFILE, generate

    # 2022: Y and D30 of one 立档单位, D10 of another
    generate(3, tmp_path / "cases", seed=35, size_profile=SMALL_PROFILE)
    archive = _open(tmp_path / "sender", datetime(2028, 3, 1, 9, tzinfo=UTC))
    assert [r.status for r in archive.ingest([tmp_path / "cases"])] == ["accepted"] * 3
    certify_units(archive, tmp_path / "ca")
    yield archive
    archive.engine.dispose()


@pytest.fixture
def rework_bureau(tmp_path: Path) -> Iterator[Archive]:
    archive = _open(tmp_path / "bureau", datetime(2028, 3, 10, 9, tzinfo=UTC))
    yield archive
    archive.engine.dispose()


def _pub(archive: Archive) -> str:
    return archive.signer.public_key_pem


def test_tampered_item_reaches_rework_and_leaves_it_when_resent(
    rework_sender: Archive, rework_bureau: Archive, tmp_path: Path
) -> None:
    sender, bureau = rework_sender, rework_bureau
    policy = TransferPolicy.load()
    ids = sorted(e.archive_id for e in plan(sender) if e.outcome == "transfer")
    assert len(ids) == 2  # the 永久 and the 30-year case; the 10-year one is not transferred
    sent = send(sender, tmp_path / "first", ids)
    victim = sent.package.items[1]
    tamper_inline(Path(sent.delivery.target) / victim.eep_path)

    receipt, path = receive_package(bureau, Path(sent.delivery.target))
    assert receipt.code == "digest_failed"
    back = accept_receipt(sender, path, _pub(bureau))
    assert back.code == "digest_failed"

    (waiting,) = rework_queue(sender)
    assert (waiting.archive_id, waiting.code, waiting.status) == (
        victim.archive_id,
        "digest_failed",
        REWORK,
    )
    assert ("PKG_DIGEST_MISMATCH", victim.eep_path) in {(f.code, f.path) for f in waiting.findings}
    (other,) = set(ids) - {victim.archive_id}
    entries = {e.archive_id: e for e in plan(sender)}
    assert entries[victim.archive_id].status == "rework"
    accepted_on = receipt.received_at.date()
    assert entries[other].status == "transferred"
    assert entries[other].kept_until == accepted_on.replace(
        year=accepted_on.year + policy.keep_copy_years
    )
    assert kept_until(sender, other) == entries[other].kept_until
    assert kept_until(sender, victim.archive_id) is None
    assert {e.status for e in entries.values()} == {"rework", "transferred", "disposal_review"}

    listed = earchive_cli(sender.home, "transfer", "rework", "--json")
    assert listed.returncode == 0, listed.stderr
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["id"] == victim.archive_id and row["code"] == "digest_failed"
    assert "PKG_DIGEST_MISMATCH" in {f["code"] for f in row["findings"]}
    planned = earchive_cli(sender.home, "transfer", "plan", "--json")
    assert planned.returncode == 0, planned.stderr
    kept = {r["id"]: r["kept_until"] for r in map(json.loads, planned.stdout.splitlines())}
    assert kept[other] == entries[other].kept_until.isoformat()  # type: ignore[union-attr]
    _api_views(sender, victim.archive_id, other, entries[other].kept_until)

    # the fix: the next default run sends the rework item again, rebuilt from storage
    again = send(sender, tmp_path / "second")
    assert [i.archive_id for i in again.package.items] == [victim.archive_id]
    receipt2, path2 = receive_package(bureau, Path(again.delivery.target))
    assert receipt2.code == "accepted"
    assert [i.archive_id for i in receipt2.items] == [victim.archive_id]
    accept_receipt(sender, path2, _pub(bureau))

    assert rework_queue(sender) == []
    entries = {e.archive_id: e for e in plan(sender)}
    assert {entries[i].status for i in ids} == {"transferred"}
    assert sorted(i.id for i in bureau.catalog.iter_archives()) == ids
    batches = {b.batch_id: b.status for b in TransferLedger(sender.writer).batches()}
    assert batches == {sent.package.batch_id: "digest_failed", again.package.batch_id: "accepted"}
    outcomes = {
        e.object: e.outcome
        for e in sender.events.iter_events()
        if e.action == "transfer" and e.outcome in ("rework", "transferred")
    }
    assert outcomes == {other: "transferred", victim.archive_id: "transferred"}
    status = earchive_cli(sender.home, "transfer", "status", "--json")
    assert status.returncode == 0, status.stderr
    rows = {r["batch_id"]: r for r in map(json.loads, status.stdout.splitlines())}
    first, second = rows[sent.package.batch_id], rows[again.package.batch_id]
    assert (first["transferred"], first["rework"]) == (1, 0)  # its rework item left with batch 2
    assert (second["transferred"], second["rework"]) == (1, 0)
    on = receipt2.received_at.date()
    assert second["kept_until"] == on.replace(year=on.year + policy.keep_copy_years).isoformat()


def test_a_package_the_bureau_cannot_unpack_sends_every_item_to_rework(
    rework_sender: Archive, rework_bureau: Archive, tmp_path: Path
) -> None:
    sender, bureau = rework_sender, rework_bureau
    ids = sorted(e.archive_id for e in plan(sender) if e.outcome == "transfer")
    sent = send(sender, tmp_path / "x", ids)
    (Path(sent.delivery.target) / "文件目录.XML").unlink()
    receipt, path = receive_package(bureau, Path(sent.delivery.target))
    assert receipt.code == "unpack_failed" and receipt.items == ()
    accept_receipt(sender, path, _pub(bureau))
    waiting = rework_queue(sender)
    assert sorted(o.archive_id for o in waiting) == ids
    for o in waiting:
        assert o.code == "unpack_failed"
        assert [(f.code, f.path) for f in o.findings] == [("PKG_PART_MISSING", "文件目录.XML")]
    assert list(bureau.catalog.iter_archives()) == []


def test_a_transferred_archive_is_not_put_back_into_rework(tmp_path: Path) -> None:
    ledger = OutcomeLedger(create_engine(f"sqlite:///{tmp_path / 'c.db'}"))
    at = datetime(2028, 3, 1, tzinfo=UTC)
    done = Outcome(
        "A-1",
        "X-WS·2023-Y-BGS-0001",
        TRANSFERRED,
        "b1",
        "accepted",
        at,
        at.date().replace(year=2033),
        "A-1",
        (),
    )
    refused = transfer_finding("PKG_DIGEST_MISMATCH", path="e.eep.xml")
    later = Outcome(
        "A-1",
        "X-WS·2023-Y-BGS-0001",
        REWORK,
        "b2",
        "digest_failed",
        at + timedelta(days=1),
        None,
        "",
        (refused,),
    )
    ledger.record([done])
    ledger.record([later])
    assert ledger.get("A-1") == done
    ledger.record(
        [
            Outcome(
                "B-2",
                "X-WS·2023-Y-BGS-0002",
                REWORK,
                "b2",
                "digest_failed",
                at,
                None,
                "",
                (refused,),
            )
        ]
    )
    (stored,) = ledger.all(REWORK).values()
    assert stored.findings[0].status is Status.FAIL and stored.findings[0].path == "e.eep.xml"


def test_migration_0006_adds_the_outcome_table_to_a_catalog_at_0005(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'catalog.db'}")
    try:
        upgrade(engine, "0005")
        assert "transfer_outcomes" not in inspect(engine).get_table_names()
        assert "transfer_items" in inspect(engine).get_table_names()
        upgrade(engine)
        assert current_revision(engine) == head_revision()
        columns = {c["name"] for c in inspect(engine).get_columns("transfer_outcomes")}
        assert {"archive_id", "status", "kept_until", "findings"} <= columns
    finally:
        engine.dispose()


def _api_views(sender: Archive, victim: str, other: str, kept: object) -> None:
    """The same through the REST API: the rework list and the retention schedule."""
    import warnings

    from earchive.auth import UserStore
    from earchive.web.app import create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # starlette asks for httpx2 when only httpx is there
        from fastapi.testclient import TestClient

    users = UserStore(sender.engine, sender.clock)
    users.add_user("transfer-clerk", "archivist", password="transfer-clerk-password")
    users.add_user("dept-x", "department", fonds=("X999",), password="dept-x-password")
    app = create_app(sender)
    try:
        for name, expected in (("transfer-clerk", 200), ("dept-x", 403)):
            client = TestClient(app, base_url="http://testserver")
            client.post("/login", data={"username": name, "password": f"{name}-password"})
            rework = client.get("/api/transfers/rework")
            assert rework.status_code == expected, rework.text
            if expected != 200:
                continue
            (row,) = rework.json()
            assert (row["id"], row["code"]) == (victim, "digest_failed")
            assert "PKG_DIGEST_MISMATCH" in {f["code"] for f in row["findings"]}
            schedule = {e["id"]: e for e in client.get("/api/transfers/schedule").json()}
            assert schedule[victim]["transfer_status"] == "rework"
            assert schedule[other]["kept_until"] == kept.isoformat()  # type: ignore[attr-defined]
            assert {e["outcome"] for e in schedule.values()} == {"transfer", "disposal_review"}
    finally:
        app.state.jobs.close()

"""The reminders feed (``GET /api/reminders``) and panels, on real data and a fixed clock that
moves forward: transfers coming due and overdue, a corrupted stored file found by a fixity audit,
a failed 四性 run, a refused package in the quarantine, retention ending and ended; each principal
sees only its fonds."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.earchive.web.ops_archive import OpsWeb, TestClient, build_ops_web, login, wait_job
from transfer import TransferPolicy


@pytest.fixture(scope="module")
def ops(tmp_path_factory: pytest.TempPathFactory) -> OpsWeb:
    return build_ops_web(tmp_path_factory.mktemp("reminders"))


@pytest.fixture(scope="module")
def app(ops: OpsWeb) -> Iterator[FastAPI]:
    app = ops.app()
    yield app
    app.state.jobs.close()


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> Iterator[dict[str, TestClient]]:
    made = {u: login(app, u) for u in ("archivist", "auditor", "dept-r", "dept-z", "bureau")}
    yield made
    for c in made.values():
        c.close()


def _feed(client: TestClient, **params: object) -> list[dict[str, object]]:
    response = client.get("/api/reminders", params=params)
    assert response.status_code == 200, response.text
    return list(response.json()["reminders"])


def _deadline(ops: OpsWeb, fonds: str) -> date:
    formed = ops.records[fonds].transact_time.date()
    years = TransferPolicy.load().years_by_retention.get(ops.records[fonds].retention, 5)
    return formed.replace(year=formed.year + years)


def test_transfers_due_and_overdue(ops: OpsWeb, clients: dict[str, TestClient]) -> None:
    ops.clock.set(datetime(2027, 4, 1, 8, 0, tzinfo=UTC))
    today = date(2027, 4, 1)
    feed = _feed(clients["archivist"], days=90)
    transfer = {r["object"]: r for r in feed if str(r["kind"]).startswith("transfer_")}
    assert len(transfer) == 4
    for fonds, record in ops.records.items():
        deadline = _deadline(ops, fonds)
        reminder = transfer[record.id]
        kind = "transfer_overdue" if deadline < today else "transfer_due"
        assert reminder["kind"] == kind, (fonds, deadline)
        assert reminder["id"] == f"{kind}:{record.id}:{deadline.isoformat()}"
        assert reminder["due"] == deadline.isoformat() and reminder["fonds"] == fonds
        assert record.archival_code in str(reminder["message_zh"])
        assert deadline.isoformat() in str(reminder["message_en"])
    assert {r["kind"] for r in transfer.values()} == {"transfer_overdue", "transfer_due"}
    # most severe first: every overdue (critical) comes before every due (warning)
    kinds = [r["kind"] for r in feed if str(r["kind"]).startswith("transfer_")]
    assert kinds == sorted(kinds, key=lambda k: k != "transfer_overdue")
    # stable ids: the same conditions give the same feed
    assert [r["id"] for r in _feed(clients["archivist"], days=90)] == [r["id"] for r in feed]
    # since: only what was raised after it (W003 became overdue on 2027-03-18)
    w003 = ops.records["W003"].id
    assert _deadline(ops, "W003") == date(2027, 3, 17)
    since = [r["id"] for r in _feed(clients["archivist"], days=90, since="2027-03-17T12:00:00Z")]
    assert since == [f"transfer_overdue:{w003}:2027-03-17"]
    # a shorter horizon leaves out what is further away than it
    short = _feed(clients["archivist"], days=40)
    assert ops.records["S001"].id not in {r["object"] for r in short}  # due 2027-05-30
    # a department sees its own fonds only
    mine = _feed(clients["dept-r"], days=90)
    assert mine and {r["fonds"] for r in mine} == {"R005"}


def _content_file(home: Path, fonds: str) -> Path:
    candidates = sorted(
        p
        for p in (home / "storage").rglob("*")
        if p.is_file() and fonds in str(p) and "/content/original/" in str(p).replace("\\", "/")
        and not p.name.endswith(".xml")
    )  # fmt: skip
    assert candidates, f"no stored original of {fonds}"
    return candidates[0]


def test_a_corrupted_file_found_by_an_audit_is_a_reminder(
    ops: OpsWeb, clients: dict[str, TestClient]
) -> None:
    ops.clock.set(datetime(2027, 4, 2, 8, 0, tzinfo=UTC))
    z004 = ops.records["Z004"].id
    stored = _content_file(ops.home, "Z004")
    stored.chmod(0o644)
    data = bytearray(stored.read_bytes())
    data[len(data) // 2] ^= 0xFF
    stored.write_bytes(bytes(data))
    auditor = clients["auditor"]
    job = wait_job(auditor, auditor.post("/api/audits", json={}).json()["url"])
    assert job["status"] == "done" and job["result"]["failed"] == 1  # type: ignore[index]
    fixity = [r for r in _feed(auditor) if r["kind"] == "fixity_failed"]
    assert [r["object"] for r in fixity] == [z004]
    assert fixity[0]["severity"] == "critical" and fixity[0]["fonds"] == "Z004"
    first_id = fixity[0]["id"]
    # audited again, still failing: the same reminder (a notifier pushes it once)
    ops.clock.advance(hours=1)
    wait_job(auditor, auditor.post("/api/audits", json={}).json()["url"])
    again = [r["id"] for r in _feed(auditor) if r["kind"] == "fixity_failed"]
    assert again == [first_id]
    assert z004 in {r["object"] for r in _feed(clients["dept-z"])}
    assert z004 not in {r["object"] for r in _feed(clients["dept-r"])}
    # the auditor's dashboard shows it in the reminders panel
    page = auditor.get("/audit").text
    assert f'data-id="{first_id}"' in page
    # the BC 四性 checks find the corrupted file too; the failed run is a reminder
    run = clients["archivist"].post(f"/api/archives/{z004}/checks", json={"stage": "bc"}).json()
    assert run["failed"] is True
    failed = [r for r in _feed(clients["archivist"]) if r["kind"] == "check_failed"]
    assert [(r["object"], str(r["id"]).split(":")[2]) for r in failed] == [(z004, "BC")]
    assert not [r for r in _feed(clients["dept-r"]) if r["kind"] == "check_failed"]


def test_a_refused_package_waits_in_the_quarantine(
    ops: OpsWeb, clients: dict[str, TestClient]
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "not a case package")
    archivist = clients["archivist"]
    response = archivist.post(
        "/api/cases", files={"package": ("broken.zip", buffer.getvalue(), "application/zip")}
    )
    assert response.status_code == 422
    open_ = [r for r in _feed(archivist) if r["kind"] == "quarantine_open"]
    assert len(open_) == 1 and "broken.zip" in str(open_[0]["message_en"])
    assert not [r for r in _feed(clients["auditor"]) if r["kind"] == "quarantine_open"]
    console = archivist.get("/console").text
    assert 'data-testid="reminders"' in console and f'data-id="{open_[0]["id"]}"' in console


def test_retention_ending_then_disposal_review(ops: OpsWeb, clients: dict[str, TestClient]) -> None:
    r005 = ops.records["R005"]
    assert r005.retention == "D30" and r005.year == 2022  # ends 1 January 2053
    ops.clock.set(datetime(2052, 11, 15, 8, 0, tzinfo=UTC))
    ending = [r for r in _feed(clients["dept-r"], days=90) if r["kind"] == "retention_ending"]
    assert [r["id"] for r in ending] == [f"retention_ending:{r005.id}:2053-01-01"]
    assert ending[0]["due"] == "2053-01-01" and "47" in str(ending[0]["message_en"])
    assert not _feed(clients["dept-z"], days=90, kind="retention_ending")  # Z004 is 永久
    ops.clock.set(datetime(2053, 1, 2, 8, 0, tzinfo=UTC))
    review = _feed(clients["bureau"], kind="disposal_review")
    assert [r["id"] for r in review] == [f"disposal_review:{r005.id}:2053-01-01"]
    assert not _feed(clients["dept-r"], kind="retention_ending")

"""The retention schedule on a fixed clock: 永久 and 30-year archives end in transfer (deadline and
status from the transfer plan), 10-year ones in disposal review at the end of their period; a
transferred archive is never disposable here before its kept-copy date, and a kept-copy date
never brings a disposal date forward."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.services.transfer.disposition import ScheduleEntry, retention_schedule
from earchive.services.transfer.receipts import accept_receipt
from earchive.services.transfer.receiving import receive_package
from earchive.services.transfer.sender import group_by_unit
from earchive.settings import Settings
from samples.unit_authority import unit_root
from standards.retention import disposal_not_before
from tests.earchive.units import PASSPHRASE, certify_units, send
from transfer import TransferPolicy

TODAY = date(2027, 6, 1)


class Ticking:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture(scope="module")
def scheduled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Archive]:
    """Eight 2022 cases: 永久, 30-year and 10-year ones."""
    from samples import SMALL_PROFILE, generate

    root = tmp_path_factory.mktemp("schedule")
    generate(8, root / "cases", seed=11, size_profile=SMALL_PROFILE)
    archive = Archive(
        Settings(home=root / "home", key_passphrase=PASSPHRASE),
        clock=Ticking(datetime(2027, 6, 1, tzinfo=UTC)),
    )
    archive.init()
    assert {r.status for r in archive.ingest([root / "cases"])} == {"accepted"}
    certify_units(archive, root / "ca")
    yield archive
    archive.engine.dispose()


def _by_retention(entries: list[ScheduleEntry]) -> dict[str, list[ScheduleEntry]]:
    out: dict[str, list[ScheduleEntry]] = {}
    for e in entries:
        out.setdefault(e.retention, []).append(e)
    return out


def _add_years(day: date, years: int) -> date:
    return day.replace(year=day.year + years)


def test_outcomes_per_retention_class(scheduled: Archive) -> None:
    policy = TransferPolicy.load()
    entries = retention_schedule(scheduled, TODAY)
    groups = _by_retention(entries)
    assert set(groups) == {"Y", "D30", "D10"}
    assert len(entries) == 8
    formed = {r.id: r.transact_time.date() for r in scheduled.catalog.iter_archives()}
    for e in groups["Y"] + groups["D30"]:
        deadline = _add_years(formed[e.archive_id], policy.years_by_retention[e.retention])
        assert e.outcome == "transfer"
        assert e.formation_year == 2022
        assert e.transfer_deadline == deadline
        assert e.transfer_status == ("overdue" if deadline < TODAY else "due")
        assert e.disposal_review is None and e.kept_until is None
    for e in groups["Y"]:
        assert (e.retention_years, e.retention_end, e.disposal_not_before) == (None, None, None)
    for e in groups["D30"]:
        assert e.retention_years == 30
        assert e.retention_end == e.disposal_not_before == date(2053, 1, 1)
    for e in groups["D10"]:
        assert e.outcome == "disposal_review"
        assert e.retention_end == e.disposal_review == e.disposal_not_before == date(2033, 1, 1)
        assert e.transfer_deadline is None and e.transfer_status is None


def test_kept_copy_guards_disposal_and_never_brings_it_forward(
    scheduled: Archive, tmp_path: Path
) -> None:
    groups = _by_retention(retention_schedule(scheduled, TODAY))
    d10, d30, y = groups["D10"][0], groups["D30"][0], groups["Y"][0]
    bureau = Archive(
        Settings(home=tmp_path / "bureau", key_passphrase=PASSPHRASE),
        clock=Ticking(datetime(2030, 6, 1, tzinfo=UTC)),
    )
    bureau.init()
    bureau.trust([unit_root(scheduled.home.parent / "ca")])
    try:
        # a 10-year archive sent anyway (explicit ids), late: its kept copy outlives its period
        ids = [d10.archive_id, d30.archive_id, y.archive_id]
        for unit in group_by_unit(scheduled, ids).values():  # one package per 立档单位
            sent = send(scheduled, tmp_path / "x", unit)
            receipt, path = receive_package(bureau, Path(sent.delivery.target))
            assert receipt.code == "accepted"
            accept_receipt(scheduled, path, bureau.signer.public_key_pem)
    finally:
        bureau.engine.dispose()
    kept = date(2035, 6, 1)  # accepted 2030-06-01 + keep_copy_years (5)
    after = {e.archive_id: e for e in retention_schedule(scheduled, TODAY)}
    assert after[d10.archive_id].kept_until == kept
    assert after[d10.archive_id].retention_end == date(2033, 1, 1)
    assert after[d10.archive_id].disposal_not_before == kept  # not before the kept-copy date
    assert after[d10.archive_id].disposal_review == kept
    assert after[d10.archive_id].transfer_status == "transferred"
    assert after[d30.archive_id].kept_until == kept
    assert after[d30.archive_id].disposal_not_before == date(2053, 1, 1)  # never earlier
    assert after[y.archive_id].transfer_status == "transferred"
    assert after[y.archive_id].disposal_not_before is None  # 永久: never
    assert disposal_not_before(2022, 10, kept) == datetime(2035, 6, 1, tzinfo=UTC)
    assert disposal_not_before(2022, 30, kept) == datetime(2053, 1, 1, tzinfo=UTC)
    assert disposal_not_before(2022, None, kept) is None


def test_cli_schedule_json_matches_the_service(scheduled: Archive) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("EARCHIVE_")}
    env["EARCHIVE_HOME"] = str(scheduled.home)
    done = subprocess.run(
        [sys.executable, "-m", "earchive", "retention", "schedule", "--json", "--on", "2027-06-01"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    expected = [
        json.loads(json.dumps(e.as_dict(), default=str))
        for e in retention_schedule(scheduled, TODAY)
    ]
    assert sorted(rows, key=lambda r: r["id"]) == sorted(expected, key=lambda r: r["id"])
    assert {r["outcome"] for r in rows} == {"transfer", "disposal_review"}
    text = subprocess.run(
        [sys.executable, "-m", "earchive", "retention", "schedule", "--on", "2027-06-01"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert text.returncode == 0 and "disposal review 2033-01-01" in text.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "earchive", "retention", "schedule", "--on", "June"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert bad.returncode == 2

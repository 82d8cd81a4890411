"""The bureau ingests what it accepts: sender → directory → ``receive_package`` turns each EEP
back into the submitted case package and runs the bureau's own ingest (AIP, signature, catalog,
index, GD checks), keeping the sender's 档号; receiving again adds nothing; an item the bureau's
ingest refuses becomes an ``archiving_failed`` receipt item, not an exception."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest

from earchive.core.archive import Archive
from earchive.services.transfer.disposition import retention_schedule
from earchive.services.transfer.receiving import receive_package
from earchive.services.transfer.sender import plan
from earchive.settings import Settings
from package.fixity import read_manifest_and_verify
from samples.unit_authority import unit_root
from search.index import SearchQuery
from standards.finding import Status
from tests.earchive.units import send, unit_ids
from transfer import verify_receipt

from .conftest import archive_ids, earchive_cli


def _pub(archive: Archive) -> str:
    return archive.signer.public_key_pem


def _originals(archive: Archive, archive_id: str) -> dict[str, bytes]:
    out = {}
    for path in archive.version_paths(archive_id):
        if path.startswith("original/"):
            with archive.open_file(archive_id, path) as fp:
                out[path] = fp.read()
    return out


def test_accepted_items_become_the_bureaus_own_archives(
    sender: Archive, bureau: Archive, tmp_path: Path
) -> None:
    ids = unit_ids(sender, 2)
    sent = send(sender, tmp_path / "exchange", ids)
    pkg = Path(sent.delivery.target)
    assert not list(pkg.rglob("*.files/*"))  # every file travels inside its EEP
    assert archive_ids(bureau) == []

    receipt, receipt_path = receive_package(bureau, pkg)

    assert receipt.code == "accepted", [f.as_dict() for i in receipt.items for f in i.failed()]
    assert sorted(i.archive_id for i in receipt.items) == ids  # items name the bureau's ids
    assert archive_ids(bureau) == ids
    signed = verify_receipt(receipt_path.read_bytes(), _pub(bureau))
    assert sorted(i.archive_id for i in signed.items) == ids
    by_id = {i.archive_id: i for i in sent.package.items}
    for archive_id in ids:
        mine, theirs = bureau.catalog.get(archive_id), sender.catalog.get(archive_id)
        assert mine is not None and theirs is not None
        assert mine.archival_code == theirs.archival_code  # the sender's 档号 is kept
        assert mine.electronic_record_code == theirs.electronic_record_code
        assert _originals(bureau, archive_id) == _originals(sender, archive_id)  # byte-identical
        # its own AIP, signed by the bureau's key, verifies
        findings = read_manifest_and_verify(
            partial(bureau.open_file, archive_id), bureau.version_paths(archive_id), _pub(bureau)
        )
        assert findings and not [f for f in findings if f.failed]
        # searchable in the bureau's index
        hits = bureau.search(SearchQuery(task_code=mine.task_code)).hits
        assert archive_id in {h.archive_id for h in hits}
        # provenance: sender, batch and the EEP digest, in the AIP's ingest report and the event
        with bureau.open_file(archive_id, "metadata/ingest-report.json") as fp:
            provenance = json.loads(fp.read())["provenance"]
        assert provenance["batch"] == sent.package.batch_id
        assert provenance["eep_sm3"] == by_id[archive_id].eep.sm3
        assert provenance["archival_code"] == theirs.archival_code
        assert provenance["sender"]
        unit = sender.unit_identity(theirs.fonds_identifier)
        assert unit is not None and provenance["sender_key_id"] == unit.signer.key_id
        assert provenance["sender_certificate"] == unit.name  # who the certificate names
        events = [
            e
            for e in bureau.events.iter_events()
            if e.action == "ingest" and e.object == archive_id and e.outcome == "accepted"
        ]
        assert len(events) == 1
        assert events[0].detail["provenance"] == provenance
    for item in receipt.items:
        codes = {f.code: f for f in item.findings}
        assert codes["ACCESSION_INGESTED"].status is Status.PASS
        assert "GD" in codes["ACCESSION_GD_CHECKED"].message  # the GD checks ran on it
    # the bureau does not plan to transfer what it received; it keeps it to its retention end
    assert {e.archive_id: e.status for e in plan(bureau)} == dict.fromkeys(ids, "received")
    for e in retention_schedule(bureau):
        assert (e.outcome, e.transfer_status, e.transfer_deadline) == (
            "disposal_review",
            "received",
            None,
        )
        assert e.disposal_review == e.retention_end  # None for 永久


def test_receiving_the_same_package_again_ingests_nothing(
    sender: Archive, bureau: Archive, tmp_path: Path
) -> None:
    sent = send(sender, tmp_path / "exchange", unit_ids(sender, 2))
    pkg = Path(sent.delivery.target)
    first, _ = receive_package(bureau, pkg)
    assert first.code == "accepted"
    versions = {i: [v.version for v in bureau.catalog.versions(i)] for i in archive_ids(bureau)}
    events = len(list(bureau.events.iter_events()))

    again, _ = receive_package(bureau, pkg)

    assert again.code == "accepted"
    assert {i: [v.version for v in bureau.catalog.versions(i)] for i in archive_ids(bureau)} == (
        versions
    )
    assert all(v == [1] for v in versions.values())
    done = [f.message for i in again.items for f in i.findings if f.code == "ACCESSION_INGESTED"]
    assert len(done) == 2 and all(m.endswith(", duplicate)") for m in done), done
    new = list(bureau.events.iter_events())[events:]
    assert not [e for e in new if e.action == "ingest" and e.outcome == "accepted"]


def test_verify_only_ingests_nothing(sender: Archive, bureau: Archive, tmp_path: Path) -> None:
    sent = send(sender, tmp_path / "exchange", unit_ids(sender, 1))
    receipt, _ = receive_package(bureau, Path(sent.delivery.target), ingest=False)
    assert receipt.code == "accepted"
    assert [i.archive_id for i in receipt.items] == [""]
    assert archive_ids(bureau) == []


@pytest.fixture
def other_category_bureau(tmp_path: Path, unit_ca: Path) -> Iterator[Archive]:
    """A bureau whose archives are of another 门类: the sender's 档号 (WS) cannot be kept."""
    archive = Archive(Settings(home=tmp_path / "kj-bureau", category="KJ"))
    archive.init()
    archive.trust([unit_root(unit_ca)])
    yield archive
    archive.engine.dispose()


def test_an_item_the_bureau_cannot_ingest_is_refused_in_the_receipt(
    sender: Archive, other_category_bureau: Archive, tmp_path: Path
) -> None:
    bureau = other_category_bureau
    sent = send(sender, tmp_path / "exchange", unit_ids(sender, 1))
    receipt, path = receive_package(bureau, Path(sent.delivery.target))

    assert receipt.code == "archiving_failed"
    (item,) = receipt.items
    assert item.code == "archiving_failed" and item.archive_id == ""
    failed = {(f.code, f.detail.get("part")) for f in item.failed()}
    assert ("ACCESSION_REFUSED", None) in failed
    assert ("KEPT_CODE_MISMATCH", "category") in failed
    assert archive_ids(bureau) == []
    back = verify_receipt(path.read_bytes(), _pub(bureau))  # signed like any other receipt
    assert back.items[0].code == "archiving_failed"


def test_cli_receive_ingests_unless_verify_only(
    sender: Archive, bureau: Archive, tmp_path: Path
) -> None:
    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return earchive_cli(bureau.home, *args)

    one = unit_ids(sender, 1)
    checked = send(sender, tmp_path / "a", one)
    only = cli("receive", checked.delivery.target, "--verify-only", "--json")
    assert only.returncode == 0, only.stdout + only.stderr
    assert "archive_id" not in json.loads(only.stdout)["items"][0]
    assert archive_ids(bureau) == []
    got = cli("receive", checked.delivery.target, "--json")
    assert got.returncode == 0, got.stdout + got.stderr
    assert json.loads(got.stdout)["items"][0]["archive_id"] == one[0]
    assert archive_ids(bureau) == one

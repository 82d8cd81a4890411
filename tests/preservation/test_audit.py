"""Fixity audit, restore and replication over real ``FsStore`` roots with signed AIP versions.

Each test damages storage the way an outside failure would (a flipped byte in a read-only file
made writable first, a deleted file, a deleted object) and asserts the exact finding.
"""

from __future__ import annotations

import os
import shutil
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine

from package.digest import digest_bytes
from package.manifest import manifest_bytes, sign_manifest, signature_json
from package.ocfl import inventory_bytes, new_inventory, next_inventory, stored_paths
from package.signature import ECDSA_P256_SHA256, Signer, generate_key, load_signer
from preservation.audit import AuditContext, AuditLimits, audit_root
from preservation.audit_ledger import AuditLedger
from preservation.events import Event, EventLog
from preservation.ocfl_root import OcflRoot
from preservation.replication import ReplicaFailure, ReplicaQueue, ReplicatedRoot, retry_pending
from preservation.restore import restore_object
from preservation.storage import FsStore, RepairRefusedError, Source, StorageError
from standards.finding import Status

T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)


class Clock:
    """A settable clock: each call returns the current time and moves one second on."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def signer(tmp_path: Path) -> Signer:
    return load_signer(generate_key(tmp_path / "keys", ECDSA_P256_SHA256))


def _root(path: Path) -> OcflRoot:
    root = OcflRoot(FsStore(path))
    root.initialize()
    return root


def write_aip(
    root: OcflRoot | tuple[OcflRoot, ...],
    tmp: Path,
    oid: str,
    files: dict[str, bytes],
    signer: Signer,
) -> str:
    """Write one signed AIP version (original files + manifest + signature); return version.

    Given several roots, the same bytes go to each (as replication does).
    """
    roots = root if isinstance(root, tuple) else (root,)
    root = roots[0]
    manifest = manifest_bytes({p: digest_bytes(b) for p, b in files.items()})
    sig = signature_json(sign_manifest(manifest, signer, T0))
    everything = {**files, "metadata/manifest.txt": manifest, "metadata/manifest.sig.json": sig}
    staged = tmp / f"stage-{len(list(tmp.glob('stage-*')))}"
    for path, data in everything.items():
        (staged / path).parent.mkdir(parents=True, exist_ok=True)
        (staged / path).write_bytes(data)
    state = {p: digest_bytes(b).sha256 for p, b in everything.items()}
    head = root.read_inventory(oid)
    if head is None:
        inv = new_inventory(oid, state, T0, "ingest", "earchive", "urn:earchive:agent")
    else:
        inv, _ = next_inventory(head, state, T0, "ingest", "earchive", "urn:earchive:agent")
    data, _ = inventory_bytes(inv)
    version = str(inv["head"])
    for each in roots:
        each.write_version(oid, staged, data, version, stored_paths(inv, version))
    return version


OID = "urn:earchive:Z109:11310000MB0000000X2025030100001"
FILES = {
    "original/case.xml": b"<case>licence</case>",
    "original/A/licence.pdf": b"%PDF-1.7 " + bytes(range(256)) * 40,
}


def _path(root: OcflRoot, oid: str, rel: str) -> Path:
    store = root.store
    assert isinstance(store, FsStore)
    return store.root / root.object_root(oid) / rel


def _flip(path: Path, offset: int = 100) -> None:
    os.chmod(path, stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
    os.chmod(path, 0o444)


@pytest.fixture
def setting(tmp_path: Path) -> tuple[AuditLedger, list[Event], Clock]:
    engine = create_engine(f"sqlite:///{tmp_path / 'catalog.db'}")
    ledger = AuditLedger(engine)
    ledger.create_schema()
    return ledger, [], Clock()


def _ctx(events: list[Event], clock: Clock, location: str = "primary") -> AuditContext:
    def record(event: Event) -> Event:
        events.append(event)
        return event

    return AuditContext(location=location, clock=clock, record=record)


def test_intact_root_passes_with_one_ok_per_object_and_a_run_event(
    tmp_path: Path, signer: Signer, setting: tuple[AuditLedger, list[Event], Clock]
) -> None:
    ledger, events, clock = setting
    root = _root(tmp_path / "storage")
    write_aip(root, tmp_path, OID, FILES, signer)
    write_aip(root, tmp_path, OID, {**FILES, "original/B/more.pdf": b"%PDF more"}, signer)
    run = audit_root(root, ledger, _ctx(events, clock))
    assert [o.outcome for o in run.objects] == [Status.PASS]
    assert [f.code for f in run.findings] == ["FIXITY_OK"]
    assert run.findings[0].detail["versions"] == "2"
    assert run.objects[0].files == 7  # v1: 4 files; v2 stores 3 new (case.xml, A deduped)
    assert [(e.action, e.object, e.outcome) for e in events] == [
        ("audit", "storage:primary", "PASS")
    ]
    assert events[0].detail["objects"] == 1


def test_flipped_byte_is_found_with_file_algorithms_and_both_digests(
    tmp_path: Path, signer: Signer, setting: tuple[AuditLedger, list[Event], Clock]
) -> None:
    ledger, events, clock = setting
    root = _root(tmp_path / "storage")
    write_aip(root, tmp_path, OID, FILES, signer)
    target = _path(root, OID, "v1/content/original/A/licence.pdf")
    good = digest_bytes(target.read_bytes())
    _flip(target)
    bad = digest_bytes(target.read_bytes())
    run = audit_root(root, ledger, _ctx(events, clock))
    fails = [f for f in run.findings if f.status is Status.FAIL]
    assert {(f.code, f.path, f.detail["algorithm"], f.expected, f.found) for f in fails} == {
        (
            "FIXITY_MISMATCH",
            "v1/content/original/A/licence.pdf",
            "SHA-256",
            good.sha256,
            bad.sha256,
        ),
        ("FIXITY_MISMATCH", "v1/content/original/A/licence.pdf", "SM3", good.sm3, bad.sm3),
    }
    assert all(f.detail["object_id"] == OID and f.detail["version"] == "v1" for f in fails)
    assert "FIXITY_OK" not in {f.code for f in run.findings}
    assert [e.outcome for e in events] == ["FAIL", "FAIL"]  # the object, then the run
    assert events[0].object == OID and events[0].detail["problems"]


def test_deleted_file_deleted_object_and_bad_signature(
    tmp_path: Path, signer: Signer, setting: tuple[AuditLedger, list[Event], Clock]
) -> None:
    ledger, events, clock = setting
    root = _root(tmp_path / "storage")
    other = "urn:earchive:Z109:second"
    gone = "urn:earchive:Z109:gone"
    for oid in (OID, other, gone):
        write_aip(root, tmp_path, oid, FILES, signer)
    audit_root(root, ledger, _ctx(events, clock))  # all known to the ledger now
    _path(root, OID, "v1/content/original/case.xml").unlink()
    _flip(_path(root, other, "v1/content/metadata/manifest.sig.json"), offset=40)
    shutil.rmtree(_path(root, gone, ""))
    run = audit_root(root, ledger, _ctx(events, clock))
    by_object = {o.object_id: o for o in run.objects}
    assert set(by_object) == {OID, other, gone}
    missing = [f for f in by_object[OID].findings if f.status is Status.FAIL]
    assert [(f.code, f.path, f.expected) for f in missing] == [
        (
            "FIXITY_MISSING",
            "v1/content/original/case.xml",
            digest_bytes(FILES["original/case.xml"]).sha256,
        )
    ]
    codes = {f.code for f in by_object[other].findings if f.status is Status.FAIL}
    assert codes >= {"FIXITY_MISMATCH", "FIXITY_SIGNATURE_INVALID"}
    assert [(f.code, f.path) for f in by_object[gone].findings] == [
        ("FIXITY_MISSING", "inventory.json")
    ]


def test_bounded_runs_resume_new_first_then_least_recently_audited(
    tmp_path: Path, signer: Signer, setting: tuple[AuditLedger, list[Event], Clock]
) -> None:
    ledger, events, clock = setting
    root = _root(tmp_path / "storage")
    oids = [f"urn:earchive:Z109:case{i}" for i in range(5)]
    for oid in oids:
        write_aip(root, tmp_path, oid, FILES, signer)
    first = audit_root(root, ledger, _ctx(events, clock), AuditLimits(max_objects=2))
    second = audit_root(root, ledger, _ctx(events, clock), AuditLimits(max_objects=2))
    assert (first.remaining, second.remaining) == (3, 3)
    seen = [o.object_id for o in (*first.objects, *second.objects)]
    assert seen == oids[:4]
    newcomer = "urn:earchive:Z109:late"
    write_aip(root, tmp_path, newcomer, FILES, signer)
    third = audit_root(root, ledger, _ctx(events, clock), AuditLimits(max_objects=3))
    # objects never audited first (the newcomer and the one left over), then the oldest audit
    third_ids = [o.object_id for o in third.objects]
    assert set(third_ids[:2]) == {newcomer, oids[4]}
    assert third_ids[2] in oids[:2]  # audited together in the first run, in parallel
    zero = audit_root(root, ledger, _ctx(events, clock), AuditLimits(max_seconds=0))
    assert zero.objects == () and zero.remaining == 6


def test_restore_from_replica_repairs_corrupt_and_missing_files(
    tmp_path: Path, signer: Signer, setting: tuple[AuditLedger, list[Event], Clock]
) -> None:
    ledger, events, clock = setting
    primary = _root(tmp_path / "primary")
    replica = _root(tmp_path / "replica")
    write_aip((primary, replica), tmp_path, OID, FILES, signer)
    _flip(_path(primary, OID, "v1/content/original/A/licence.pdf"))
    _path(primary, OID, "v1/content/original/case.xml").unlink()
    _path(primary, OID, "inventory.json.sha256").unlink()
    assert audit_root(primary, ledger, _ctx(events, clock)).failed
    outcome = restore_object(replica, primary, OID, record=events.append, clock=clock)
    assert outcome.ok, outcome.findings
    assert set(outcome.copied) == {"v1/content/original/case.xml", "inventory.json.sha256"}
    assert outcome.repaired == ("v1/content/original/A/licence.pdf",)
    assert events[-1].action == "restore" and events[-1].outcome == "PASS"
    assert (
        oct(_path(primary, OID, "v1/content/original/A/licence.pdf").stat().st_mode)[-3:] == "444"
    )
    again = audit_root(primary, ledger, _ctx(events, clock))
    assert [f.code for f in again.findings] == ["FIXITY_OK"]


def test_restore_refuses_a_corrupt_replica_and_repair_is_narrow(
    tmp_path: Path, signer: Signer
) -> None:
    primary = _root(tmp_path / "primary")
    replica = _root(tmp_path / "replica")
    write_aip((primary, replica), tmp_path, OID, FILES, signer)
    _path(primary, OID, "v1/content/original/A/licence.pdf").unlink()
    _flip(_path(replica, OID, "v1/content/original/A/licence.pdf"))
    outcome = restore_object(replica, primary, OID, record=None, clock=Clock())
    assert not outcome.ok
    [failed] = [f for f in outcome.findings if f.status is Status.FAIL]
    assert failed.code == "FIXITY_RESTORE_FAILED" and "SHA-256 expected" in failed.message
    assert not _path(primary, OID, "v1/content/original/A/licence.pdf").exists()
    # FsStore.repair: never over intact bytes, never with bytes that do not match
    store = primary.store
    assert isinstance(store, FsStore)
    key = f"{primary.object_root(OID)}/v1/content/original/case.xml"
    good = digest_bytes(FILES["original/case.xml"]).sha256
    assert store.repair(key, b"anything", good) is False
    _flip(_path(primary, OID, "v1/content/original/case.xml"), offset=3)
    with pytest.raises(RepairRefusedError):
        store.repair(key, b"<case>wrong</case>", good)
    assert store.repair(key, FILES["original/case.xml"], good) is True
    assert (
        _path(primary, OID, "v1/content/original/case.xml").read_bytes()
        == FILES["original/case.xml"]
    )


class BrokenStore(FsStore):
    """An FsStore whose writes fail while ``broken`` (a replica that is down)."""

    broken = False

    def put(self, key: str, source: Source) -> None:
        if self.broken:
            raise StorageError("replica unreachable")
        super().put(key, source)


def test_replicated_root_queues_a_failed_replica_and_retry_catches_up(
    tmp_path: Path, signer: Signer
) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'catalog.db'}")
    queue = ReplicaQueue(engine)
    queue.create_schema()
    log = EventLog(engine)
    log.create_schema()
    failures: list[ReplicaFailure] = []

    def on_failure(failure: ReplicaFailure) -> None:
        failures.append(failure)
        queue.add(failure)

    replica_store = BrokenStore(tmp_path / "replica")
    replica = OcflRoot(replica_store)
    root = ReplicatedRoot(FsStore(tmp_path / "primary"), replica, on_failure, clock=Clock())
    root.initialize()
    write_aip(root, tmp_path, OID, FILES, signer)
    assert _path(replica, OID, "v1/content/original/case.xml").is_file()
    replica_store.broken = True  # the replica refuses writes: the primary must not care
    write_aip(root, tmp_path, OID, {**FILES, "original/B/x.pdf": b"%PDF x"}, signer)
    replica_store.broken = False
    assert root.read_inventory(OID)["head"] == "v2"  # type: ignore[index]
    assert [(f.object_id, f.version) for f in failures] == [(OID, "v2")]
    assert replica.read_inventory(OID)["head"] == "v1"  # type: ignore[index]
    outcomes = retry_pending(
        root, replica, queue, location="replica", record=log.record, clock=Clock()
    )
    assert [o.ok for o in outcomes] == [True]
    assert replica.read_inventory(OID)["head"] == "v2"  # type: ignore[index]
    assert queue.pending("replica") == []
    assert [e.action for e in log.iter_events()] == ["replicate"]


def test_restore_never_overwrites_a_diverged_copy(tmp_path: Path, signer: Signer) -> None:
    primary = _root(tmp_path / "primary")
    replica = _root(tmp_path / "replica")
    for root in (primary, replica):  # signed separately: different, equally valid versions
        write_aip(root, tmp_path, OID, FILES, signer)
    outcome = restore_object(replica, primary, OID, record=None, clock=Clock())
    assert [(f.code, f.path) for f in outcome.findings] == [
        ("FIXITY_RESTORE_FAILED", "v1/inventory.json")
    ]
    assert outcome.copied == outcome.repaired == ()

"""The audit trail survives losing or editing the database: seals in storage, signed by the
archive, catch even a deleted tail that the hash chain alone cannot see."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ocfl.storage_root import StorageRoot
from sqlalchemy import text

from earchive.core.archive import Archive
from earchive.settings import Settings
from preservation.events import verify_chain


def _codes(findings: list) -> set[str]:  # type: ignore[type-arg]
    return {f.code for f in findings if f.status.value == "FAIL"}


def test_seal_verify_and_tail_deletion(tmp_path: Path, zips: Callable[[], list[Path]]) -> None:
    archive = Archive(Settings(home=tmp_path / "home"))
    archive.init()
    results = list(archive.ingest(zips()[:2]))
    assert {r.status for r in results} == {"accepted"}

    assert [f.code for f in archive.verify_event_log()][-1] == "EVENT_LOG_UNSEALED"
    first = archive.seal_event_log()
    assert first is not None and first.version == "v1"
    assert archive.seal_event_log() is None  # nothing new
    key = archive.signer.public_key_pem
    assert [f.code for f in archive.verify_event_log(key)] == [
        "EVENT_LOG_INTACT",
        "EVENT_LOG_SEALED",
    ]

    list(archive.ingest(zips()[2:3]))
    second = archive.seal_event_log()
    assert second is not None and second.version == "v2" and second.first_seq == first.head_seq + 1
    root = StorageRoot(str(tmp_path / "home" / "event-log"))
    assert root.validate(check_digests=True) and root.num_objects == root.good_objects == 1

    # delete the newest event: the chain alone still looks whole, the seal does not agree
    with archive.engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE seq = (SELECT max(seq) FROM events)"))
    assert [f.code for f in verify_chain(list(archive.events.iter_events()))] == [
        "EVENT_LOG_INTACT"
    ]
    assert "EVENT_LOG_DIFFERS_FROM_SEAL" in _codes(archive.verify_event_log(key))


def test_edited_event_and_foreign_key(tmp_path: Path, zips: Callable[[], list[Path]]) -> None:
    archive = Archive(Settings(home=tmp_path / "home"))
    archive.init()
    list(archive.ingest(zips()[:1]))
    archive.seal_event_log()
    with archive.engine.begin() as conn:
        conn.execute(text("UPDATE events SET outcome = 'refused' WHERE seq = 1"))
    codes = _codes(archive.verify_event_log())
    assert {"EVENT_LOG_TAMPERED", "EVENT_LOG_DIFFERS_FROM_SEAL"} <= codes
    other = tmp_path / "other"
    other_archive = Archive(Settings(home=other))
    other_archive.init()
    findings = archive.verify_event_log(other_archive.signer.public_key_pem)
    assert "EVENT_LOG_SEAL_UNTRUSTED" in {f.code for f in findings}

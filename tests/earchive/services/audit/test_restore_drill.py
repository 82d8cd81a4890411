"""BC 3-4 (备份数据可恢复): the check really restores the archive from the replica and compares
it with the primary; without a backup copy it asks for a manual drill, never a pass."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from earchive.core.archive import Archive
from earchive.services.checks.service import check_archive
from earchive.settings import Settings
from standards.finding import Status


def _item(run: object, item: str) -> list[tuple[str, Status]]:
    return [(r.finding.code, r.finding.status) for r in run.results if r.item == item]  # type: ignore[attr-defined]


def test_restore_drill_from_the_replica(tmp_path: Path, zips: Callable[[], list[Path]]) -> None:
    archive = Archive(Settings(home=tmp_path / "home", replica="fs:replica"))
    archive.init()
    [result] = list(archive.ingest(zips()[:1]))
    assert result.status == "accepted"
    run = check_archive(archive, result.id, "bc")
    assert _item(run, "BC-3-4-1") == [("RESTORE_DRILL_OK", Status.PASS)]

    # a damaged backup copy fails the drill, naming the file
    replica_files = sorted(p for p in (tmp_path / "home" / "replica").rglob("*.pdf"))
    victim = replica_files[0]
    os.chmod(victim, 0o644)
    data = bytearray(victim.read_bytes())
    data[len(data) // 2] ^= 0xFF
    victim.write_bytes(bytes(data))
    run = check_archive(archive, result.id, "bc")
    codes = _item(run, "BC-3-4-1")
    assert codes and all(c == ("RESTORE_DRILL_FAILED", Status.FAIL) for c in codes)


def test_without_a_backup_copy_the_drill_is_manual(
    tmp_path: Path, zips: Callable[[], list[Path]]
) -> None:
    archive = Archive(Settings(home=tmp_path / "home"))
    archive.init()
    [result] = list(archive.ingest(zips()[:1]))
    run = check_archive(archive, result.id, "bc")
    assert _item(run, "BC-3-4-1") == [("RESTORE_DRILL_UNAVAILABLE", Status.MANUAL_REVIEW)]

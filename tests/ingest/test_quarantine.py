"""The quarantine keeps every refused package with its report, within a quota: past the quota or
the retention the oldest packages are reduced to their reports (no reason is ever lost), and a
folder is only ever named by a safe name of an existing folder."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ingest import quarantine
from ingest.quarantine import QuarantineError, QuarantinePolicy

T0 = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)


def _refuse(qdir: Path, tmp_path: Path, name: str, size: int, at: datetime) -> Path:
    source = tmp_path / name
    source.write_bytes(bytes(size))
    report = {"status": "refused", "refused_at": at.isoformat(), "findings": [{"code": "X"}]}
    return quarantine.keep(qdir, source, report, at)


def test_over_the_quota_the_oldest_packages_keep_only_their_reports(tmp_path: Path) -> None:
    qdir = tmp_path / "q"
    folders = [
        _refuse(qdir, tmp_path, f"p{i}.zip", 1000, T0 + timedelta(minutes=i)) for i in range(5)
    ]
    policy = QuarantinePolicy(max_bytes=3500, keep_days=90)
    reduced = quarantine.enforce(qdir, policy, T0)
    count = len(reduced)
    assert [name for name, _ in reduced] == [p.name for p in folders[:count]]  # oldest first
    assert count in (2, 3) and all(freed == 1000 for _, freed in reduced)
    on_disk = sum(f.stat().st_size for f in qdir.rglob("*") if f.is_file())
    assert on_disk <= policy.max_bytes  # reports count too; the quota holds
    for path in folders[:count]:
        assert quarantine.kept_package(path) is None
        body = quarantine.report(path)
        assert body["findings"] == [{"code": "X"}]  # every reason is still there
        assert body["reduced"]["why"] == "quarantine over its quota"
    assert all(quarantine.kept_package(p) is not None for p in folders[count:])
    assert quarantine.enforce(qdir, policy, T0) == []  # stable


def test_past_the_retention_a_package_is_reduced_whatever_the_quota(tmp_path: Path) -> None:
    qdir = tmp_path / "q"
    old = _refuse(qdir, tmp_path, "old.zip", 10, T0 - timedelta(days=100))
    new = _refuse(qdir, tmp_path, "new.zip", 10, T0)
    reduced = quarantine.enforce(qdir, QuarantinePolicy(max_bytes=1 << 30, keep_days=90), T0)
    assert reduced == [(old.name, 10)] and quarantine.kept_package(new) is not None
    assert quarantine.report(old)["reduced"]["why"] == "older than the retention"


@pytest.mark.parametrize(
    "name", ["..", "../x", "20260501T080000-abcdef12-../../etc", "x", "20260501T080000-zz-a.zip"]
)
def test_only_safe_names_of_existing_folders_are_taken(tmp_path: Path, name: str) -> None:
    (tmp_path / "q").mkdir()
    with pytest.raises(QuarantineError):
        quarantine.folder(tmp_path / "q", name)


def test_delete_removes_the_whole_folder(tmp_path: Path) -> None:
    qdir = tmp_path / "q"
    path = _refuse(qdir, tmp_path, "p.zip", 10, T0)
    assert quarantine.folder(qdir, path.name) == path
    quarantine.delete(path)
    assert not path.exists()

"""``earchive audit`` and ``earchive restore`` through the real command line, fs primary + fs
replica: damage in the primary is reported with the exact file and digests, restored from the
replica with a logged event, and a second audit is clean."""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine

from preservation.events import EventLog
from preservation.ocfl_root import OcflRoot
from preservation.storage import FsStore
from tests.earchive.conftest import Cli


def _ingest(cli: Cli, packages: list[Path]) -> list[dict[str, object]]:
    results = cli.json_lines("ingest", *map(str, packages))
    assert {r["status"] for r in results} == {"accepted"}
    return results


def _object_dir(home: Path, location: str, archive_id: str) -> Path:
    fonds, erc = archive_id.split("-", 1)
    store_dir = home / ("storage" if location == "primary" else "replica")
    return store_dir / OcflRoot(FsStore(store_dir)).object_root(f"urn:earchive:{fonds}:{erc}")


def _content(obj: Path, suffix: str) -> Path:
    return next(p for p in sorted((obj / "v1" / "content").rglob("*")) if p.name.endswith(suffix))


def _actions(home: Path) -> list[tuple[str, str, str]]:
    log = EventLog(create_engine(f"sqlite:///{home / 'catalog.db'}"))
    return [(e.action, e.object, e.outcome) for e in log.iter_events()]


def test_audit_restore_and_repair_from_an_fs_replica(
    cli: Cli, zips: Callable[[], list[Path]]
) -> None:
    cli.env["EARCHIVE_REPLICA"] = "fs:replica"
    results = _ingest(cli, zips()[:3])
    ids = [str(r["id"]) for r in results]

    for location in ("primary", "replica"):
        clean = cli.json_lines("audit", "--location", location)
        assert sorted(r["id"] for r in clean) == sorted(ids)
        assert {(r["code"], r["status"]) for r in clean} == {("FIXITY_OK", "PASS")}

    # a deleted content file: reported with the archive id and the file, then restored
    victim = ids[0]
    obj = _object_dir(cli.home, "primary", victim)
    gone = _content(obj, ".pdf")
    rel = gone.relative_to(obj).as_posix()
    gone.unlink()
    proc = cli.run("audit", "--json", check=False)
    assert proc.returncode == 1
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    fails = [r for r in rows if r["status"] == "FAIL"]
    assert [(r["id"], r["code"], r["path"]) for r in fails] == [(victim, "FIXITY_MISSING", rel)]
    assert fails[0]["object_id"].startswith("urn:earchive:") and fails[0]["expected"]

    restored = cli.json_lines("restore", victim)
    assert [(r["code"], r["path"]) for r in restored] == [("FIXITY_RESTORED", rel)]
    assert gone.is_file()
    assert ("restore", victim, "PASS") in _actions(cli.home)
    assert {r["code"] for r in cli.json_lines("audit")} == {"FIXITY_OK"}

    # a flipped byte and a whole deleted object: `audit --repair` restores both, logged
    flipped = _content(_object_dir(cli.home, "primary", ids[1]), ".xml")
    os.chmod(flipped, stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(flipped.read_bytes())
    data[10] ^= 0x20
    flipped.write_bytes(bytes(data))
    os.chmod(flipped, 0o444)
    shutil.rmtree(_object_dir(cli.home, "primary", ids[2]))
    proc = cli.run("audit", "--repair", "--json", check=False)
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    codes = {(r["id"], r["code"]) for r in rows}
    assert (ids[1], "FIXITY_MISMATCH") in codes and (ids[2], "FIXITY_MISSING") in codes
    assert (ids[1], "FIXITY_RESTORED") in codes and (ids[2], "FIXITY_RESTORED") in codes
    mismatch = [r for r in rows if r["code"] == "FIXITY_MISMATCH"]
    assert {r["detail"]["algorithm"] for r in mismatch} == {"SHA-256", "SM3"}
    assert all(r["expected"] != r["found"] for r in mismatch)
    actions = _actions(cli.home)
    assert ("restore", ids[1], "PASS") in actions and ("restore", ids[2], "PASS") in actions
    assert {r["code"] for r in cli.json_lines("audit")} == {"FIXITY_OK"}

    # bounded runs: --limit audits that many, oldest first; the replica is audited on its own
    assert len(cli.json_lines("audit", "--limit", "1")) == 1
    assert cli.run("audit", "--location", "nowhere", check=False).returncode == 2

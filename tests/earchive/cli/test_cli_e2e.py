"""End to end through the real ``earchive`` command line on the embedded default:
generated cases in, signed OCFL archives out, searchable, exportable, verifiable offline."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import bagit
import pytest
from ocfl.storage_root import StorageRoot

from tests.earchive.conftest import Cli

ARCHIVAL_CODE = re.compile(r"^[A-Z0-9]{4}-WS·\d{4}-(Y|D30|D10)-[A-Z0-9]{2,8}-\d{4}$")


def _ocfl_valid(storage: Path) -> tuple[int, int, list[object]]:
    root = StorageRoot(str(storage))
    assert root.validate(check_digests=True, log_warnings=False)
    return root.num_objects, root.good_objects, root.errors


def _ingest(cli: Cli, *paths: Path, check: bool = True) -> list[dict[str, object]]:
    return cli.json_lines("ingest", *map(str, paths), check=check)


def test_ingest_search_reingest_and_ocfl_validity(cli: Cli, zips: Callable[[], list[Path]]) -> None:
    packages = zips()
    results = _ingest(cli, *packages)
    assert [r["status"] for r in results] == ["accepted"] * len(packages)
    codes = [str(r["archival_code"]) for r in results]
    assert all(ARCHIVAL_CODE.match(c) for c in codes), codes
    assert len(set(codes)) == len(codes)

    # every class numbers its items 1..n without gaps
    per_class: dict[str, list[int]] = defaultdict(list)
    for c in codes:
        head, item = c.rsplit("-", 1)
        per_class[head].append(int(item))
    for items in per_class.values():
        assert sorted(items) == list(range(1, len(items) + 1))

    first = results[0]
    by_erc = cli.json_lines("search", str(first["electronic_record_code"]))
    assert by_erc and by_erc[0]["id"] == first["id"]
    by_code = cli.json_lines("search", str(first["archival_code"]))
    assert by_code and by_code[0]["id"] == first["id"]

    # a Chinese word that only the PDFs' text carries (the generator's body text)
    show = cli.json_lines("show", str(first["id"]))[0]
    assert show["archival_code"] == first["archival_code"]

    # re-ingesting everything adds nothing
    again = _ingest(cli, *packages)
    assert {r["status"] for r in again} == {"duplicate"}
    assert [r["id"] for r in again] == [r["id"] for r in results]

    objects, good, errors = _ocfl_valid(cli.home / "storage")
    assert (objects, good) == (len(packages), len(packages)), errors


def test_refusal_is_kept_with_every_reason(
    cli: Cli, zips: Callable[[], list[Path]], tmp_path: Path
) -> None:
    src = zips()[0]
    bad = tmp_path / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bad, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename[:2] in ("A/", "B/") and not info.is_dir() and data.startswith(b"%PDF"):
                data = data[:-200] + bytes(200)  # tampered bytes: size kept, digests differ
            zout.writestr(info, data)
        zout.writestr("extra.txt", b"not allowed at the top level")
    proc = cli.run("ingest", str(bad), "--json", check=False)
    assert proc.returncode == 1
    import json

    result = json.loads(proc.stdout.splitlines()[0])
    assert result["status"] == "refused"
    codes = {f["code"] for f in result["findings"]}
    assert "FILE_SM3_MISMATCH" in codes
    assert "PKG_UNKNOWN_TOP_LEVEL" in codes
    quarantine = Path(str(result["quarantine"]))
    assert (quarantine / "report.json").is_file()
    assert (quarantine / bad.name).read_bytes() == bad.read_bytes()
    assert "archival_code" not in result
    # nothing of it entered the archive
    assert cli.json_lines("search", str(result["electronic_record_code"])) == []


def test_new_version_keeps_version_one(
    cli: Cli, zips: Callable[[], list[Path]], tmp_path: Path
) -> None:
    src = zips()[1]
    first = _ingest(cli, src)[0]
    changed = tmp_path / src.name
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(changed, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "case.xml":
                data = data.replace(
                    b"<project_name>",
                    b"<project_name>\xe3\x80\x90\xe6\x9b\xb4\xe6\xad\xa3\xe3\x80\x91",
                    1,
                )
            zout.writestr(info, data)
    second = _ingest(cli, changed)[0]
    assert second["status"] == "new_version"
    assert second["version"] == 2
    assert second["id"] == first["id"]
    assert second["archival_code"] == first["archival_code"]
    show = cli.json_lines("show", str(first["id"]))[0]
    assert [v["version"] for v in show["versions"]] == [1, 2]  # type: ignore[union-attr]
    objects, good, errors = _ocfl_valid(cli.home / "storage")
    assert (objects, good) == (1, 1), errors
    # version 1's case.xml is still there, byte for byte
    with zipfile.ZipFile(src) as zin:
        original = zin.read("case.xml")
    inv_dirs = list((cli.home / "storage").rglob("v1/content/original/case.xml"))
    assert inv_dirs and inv_dirs[0].read_bytes() == original


def test_export_validates_with_loc_bagit_and_verify_finds_flipped_byte(
    cli: Cli, zips: Callable[[], list[Path]], tmp_path: Path
) -> None:
    result = _ingest(cli, zips()[2])[0]
    bag_dir = tmp_path / "bag"
    cli.run("export", str(result["id"]), str(bag_dir), "--as", "bagit")
    bagit.Bag(str(bag_dir)).validate()  # the Library of Congress tool, for real
    ok = cli.run("verify", str(bag_dir))
    assert "FAIL" not in ok.stdout

    target = next(
        p
        for p in sorted((bag_dir / "data" / "original").rglob("*"))
        if p.is_file() and p.suffix == ".pdf"
    )
    raw = bytearray(target.read_bytes())
    raw[len(raw) // 2] ^= 0x01
    target.write_bytes(bytes(raw))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag_dir)).validate()
    findings = cli.json_lines("verify", str(bag_dir), check=False)
    rel = target.relative_to(bag_dir).as_posix()
    failed = [f for f in findings if f["status"] == "FAIL"]
    assert failed and all(str(f.get("path", "")).endswith(rel.split("data/", 1)[1]) for f in failed)
    assert any(f.get("expected") and f.get("found") and f["expected"] != f["found"] for f in failed)


@pytest.mark.parametrize("point", ["allocated", "built", "stored", "cataloged"])
def test_crash_mid_ingest_resumes_without_duplicates_or_gaps(
    cli: Cli, zips: Callable[[], list[Path]], point: str
) -> None:
    packages = zips()[:4]
    _ingest(cli, packages[0])
    crashed = cli.run(
        "ingest", str(packages[1]), "--json", check=False, extra_env={"EARCHIVE_CRASH_AT": point}
    )
    assert crashed.returncode == 137, crashed.stderr
    results = _ingest(cli, *packages)
    statuses = [str(r["status"]) for r in results]
    assert set(statuses) <= {"accepted", "duplicate"}, statuses
    accepted = [r["id"] for r in results if r["status"] == "accepted"]
    assert len(accepted) == len(set(accepted))  # nothing accepted twice
    shown = {str(r["id"]) for r in results}
    assert len(shown) == 4
    codes = {str(cli.json_lines("show", i)[0]["archival_code"]) for i in shown}
    assert len(codes) == 4
    per_class: dict[str, list[int]] = defaultdict(list)
    for c in codes:
        head, item = c.rsplit("-", 1)
        per_class[head].append(int(item))
    for items in per_class.values():
        assert sorted(items) == list(range(1, len(items) + 1))
    # the interrupted archive is findable (indexing is retried after a crash, too)
    for r in results:
        hits = cli.json_lines("search", str(r["electronic_record_code"]))
        assert [h["id"] for h in hits][:1] == [r["id"]]
    objects, good, errors = _ocfl_valid(cli.home / "storage")
    assert (objects, good) == (4, 4), errors
    assert not list((cli.home / "work").iterdir())


def test_usage_errors_exit_2(cli: Cli) -> None:
    assert cli.run("ingest", "/nonexistent/nowhere.zip", check=False).returncode == 2
    assert cli.run("frobnicate", check=False).returncode == 2


def test_loc_bagit_cli_validates_export(
    cli: Cli, zips: Callable[[], list[Path]], tmp_path: Path
) -> None:
    result = _ingest(cli, zips()[3])[0]
    bag_dir = tmp_path / "bag2"
    cli.run("export", str(result["id"]), str(bag_dir))
    exe = shutil.which("bagit.py") or str(Path(__import__("sys").executable).parent / "bagit.py")
    proc = subprocess.run(
        [exe, "--validate", str(bag_dir)], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr

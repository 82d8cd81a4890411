"""BagIt export: judged by the Library of Congress bagit-python, API and command line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import BinaryIO

import bagit
import pytest

from package import BuiltVersion, ExportError, UnsafePathError, digest_file, export_bag
from package.bagit import decode_bag_path, encode_bag_path

INFO = {
    "Source-Organization": "上海市黄浦区行政服务中心",
    "External-Identifier": "Z109-310101-Z109-0100190012-2024-D30-000021",
    "Internal-Sender-Description": "earchive AIP v1",
}
DAY = date(2024, 6, 1)


def opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: open(path, "rb")


def version_files(root: Path) -> list[tuple[str, Callable[[], BinaryIO]]]:
    paths = sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())
    return [(p, opener(root / p)) for p in paths]


@pytest.fixture
def bag(tmp_path: Path, built: BuiltVersion) -> Path:
    return export_bag(tmp_path / "bag", version_files(built.root), INFO, bagging_date=DAY)


def flip(path: Path, offset: int = 2) -> None:
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))


def test_layout(bag: Path, built: BuiltVersion) -> None:
    top = sorted(p.name for p in bag.iterdir())
    assert top == [
        "bag-info.txt",
        "bagit.txt",
        "data",
        "manifest-sha256.txt",
        "manifest-sm3.txt",
        "tagmanifest-sha256.txt",
        "tagmanifest-sm3.txt",
    ]
    assert (bag / "bagit.txt").read_bytes() == (
        b"BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
    )
    info = (bag / "bag-info.txt").read_text("utf-8")
    total = sum(d.size for d in built.files.values())
    assert f"Payload-Oxum: {total}.{len(built.files)}\n" in info
    assert "Bagging-Date: 2024-06-01\n" in info
    assert f"External-Identifier: {INFO['External-Identifier']}\n" in info
    sm3_lines = (bag / "manifest-sm3.txt").read_text("utf-8").splitlines()
    d = built.files["original/A/申请表.pdf"]
    assert f"{d.sm3}  data/original/A/申请表.pdf" in sm3_lines
    for path, digests in built.files.items():
        assert digest_file(bag / "data" / path) == digests
    tags = (bag / "tagmanifest-sha256.txt").read_text("utf-8")
    assert "manifest-sm3.txt" in tags and "bag-info.txt" in tags


def test_loc_bagit_validates(bag: Path) -> None:
    loaded = bagit.Bag(str(bag))
    loaded.validate()
    assert loaded.algorithms == ["sha256"]  # bagit-python skips sm3 (not algorithms_guaranteed)
    assert loaded.info["External-Identifier"] == INFO["External-Identifier"]


def test_loc_bagit_cli_validates(bag: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bagit", "--validate", str(bag)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_loc_bagit_detects_flipped_byte(bag: Path) -> None:
    flip(bag / "data/original/A/申请表.pdf")
    with pytest.raises(bagit.BagValidationError) as info:
        bagit.Bag(str(bag)).validate()
    mismatches = [e for e in info.value.details if isinstance(e, bagit.ChecksumMismatch)]
    assert [(e.path, e.algorithm) for e in mismatches] == [("data/original/A/申请表.pdf", "sha256")]
    result = subprocess.run(
        [sys.executable, "-m", "bagit", "--validate", str(bag)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0


def test_loc_bagit_detects_changed_sm3_manifest(bag: Path) -> None:
    manifest = bag / "manifest-sm3.txt"
    manifest.write_bytes(manifest.read_bytes().replace(b"a", b"b", 1))
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag)).validate()


def test_refuses_non_empty_destination(tmp_path: Path, built: BuiltVersion) -> None:
    dest = tmp_path / "bag"
    dest.mkdir()
    (dest / "keep.txt").write_text("mine")
    with pytest.raises(ExportError):
        export_bag(dest, version_files(built.root), INFO, bagging_date=DAY)
    assert (dest / "keep.txt").read_text() == "mine"


def test_empty_destination_directory_is_used(tmp_path: Path, built: BuiltVersion) -> None:
    dest = tmp_path / "bag"
    dest.mkdir()
    export_bag(dest, version_files(built.root), INFO, bagging_date=DAY)
    bagit.Bag(str(dest)).validate()


def test_failure_leaves_nothing(tmp_path: Path, built: BuiltVersion) -> None:
    def broken() -> BinaryIO:
        raise OSError("storage went away")

    files = [*version_files(built.root), ("zzz/late.pdf", broken)]
    with pytest.raises(ExportError):
        export_bag(tmp_path / "bag", files, INFO, bagging_date=DAY)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aip", "source"]


@pytest.mark.parametrize("label", ["Payload-Oxum", "Bagging-Date", "Bad:Label", ""])
def test_reserved_or_bad_labels_refused(tmp_path: Path, built: BuiltVersion, label: str) -> None:
    with pytest.raises(ExportError):
        export_bag(tmp_path / "bag", version_files(built.root), {label: "x"}, bagging_date=DAY)


def test_unsafe_logical_path_refused(tmp_path: Path) -> None:
    with pytest.raises(ExportError) as info:
        export_bag(tmp_path / "bag", [("../evil", opener(Path(__file__)))], INFO, bagging_date=DAY)
    assert isinstance(info.value.__cause__, UnsafePathError)
    assert not (tmp_path / "evil").exists()


def test_path_encoding_round_trip() -> None:
    assert encode_bag_path("data/100%.pdf") == "data/100%25.pdf"
    assert decode_bag_path("data/100%25.pdf") == "data/100%.pdf"

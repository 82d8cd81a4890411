"""Extra tag files in a BagIt export (e.g. signed objection annotations): listed in the tag
manifests, outside the payload; LoC ``bagit`` and our offline verifier accept the bag."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import bagit
import pytest

from package.bagit import export_bag
from package.errors import ExportError
from package.verify import verify_package
from standards.finding import Status

FILES = [("original/a.txt", lambda: io.BytesIO(b"alpha"))]


def test_extra_tag_files_are_covered_and_outside_the_payload(tmp_path: Path) -> None:
    tags = {"objections/OBJ-1/entry.json": b'{"annotation": {}}\n'}
    bag = export_bag(tmp_path / "bag", FILES, {"Objections-Open": "1"},
                     bagging_date=date(2026, 11, 23), tag_files=tags)  # fmt: skip
    assert (bag / "objections/OBJ-1/entry.json").read_bytes() == tags["objections/OBJ-1/entry.json"]
    for algorithm in ("sha256", "sm3"):
        assert "objections/OBJ-1/entry.json" in (bag / f"tagmanifest-{algorithm}.txt").read_text()
        assert "objections" not in (bag / f"manifest-{algorithm}.txt").read_text()
    bagit.Bag(str(bag)).validate()
    (bag / "objections/OBJ-1/entry.json").write_bytes(b"{}\n")  # changed after export
    with pytest.raises(bagit.BagValidationError):
        bagit.Bag(str(bag)).validate()
    bag_level = {
        (f.code, f.path)
        for f in verify_package(bag)
        if f.status is Status.FAIL and f.code.startswith("BAG_")
    }  # (the AIP-level findings are about the toy payload, which has no manifest)
    assert bag_level == {("BAG_DIGEST_MISMATCH", "objections/OBJ-1/entry.json")}


@pytest.mark.parametrize("name", ["data/x.json", "entry.json", "../x/y.json"])
def test_tag_files_must_sit_in_their_own_directory(tmp_path: Path, name: str) -> None:
    with pytest.raises(ExportError):
        export_bag(tmp_path / "bag", FILES, {}, bagging_date=date(2026, 11, 23),
                   tag_files={name: b"x"})  # fmt: skip
    assert not (tmp_path / "bag").exists()

"""OCFL 1.1 inventories: built by package.ocfl, written to disk here, judged by ocfl-py."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path

import ocfl
import pytest
from ocfl.validator import Validator

from package import ArchivalInfo, Signer, build_version
from package.errors import InventoryError, UnsafePathError
from package.ocfl import (
    INVENTORY_NAME,
    SIDECAR_NAME,
    content_path,
    inventory_bytes,
    new_inventory,
    next_inventory,
    object_declaration,
    storage_root_declaration,
    stored_paths,
    version_state,
)
from standards.case import CaseRecord

CST = timezone(timedelta(hours=8))
T1 = datetime(2024, 5, 10, 9, 30, tzinfo=CST)
USER = ("earchive", "urn:earchive:agent:ingest")
OBJECT_ID = "urn:earchive:Z109:310101-Z109-0100190012-2024-D30-000021"


def write_inventory(directory: Path, inventory: Mapping[str, object]) -> None:
    data, sidecar = inventory_bytes(inventory)
    (directory / INVENTORY_NAME).write_bytes(data)
    (directory / SIDECAR_NAME).write_text(sidecar, encoding="utf-8")


def store_version(
    obj: Path, version_root: Path, inventory: Mapping[str, object], version: str
) -> None:
    """What preservation does: content first, then vN/inventory.json, then the root inventory."""
    for logical, target in stored_paths(inventory, version).items():
        (obj / target).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(version_root / logical, obj / target)
    write_inventory(obj / version, inventory)
    write_inventory(obj, inventory)


def make_storage_root(tmp_path: Path) -> tuple[Path, Path]:
    root = tmp_path / "ocfl-root"
    root.mkdir()
    name, content = storage_root_declaration()
    (root / name).write_bytes(content)
    obj = root / "objects" / "z109-000021"
    obj.mkdir(parents=True)
    name, content = object_declaration()
    (obj / name).write_bytes(content)
    return root, obj


def sha256_state(files: Mapping[str, object]) -> dict[str, str]:
    return {path: d.sha256 for path, d in files.items()}  # type: ignore[attr-defined]


def validate_object(obj: Path) -> tuple[bool, Validator]:
    validator = Validator(check_digests=True, log_warnings=True)
    return validator.validate_object(str(obj)), validator


def validate_root(root: Path) -> ocfl.StorageRoot:
    store = ocfl.StorageRoot(root=str(root))
    assert store.validate(validate_objects=True, check_digests=True, log_warnings=True)
    return store


@pytest.fixture
def two_versions(
    tmp_path: Path,
    source: Path,
    case: CaseRecord,
    sm2_signer: Signer,
    make_info_fn: Callable[..., ArchivalInfo],
) -> tuple[Path, Path, dict[str, object]]:
    root, obj = make_storage_root(tmp_path)
    v1 = build_version(tmp_path / "work1", source, case, make_info_fn(1), sm2_signer, ())
    inv1 = new_inventory(OBJECT_ID, sha256_state(v1.files), T1, "ingest", *USER)
    store_version(obj, v1.root, inv1, "v1")
    # version 2: the decision PDF is replaced, everything else in original/ unchanged
    (source / "C/准予许可决定书.pdf").write_bytes(b"%PDF-1.7\n% corrected decision\n%%EOF\n")
    v2 = build_version(
        tmp_path / "work2", source, case, make_info_fn(2, v1.manifest_sha256), sm2_signer, ()
    )
    inv2, to_store = next_inventory(
        inv1, sha256_state(v2.files), T1 + timedelta(days=1), "corrected decision", *USER
    )
    store_version(obj, v2.root, inv2, "v2")
    assert "original/A/申请表.pdf" not in to_store  # unchanged: deduplicated
    assert "original/C/准予许可决定书.pdf" in to_store
    assert "metadata/manifest.txt" in to_store
    return root, obj, inv2


def test_inventory_shape() -> None:
    state = {"original/a.pdf": "a" * 64, "original/copy.pdf": "a" * 64, "b.txt": "b" * 64}
    inv = new_inventory(OBJECT_ID, state, T1, "ingest", *USER)
    assert inv["type"] == "https://ocfl.io/1.1/spec/#inventory"
    assert inv["digestAlgorithm"] == "sha256" and inv["head"] == "v1"
    assert "contentDirectory" not in inv
    assert inv["manifest"] == {
        "a" * 64: ["v1/content/original/a.pdf"],
        "b" * 64: ["v1/content/b.txt"],
    }
    assert version_state(inv, "v1") == dict(sorted(state.items()))
    assert stored_paths(inv, "v1") == {
        "b.txt": "v1/content/b.txt",
        "original/a.pdf": "v1/content/original/a.pdf",
    }
    assert content_path("v3", "x/y.pdf") == "v3/content/x/y.pdf"


def test_next_inventory_does_not_modify_previous() -> None:
    inv1 = new_inventory(OBJECT_ID, {"a": "a" * 64}, T1, "one", *USER)
    snapshot = inventory_bytes(inv1)
    inv2, to_store = next_inventory(inv1, {"a": "a" * 64, "b": "b" * 64}, T1, "two", *USER)
    assert inventory_bytes(inv1) == snapshot
    assert inv2["head"] == "v2" and to_store == {"b": "v2/content/b"}


def test_sidecar_names_inventory_digest() -> None:
    import hashlib

    data, sidecar = inventory_bytes(new_inventory(OBJECT_ID, {"a": "a" * 64}, T1, "m", *USER))
    assert sidecar == f"{hashlib.sha256(data).hexdigest()}  inventory.json\n"


@pytest.mark.parametrize(
    "state",
    [{}, {"a": "A" * 64}, {"a": "xyz"}, {"../a": "a" * 64}, {"a": "a" * 64, "a/b": "b" * 64}],
)
def test_bad_states_refused(state: dict[str, str]) -> None:
    with pytest.raises((InventoryError, UnsafePathError)):
        new_inventory(OBJECT_ID, state, T1, "m", *USER)


def test_naive_time_and_bad_previous_refused() -> None:
    with pytest.raises(InventoryError):
        new_inventory(OBJECT_ID, {"a": "a" * 64}, datetime(2024, 1, 1), "m", *USER)
    with pytest.raises(InventoryError):
        next_inventory({"type": "x"}, {"a": "a" * 64}, T1, "m", *USER)


def test_ocfl_py_validates_object_and_root(
    two_versions: tuple[Path, Path, dict[str, object]],
) -> None:
    root, obj, inv2 = two_versions
    valid, validator = validate_object(obj)
    assert valid, validator.status_str()
    assert set(validator.log.codes) <= {"W004"}  # sha256 rather than sha512: accepted (ADR 1)
    store = validate_root(root)
    assert (store.num_objects, store.good_objects) == (1, 1)
    assert (
        version_state(inv2, "v1")["original/A/申请表.pdf"]
        == version_state(inv2, "v2")["original/A/申请表.pdf"]
    )
    assert not (obj / "v2/content/original/A").exists()


def test_flipped_content_byte_is_invalid(
    two_versions: tuple[Path, Path, dict[str, object]],
) -> None:
    root, obj, _ = two_versions
    target = obj / "v1/content/original/A/申请表.pdf"
    data = bytearray(target.read_bytes())
    data[0] ^= 0x01
    target.write_bytes(bytes(data))
    valid, validator = validate_object(obj)
    assert not valid
    assert any(code.startswith("E092") for code in validator.log.codes)  # digest mismatch
    store = ocfl.StorageRoot(root=str(root))
    store.validate(validate_objects=True, check_digests=True)
    assert (store.num_objects, store.good_objects) == (1, 0)

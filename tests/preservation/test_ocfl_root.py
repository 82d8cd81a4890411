"""OcflRoot over FsStore, judged by ocfl-py's validator (storage root and objects, digests on)."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

import ocfl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ocfl.layout_0003_hash_and_id_n_tuple import Layout_0003_Hash_And_Id_N_Tuple
from ocfl.validator import Validator

from preservation import (
    FsStore,
    InventoryError,
    OcflError,
    OcflNotFoundError,
    OcflRoot,
    StorageError,
    VersionConflictError,
    inventory_sidecar,
)
from preservation.storage import Source

OID = "urn:earchive:Z109:350100-0059-0100190012-2018-D30-000021"


def _validate_root(path: Path) -> tuple[bool, str]:
    root = ocfl.StorageRoot(root=str(path))
    valid = root.validate(check_digests=True, log_warnings=True, log_errors=True)
    valid = valid and root.num_objects == root.good_objects
    messages = "\n".join(m for _, m in root.errors)
    return bool(valid), messages


def _object_codes(path: Path) -> set[str]:
    validator = Validator(check_digests=True, log_warnings=False)
    validator.validate_object(str(path))
    return set(validator.log.codes)


# -- hand-built inventories (forward-delta: unchanged content is stored once) --------------------


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build_inventory(
    object_id: str, versions: list[Mapping[str, bytes]]
) -> tuple[bytes, dict[str, str]]:
    """Inventory bytes for the last version, and its to_store (logical → content path)."""
    manifest: dict[str, list[str]] = {}
    inv_versions: dict[str, Any] = {}
    to_store: dict[str, str] = {}
    for n, files in enumerate(versions, start=1):
        state: dict[str, list[str]] = {}
        to_store = {}
        for logical, data in sorted(files.items()):
            digest = _sha(data)
            state.setdefault(digest, []).append(logical)
            if digest not in manifest:
                manifest[digest] = [f"v{n}/content/{logical}"]
                to_store[logical] = f"v{n}/content/{logical}"
        inv_versions[f"v{n}"] = {
            "created": f"2024-05-0{n}T10:00:00+08:00",
            "message": f"version {n}",
            "user": {"name": "earchive", "address": "urn:earchive:system"},
            "state": state,
        }
    inventory = {
        "id": object_id,
        "type": "https://ocfl.io/1.1/spec/#inventory",
        "digestAlgorithm": "sha256",
        "head": f"v{len(versions)}",
        "manifest": manifest,
        "versions": inv_versions,
    }
    data = json.dumps(inventory, ensure_ascii=False, indent=2, sort_keys=True).encode()
    return data, to_store


def stage(tmp: Path, files: Mapping[str, bytes]) -> Path:
    for logical, data in files.items():
        path = tmp / logical
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return tmp


V1 = {
    "original/case.xml": "<case>营业执照</case>".encode(),
    "original/A/营业执照申请表.pdf": b"%PDF-1.7 application",
    "original/C/营业执照.pdf": b"%PDF-1.7 licence",
    "metadata/manifest.txt": b"m1",
}
V2 = {
    **V1,
    "original/case.xml": "<case>营业执照 v2</case>".encode(),
    "metadata/manifest.txt": b"m2",
    "original/B/补正材料.pdf": b"%PDF-1.7 supplement",
    "original/A/copy.pdf": b"%PDF-1.7 licence",  # same bytes as C/营业执照.pdf: stored once
}


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "ocfl"


@pytest.fixture
def root(store_path: Path) -> OcflRoot:
    ocfl_root = OcflRoot(FsStore(store_path))
    ocfl_root.initialize()
    return ocfl_root


def write(root: OcflRoot, tmp: Path, versions: list[Mapping[str, bytes]], oid: str = OID) -> None:
    data, to_store = build_inventory(oid, versions)
    staged = stage(tmp / f"stage-{len(versions)}", versions[-1])
    root.write_version(oid, staged, data, f"v{len(versions)}", to_store)


# -- layout --------------------------------------------------------------------------------------


def test_object_root_follows_extension_0003_examples(root: OcflRoot) -> None:
    # The examples published with the extension (default parameters), and ocfl-py's own handler.
    assert root.object_root("object-01") == "3c0/ff4/240/object-01"
    assert root.object_root("..hor/rib:le-$id") == "487/326/d8c/%2e%2ehor%2frib%3ale-%24id"
    long_id = "abcdefghij" * 12
    assert root.object_root(long_id).endswith("-" + hashlib.sha256(long_id.encode()).hexdigest())
    for oid in (OID, "..hor/rib:le-$id", long_id, "urn:earchive:S001:档案-1"):
        assert root.object_root(oid) == Layout_0003_Hash_And_Id_N_Tuple().identifier_to_path(oid)


@settings(max_examples=300, deadline=None)
@given(st.text(min_size=1, max_size=120))
def test_object_root_agrees_with_ocfl_py_for_any_id(oid: str) -> None:
    # object_root touches no storage: the store's folder need not exist.
    root = OcflRoot(FsStore(Path("never-created")))
    assert root.object_root(oid) == Layout_0003_Hash_And_Id_N_Tuple().identifier_to_path(oid)


def test_initialize_is_idempotent_and_writes_the_layout(root: OcflRoot, store_path: Path) -> None:
    root.initialize()
    assert (store_path / "0=ocfl_1.1").read_bytes() == b"ocfl_1.1\n"
    layout = json.loads((store_path / "ocfl_layout.json").read_text())
    assert layout["extension"] == "0003-hash-and-id-n-tuple-storage-layout"
    config = json.loads(
        (store_path / "extensions/0003-hash-and-id-n-tuple-storage-layout/config.json").read_text()
    )
    assert config == {
        "extensionName": "0003-hash-and-id-n-tuple-storage-layout",
        "digestAlgorithm": "sha256",
        "tupleSize": 3,
        "numberOfTuples": 3,
    }
    assert _validate_root(store_path) == (True, "")


# -- versions ------------------------------------------------------------------------------------


def test_two_versions_are_valid_ocfl(root: OcflRoot, store_path: Path, tmp_path: Path) -> None:
    write(root, tmp_path, [V1])
    write(root, tmp_path, [V1, V2])
    write(root, tmp_path, [V1], oid="urn:earchive:Z109:second")
    valid, messages = _validate_root(store_path)
    assert valid, messages
    assert sorted(root.object_ids()) == sorted([OID, "urn:earchive:Z109:second"])
    inv = root.read_inventory(OID)
    assert inv is not None and inv["head"] == "v2"
    obj = store_path / root.object_root(OID)
    # forward delta: unchanged and duplicate content is stored once, in v1
    assert not (obj / "v2/content/original/C").exists()
    assert not (obj / "v2/content/original/A/copy.pdf").exists()
    assert (obj / "v2/content/original/B/补正材料.pdf").is_file()
    with root.open_file(OID, "original/A/copy.pdf") as fp:
        assert fp.read() == b"%PDF-1.7 licence"
    with root.open_file(OID, "original/case.xml", version="v1") as fp:
        assert fp.read() == V1["original/case.xml"]
    state = root.version_state(OID)
    assert state["original/B/补正材料.pdf"] == _sha(b"%PDF-1.7 supplement")
    assert set(root.version_state(OID, "v1")) == set(V1)
    with pytest.raises(OcflNotFoundError):
        root.open_file(OID, "original/B/补正材料.pdf", version="v1")
    with pytest.raises(OcflNotFoundError):
        root.version_state(OID, "v9")
    with pytest.raises(OcflNotFoundError):
        root.open_file("urn:earchive:none", "x")
    assert root.read_inventory("urn:earchive:none") is None


def test_flipped_byte_is_invalid(root: OcflRoot, store_path: Path, tmp_path: Path) -> None:
    write(root, tmp_path, [V1])
    target = store_path / root.object_root(OID) / "v1/content/original/A/营业执照申请表.pdf"
    os.chmod(target, stat.S_IRUSR | stat.S_IWUSR)
    data = bytearray(target.read_bytes())
    data[3] ^= 0x01
    target.write_bytes(bytes(data))
    valid, messages = _validate_root(store_path)
    assert not valid
    assert "E092a" in _object_codes(store_path / root.object_root(OID)), messages


def test_rewriting_a_complete_version_is_a_no_op(root: OcflRoot, tmp_path: Path) -> None:
    write(root, tmp_path, [V1])
    write(root, tmp_path, [V1])
    assert root.read_inventory(OID) is not None


def test_version_sequence_is_enforced(root: OcflRoot, tmp_path: Path) -> None:
    data, to_store = build_inventory(OID, [V1, V2])
    with pytest.raises(VersionConflictError):
        root.write_version(OID, stage(tmp_path / "s", V2), data, "v2", to_store)
    write(root, tmp_path, [V1])
    changed = {**V1, "metadata/manifest.txt": b"other"}
    data, to_store = build_inventory(OID, [changed])
    with pytest.raises(VersionConflictError):
        root.write_version(OID, stage(tmp_path / "c", changed), data, "v1", to_store)


def test_inventory_must_match_arguments_and_staged_files(root: OcflRoot, tmp_path: Path) -> None:
    data, to_store = build_inventory(OID, [V1])
    staged = stage(tmp_path / "s", V1)
    with pytest.raises(InventoryError):
        root.write_version("urn:other", staged, data, "v1", to_store)
    with pytest.raises(InventoryError):
        root.write_version(OID, staged, data, "v2", to_store)
    partial = dict(list(to_store.items())[1:])
    with pytest.raises(InventoryError):
        root.write_version(OID, staged, data, "v1", partial)
    (staged / "original/case.xml").write_bytes(b"tampered")
    with pytest.raises(InventoryError):
        root.write_version(OID, staged, data, "v1", to_store)
    assert list(root.store.list(root.object_root(OID))) == []  # nothing written


def test_uninitialized_root_is_refused(store_path: Path, tmp_path: Path) -> None:
    data, to_store = build_inventory(OID, [V1])
    with pytest.raises(OcflError):
        OcflRoot(FsStore(store_path)).write_version(OID, stage(tmp_path, V1), data, "v1", to_store)


def test_different_root_layout_is_refused(store_path: Path) -> None:
    store = FsStore(store_path)
    store.put("ocfl_layout.json", b'{"extension": "0002-flat-direct-storage-layout"}')
    with pytest.raises(OcflError):
        OcflRoot(store).initialize()


# -- crashes -------------------------------------------------------------------------------------


class CrashingStore:
    """Delegates to a real store and raises on the first call of ``method``."""

    def __init__(self, inner: FsStore, method: str, after: int = 0) -> None:
        self.inner, self.method, self.after = inner, method, after

    def _maybe_crash(self, method: str) -> None:
        if method == self.method:
            if self.after == 0:
                raise StorageError("simulated crash")
            self.after -= 1

    def put(self, key: str, source: Source) -> None:
        self._maybe_crash("put")
        self.inner.put(key, source)

    def replace(self, key: str, data: bytes) -> None:
        self._maybe_crash("replace")
        self.inner.replace(key, data)

    def open(self, key: str) -> BinaryIO:
        return self.inner.open(key)

    def exists(self, key: str) -> bool:
        return self.inner.exists(key)

    def size(self, key: str) -> int:
        return self.inner.size(key)

    def list(self, prefix: str = "") -> Iterator[str]:
        return self.inner.list(prefix)


@pytest.mark.parametrize("after_puts", [1, 3, 6])
def test_crash_before_root_inventory_leaves_object_invisible(
    root: OcflRoot, store_path: Path, tmp_path: Path, after_puts: int
) -> None:
    fs = FsStore(store_path)
    crashing = OcflRoot(CrashingStore(fs, "put", after=after_puts))
    data, to_store = build_inventory(OID, [V1])
    staged = stage(tmp_path / "s", V1)
    with pytest.raises(StorageError):
        crashing.write_version(OID, staged, data, "v1", to_store)
    assert list(root.object_ids()) == []
    assert root.read_inventory(OID) is None
    root.write_version(OID, staged, data, "v1", to_store)  # the rerun completes
    assert list(root.object_ids()) == [OID]
    assert _validate_root(store_path)[0]


def test_crash_before_any_replace_then_rerun(
    root: OcflRoot, store_path: Path, tmp_path: Path
) -> None:
    write(root, tmp_path, [V1])
    crashing = OcflRoot(CrashingStore(FsStore(store_path), "replace"))
    data, to_store = build_inventory(OID, [V1, V2])
    staged = stage(tmp_path / "s2", V2)
    with pytest.raises(StorageError):
        crashing.write_version(OID, staged, data, "v2", to_store)
    inv = root.read_inventory(OID)
    assert inv is not None and inv["head"] == "v1"  # v2 content is stored but not visible
    assert root.read_version_inventory(OID, "v2") == json.loads(data)
    root.write_version(OID, staged, data, "v2", to_store)
    assert _validate_root(store_path)[0]


def test_crash_between_the_two_replaces_reads_through(
    root: OcflRoot, store_path: Path, tmp_path: Path
) -> None:
    write(root, tmp_path, [V1])
    crashing = OcflRoot(CrashingStore(FsStore(store_path), "replace", after=1))
    data, to_store = build_inventory(OID, [V1, V2])
    staged = stage(tmp_path / "s2", V2)
    with pytest.raises(StorageError):
        crashing.write_version(OID, staged, data, "v2", to_store)
    # root inventory is v2, root sidecar still v1's: readers verify through v2/inventory.json
    inv = root.read_inventory(OID)
    assert inv is not None and inv["head"] == "v2"
    assert list(root.object_ids()) == [OID]
    root.write_version(OID, staged, data, "v2", to_store)  # completes the sidecar
    assert _validate_root(store_path)[0]


def test_root_inventory_not_matching_sidecar_is_an_error(
    root: OcflRoot, store_path: Path, tmp_path: Path
) -> None:
    write(root, tmp_path, [V1])
    key = f"{root.object_root(OID)}/inventory.json"
    data = json.loads((store_path / key).read_bytes())
    data["versions"]["v1"]["message"] = "forged"
    root.store.replace(key, json.dumps(data).encode())
    with pytest.raises(InventoryError):
        root.read_inventory(OID)
    with pytest.raises(InventoryError):
        list(root.object_ids())


def test_sidecar_format() -> None:
    assert inventory_sidecar(b"{}") == f"{_sha(b'{}')}  inventory.json\n".encode()

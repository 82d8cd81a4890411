"""The ObjectStore contract: every backend must pass these tests unchanged.

Use: subclass ``StoreContract`` in a test module that provides a fixture ``store`` returning a
fresh, empty backend (see test_store_contract.py, parametrized by a list of factories).
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest

from preservation.storage import (
    ObjectExistsError,
    ObjectNotFoundError,
    ObjectStore,
    ReplaceNotAllowedError,
    StorageError,
    UnsafeKeyError,
)

MiB = 1 << 20


class SourceFailed(Exception):
    """Raised by a test stream in the middle of a put (a simulated crash of the source)."""


class GeneratedStream(io.RawIOBase):
    """``size`` deterministic bytes, produced on demand; records the largest read asked for."""

    def __init__(self, size: int, fail_at: int | None = None) -> None:
        self.remaining = size
        self.position = 0
        self.fail_at = fail_at
        self.largest_read = 0
        self.sha256 = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.remaining)
        self.largest_read = max(self.largest_read, len(buffer))
        if self.fail_at is not None and self.position + n > self.fail_at:
            raise SourceFailed(f"source failed at byte {self.fail_at}")
        block = bytes((self.position + i) * 7 % 251 for i in range(min(n, 251)))
        data = (block * (n // max(len(block), 1) + 1))[:n] if n else b""
        buffer[:n] = data
        self.sha256.update(data)
        self.position += n
        self.remaining -= n
        return n


def _read_all(store: ObjectStore, key: str) -> bytes:
    with store.open(key) as fp:
        return fp.read()


UNSAFE_KEYS = [
    "",
    "/abs",
    "a//b",
    "a/",
    "../x",
    "a/../b",
    "a/./b",
    ".",
    "a\\b",
    "a\x00b",
    "a\nb",
    "a\u2215b",
    "a\u2044b",
    "a\uff0fb",
    "\u2024\u2024/x",
    "\uff0e\uff0e/x",
    "a/\u3002\u3002",
    "a\u202eb",
]


class StoreContract:
    """Behaviour every ``ObjectStore`` backend shares."""

    def test_is_an_object_store_without_delete(self, store: ObjectStore) -> None:
        assert isinstance(store, ObjectStore)
        assert not hasattr(store, "delete")

    def test_children_lists_sub_folders_one_level_at_a_time(self, store: ObjectStore) -> None:
        for key in ("t/b/x.bin", "t/a/y.bin", "t/a/deep/z.bin", "t/档案/w.bin", "t/top.bin"):
            store.put(key, b"1")
        assert list(store.children("t")) == sorted(["a", "b", "档案"])
        assert list(store.children("t/a")) == ["deep"]
        assert list(store.children("t/a/deep")) == []
        assert list(store.children("t/none")) == []
        assert "t" in list(store.children(""))

    def test_round_trip_bytes_path_and_stream(self, store: ObjectStore, tmp_path: Path) -> None:
        store.put("a/bytes.bin", b"hello")
        source = tmp_path / "src.bin"
        source.write_bytes(b"from a file")
        store.put("a/path.bin", source)
        store.put("a/stream.bin", io.BytesIO(b"from a stream"))
        assert _read_all(store, "a/bytes.bin") == b"hello"
        assert _read_all(store, "a/path.bin") == b"from a file"
        assert _read_all(store, "a/stream.bin") == b"from a stream"
        assert store.exists("a/bytes.bin")
        assert not store.exists("a/missing.bin")
        assert store.size("a/path.bin") == len(b"from a file")

    def test_adopt_stores_a_given_up_file_like_put(
        self, store: ObjectStore, tmp_path: Path
    ) -> None:
        """``adopt``: the object outlives the caller's name for it; same bytes again is a no-op,
        other bytes are refused (the stored object unchanged)."""
        work = tmp_path / "work"
        work.mkdir()
        given = work / "a.pdf"
        given.write_bytes(b"%PDF original bytes")
        store.adopt({"obj/v1/content/a.pdf": given})
        again = work / "again.pdf"
        again.write_bytes(b"%PDF original bytes")
        store.adopt({"obj/v1/content/a.pdf": again})  # a rerun: no-op
        other = work / "other.pdf"
        other.write_bytes(b"%PDF other bytes")
        with pytest.raises(ObjectExistsError):
            store.adopt({"obj/v1/content/a.pdf": other})
        for name in list(work.iterdir()):  # the caller removes its work files
            name.chmod(0o644)
            name.unlink()
        assert _read_all(store, "obj/v1/content/a.pdf") == b"%PDF original bytes"
        assert list(store.list("obj/")) == ["obj/v1/content/a.pdf"]
        store.put("obj/v1/content/a.pdf", b"%PDF original bytes")  # put agrees with adopt

    def test_adopt_several_files_in_several_folders(
        self, store: ObjectStore, tmp_path: Path
    ) -> None:
        """One ``adopt`` of many files: each is stored as ``put`` would; a clash in the middle
        raises, and the clashing object keeps its first bytes."""
        work = tmp_path / "many"
        work.mkdir()
        given = {}
        for name in ("A/1.pdf", "A/2.pdf", "B/x/3.jpg", "4.xml"):
            path = work / name.replace("/", "-")
            path.write_bytes(name.encode())
            given[f"obj/v1/content/{name}"] = path
        store.adopt(given)
        assert sorted(store.list("obj/")) == sorted(given)
        assert all(_read_all(store, key) == path.read_bytes() for key, path in given.items())
        clash = work / "clash"
        clash.write_bytes(b"other bytes")
        fresh = work / "fresh"
        fresh.write_bytes(b"fresh")
        with pytest.raises(ObjectExistsError):
            store.adopt({"obj/v1/content/A/2.pdf": clash, "obj/v2/content/5.pdf": fresh})
        assert _read_all(store, "obj/v1/content/A/2.pdf") == b"A/2.pdf"

    def test_empty_object(self, store: ObjectStore) -> None:
        store.put("empty", b"")
        assert store.exists("empty") and store.size("empty") == 0
        assert _read_all(store, "empty") == b""

    def test_missing_object(self, store: ObjectStore) -> None:
        with pytest.raises(ObjectNotFoundError):
            store.open("no/such")
        with pytest.raises(ObjectNotFoundError):
            store.size("no/such")

    def test_put_same_bytes_again_is_a_no_op(self, store: ObjectStore) -> None:
        store.put("k/x", b"same")
        store.put("k/x", b"same")
        store.put("k/x", io.BytesIO(b"same"))
        assert _read_all(store, "k/x") == b"same"
        assert list(store.list("k/")) == ["k/x"]

    def test_put_different_bytes_is_refused(self, store: ObjectStore) -> None:
        store.put("k/x", b"first")
        for other in (b"second", b"firs", b"first!", io.BytesIO(b"other")):
            with pytest.raises(ObjectExistsError):
                store.put("k/x", other)
        assert _read_all(store, "k/x") == b"first"

    def test_replace_only_pointer_keys(self, store: ObjectStore) -> None:
        obj = "abc/def/ghi/0123"
        store.replace(f"{obj}/inventory.json", b"one")
        store.replace(f"{obj}/inventory.json", b"two")
        store.replace(f"{obj}/inventory.json.sha256", b"digest")
        assert _read_all(store, f"{obj}/inventory.json") == b"two"
        store.put("root-only/inventory.json", b"p")
        store.replace("root-only/inventory.json", b"q")
        assert _read_all(store, "root-only/inventory.json") == b"q"
        for key in (
            f"{obj}/v1/inventory.json",
            f"{obj}/v12/inventory.json.sha256",
            f"{obj}/v1/content/x.pdf",
            "ocfl_layout.json",
            f"{obj}/inventory.jsonx",
        ):
            with pytest.raises(ReplaceNotAllowedError):
                store.replace(key, b"no")
            assert not store.exists(key)

    def test_list_is_sorted_and_filtered_by_prefix(self, store: ObjectStore) -> None:
        keys = ["b", "a/b", "a-b", "a0", "a/c/d", "a/c/e", "ab/x", "营/业", "a/b2", "A/z"]
        for key in keys:
            store.put(key, key.encode())
        assert list(store.list()) == sorted(keys)
        assert list(store.list("")) == sorted(keys)
        assert list(store.list("a/")) == ["a/b", "a/b2", "a/c/d", "a/c/e"]
        assert list(store.list("a")) == ["a-b", "a/b", "a/b2", "a/c/d", "a/c/e", "a0", "ab/x"]
        assert list(store.list("a/c/")) == ["a/c/d", "a/c/e"]
        assert list(store.list("a/b")) == ["a/b", "a/b2"]
        assert list(store.list("zzz")) == []
        assert list(store.list("zzz/")) == []

    @pytest.mark.parametrize("key", UNSAFE_KEYS)
    def test_unsafe_keys_are_refused(self, store: ObjectStore, key: str) -> None:
        with pytest.raises(UnsafeKeyError):
            store.put(key, b"x")
        with pytest.raises(UnsafeKeyError):
            store.exists(key)
        with pytest.raises(UnsafeKeyError):
            store.open(key)
        assert list(store.list()) == []

    def test_chinese_key_names(self, store: ObjectStore) -> None:
        key = "v1/content/original/A/营业执照（副本）申请表.pdf"
        store.put(key, "营业执照".encode())
        assert list(store.list("v1/content/original/A/")) == [key]
        assert _read_all(store, key).decode() == "营业执照"
        assert store.size(key) == len("营业执照".encode())

    def test_large_put_streams(self, store: ObjectStore) -> None:
        size = 20 * MiB + 123
        source = GeneratedStream(size)
        store.put("big/blob.bin", source)  # type: ignore[arg-type]
        assert source.largest_read <= 8 * MiB
        assert store.size("big/blob.bin") == size
        sha = hashlib.sha256()
        with store.open("big/blob.bin") as fp:
            while block := fp.read(MiB):
                sha.update(block)
        assert sha.hexdigest() == source.sha256.hexdigest()

    def test_failing_source_leaves_no_object(self, store: ObjectStore) -> None:
        with pytest.raises((SourceFailed, StorageError)):
            store.put("crash/obj.bin", GeneratedStream(3 * MiB, fail_at=2 * MiB))  # type: ignore[arg-type]
        assert not store.exists("crash/obj.bin")
        assert list(store.list()) == []
        store.put("crash/obj.bin", b"complete")
        assert _read_all(store, "crash/obj.bin") == b"complete"

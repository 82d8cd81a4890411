"""FsStore specifics beyond the shared contract: permissions, crashes, temp files, races."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from preservation.storage import (
    TEMP_PREFIX,
    FsStore,
    ObjectExistsError,
    ObjectNotFoundError,
    StorageError,
)


def _temp_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.startswith(TEMP_PREFIX)]


@pytest.mark.parametrize("writes", ["nameless", "temp"])
def test_stored_files_are_read_only(
    tmp_path: Path, writes: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from preservation.storage import fs

    monkeypatch.setattr(fs, "_NAMELESS", [writes == "nameless"])
    store = FsStore(tmp_path)
    store.put("a/b.txt", b"x")
    store.replace("obj/inventory.json", b"{}")
    for key in ("a/b.txt", "obj/inventory.json"):
        mode = stat.S_IMODE((tmp_path / key).stat().st_mode)
        assert mode == 0o444


def test_directory_is_not_an_object(tmp_path: Path) -> None:
    store = FsStore(tmp_path)
    store.put("a/b/c", b"x")
    assert not store.exists("a/b")
    with pytest.raises(ObjectNotFoundError):
        store.open("a/b")
    with pytest.raises(ObjectNotFoundError):
        store.size("a/b")


CRASHING_PUT = """
import io, os, sys
from pathlib import Path
from preservation.storage import FsStore

class Dying(io.RawIOBase):
    sent = 0
    def readable(self): return True
    def readinto(self, buf):
        if self.sent > 3 << 20:
            os._exit(9)  # the process dies mid-write: no cleanup runs
        buf[:] = b"x" * len(buf)
        self.sent += len(buf)
        return len(buf)

if sys.argv[2] == "temp":  # a file system without O_TMPFILE
    from preservation.storage import fs
    fs._NAMELESS[0] = False
FsStore(Path(sys.argv[1])).put("obj/v1/content/big.bin", Dying())
"""


@pytest.mark.parametrize("writes", ["nameless", "temp"])
def test_killed_writer_leaves_no_object_and_sweep_cleans(tmp_path: Path, writes: str) -> None:
    """Killed mid-write: a nameless file (O_TMPFILE) vanishes with the process; a temp file
    (file systems without it) stays on disk, invisible, until ``sweep_temp``."""
    root = tmp_path / "store"
    store = FsStore(root)
    store.put("obj/v1/content/other.bin", b"kept")
    done = subprocess.run(
        [sys.executable, "-c", CRASHING_PUT, str(root), writes],
        cwd=Path(__file__).resolve().parents[3],
        check=False,
    )
    assert done.returncode == 9
    leftovers = 1 if writes == "temp" else 0
    assert len(_temp_files(root)) == leftovers  # the partial write is on disk or gone ...
    assert not store.exists("obj/v1/content/big.bin")  # ... but no object is visible
    assert list(store.list()) == ["obj/v1/content/other.bin"]
    assert store.sweep_temp() == leftovers
    assert _temp_files(root) == []
    assert list(store.list()) == ["obj/v1/content/other.bin"]


def test_sweep_respects_age_and_removes_empty_dirs(tmp_path: Path) -> None:
    store = FsStore(tmp_path)
    store.put("a/x", b"x")
    (tmp_path / "b" / "c").mkdir(parents=True)
    old = tmp_path / "b" / "c" / f"{TEMP_PREFIX}old"
    new = tmp_path / "a" / f"{TEMP_PREFIX}new"
    old.write_bytes(b"1")
    new.write_bytes(b"2")
    os.utime(old, (1_000, 1_000))
    os.utime(new, (5_000, 5_000))
    assert list(store.list()) == ["a/x"]
    assert store.sweep_temp(older_than=2_000) == 1
    assert not old.exists() and new.exists()
    assert not (tmp_path / "b").exists()
    assert store.sweep_temp() == 1
    assert list(store.list()) == ["a/x"]


@pytest.mark.parametrize("same", [True, False])
def test_concurrent_puts_never_overwrite(tmp_path: Path, same: bool) -> None:
    store = FsStore(tmp_path)
    barrier = threading.Barrier(8)
    outcomes: list[str] = []
    lock = threading.Lock()

    def put(i: int) -> None:
        data = b"same" if same else f"writer {i}".encode()
        barrier.wait()
        try:
            store.put("race/key", data)
            result = "ok"
        except ObjectExistsError:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=put, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if same:
        assert outcomes == ["ok"] * 8
    else:
        assert outcomes.count("ok") == 1 and outcomes.count("refused") == 7
    assert _temp_files(tmp_path) == []
    assert list(store.list()) == ["race/key"]


def test_adopt_keeps_the_file_itself_read_only(tmp_path: Path) -> None:
    """On one file system ``adopt`` links the caller's file (no copy, no new inode) and makes
    it read-only; a directory or a symbolic link is not adopted."""
    store = FsStore(tmp_path / "store")
    work = tmp_path / "work"
    work.mkdir()
    given = work / "scan.jpg"
    given.write_bytes(b"\xff\xd8 jpeg")
    store.adopt({"obj/v1/content/scan.jpg": given})
    stored = tmp_path / "store" / "obj" / "v1" / "content" / "scan.jpg"
    assert stored.stat().st_ino == given.stat().st_ino
    assert stat.S_IMODE(stored.stat().st_mode) == 0o444
    given.unlink()
    assert stored.read_bytes() == b"\xff\xd8 jpeg" and stored.stat().st_nlink == 1
    link = work / "link.jpg"
    link.symlink_to(stored)
    with pytest.raises(StorageError):
        store.adopt({"obj/v1/content/link.jpg": link})
    mode = stat.S_IMODE(work.stat().st_mode)
    with pytest.raises(StorageError, match="not a regular file"):
        store.adopt({"obj/v1/content/dir": work})
    assert stat.S_IMODE(work.stat().st_mode) == mode  # refused before anything was changed
    assert list(store.list()) == ["obj/v1/content/scan.jpg"]


def test_adopt_syncs_each_directory_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Adopting a version's files fsyncs every file, and every directory that gained a name
    once, not once per file (a directory fsync is a journal commit on most file systems)."""
    store = FsStore(tmp_path / "store")
    store.put("warm", b"the root exists")
    work = tmp_path / "work"
    work.mkdir()
    files = {}
    for i in range(6):
        path = work / f"{i}.pdf"
        path.write_bytes(b"%PDF " + bytes([i]))
        files[f"obj/v1/content/{'AB'[i % 2]}/{i}.pdf"] = path
    synced: list[str] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    store.adopt(files)
    root = str(tmp_path / "store")
    directories = sorted(p for p in synced if not p.endswith(".pdf"))
    assert sorted(p for p in synced if p.endswith(".pdf")) == sorted(map(str, files.values()))
    # the new folders' parents (root, obj, obj/v1, obj/v1/content) and A and B: each once
    assert directories == sorted(
        f"{root}/{d}".rstrip("/")
        for d in ("", "obj", "obj/v1", "obj/v1/content", "obj/v1/content/A", "obj/v1/content/B")
    )

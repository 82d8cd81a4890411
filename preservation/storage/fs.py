"""``FsStore``: the embedded default object store, a local directory.

Writes: a new file without a name (Linux ``O_TMPFILE``; elsewhere a hidden temp file) in the
target directory, written, fsynced and made read-only (0444), then published with ``link`` (never
clobbers: a concurrent put of the same key cannot overwrite) and the directory fsynced. A crash at
any point leaves no object or the whole object: a nameless file vanishes with its process; a
leftover temp file is invisible to ``list`` and removed by ``sweep_temp``.
Raises ``StorageError`` subclasses only; ``OSError`` is translated.
"""

from __future__ import annotations

import builtins
import contextlib
import errno
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from .base import Source
from .errors import (
    ObjectExistsError,
    ObjectNotFoundError,
    RepairRefusedError,
    ReplaceNotAllowedError,
    StorageError,
)
from .keys import TEMP_PREFIX, is_pointer_key, safe_key

__all__ = ["FsStore"]

CHUNK = 1 << 20
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH  # 0444
_MKDIR_ATTEMPTS = 3
_NO_FILE_ERRNOS = (errno.ENOENT, errno.ENOTDIR, errno.EBADF, errno.ELOOP)  # as pathlib's
# Whether nameless files (O_TMPFILE + link through /proc) work here; cleared on the first refusal
_NAMELESS = [os.path.isdir("/proc/self/fd")]


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dirs(directories: Iterable[Path]) -> None:
    for directory in sorted(directories):
        _fsync_dir(directory)


def _chunks(source: Source) -> Iterator[bytes]:
    """Yield the bytes of ``source`` in bounded chunks."""
    if isinstance(source, bytes | bytearray | memoryview):
        view = memoryview(source)
        for start in range(0, len(view), CHUNK):
            yield bytes(view[start : start + CHUNK])
        return
    if isinstance(source, Path):
        with open(source, "rb") as fp:
            yield from _chunks(fp)
        return
    while True:
        block = source.read(CHUNK)
        if not block:
            return
        yield block


def _sha256_of(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as fp:
        while block := fp.read(CHUNK):
            sha.update(block)
    return sha.hexdigest()


def _same_content(path: Path, source: Source) -> bool:
    """Compare a stored file with a source, streaming both; consumes a stream source."""
    if isinstance(source, bytes) and path.stat().st_size != len(source):
        return False
    if isinstance(source, Path) and path.stat().st_size != source.stat().st_size:
        return False
    with open(path, "rb") as stored:
        for block in _chunks(source):
            if stored.read(len(block)) != block:
                return False
        return stored.read(1) == b""


def _holds(key: str, path: Path, source: Source) -> None:
    """Nothing when the stored ``path`` holds ``source``'s bytes; else ``ObjectExistsError``."""
    if not _same_content(path, source):
        raise ObjectExistsError(f"{key!r} already stored with different content")


def _link(key: str, existing: str | Path, path: Path, **how: Any) -> bool:
    """Give the file ``existing`` the new name ``path`` (``os.link``; never clobbers). False when
    a concurrent put got there first with the same bytes (``ObjectExistsError`` if other)."""
    try:
        os.link(existing, path, **how)
    except FileExistsError:
        _holds(key, path, Path(existing))
        return False
    return True


def _give_up(key: str, path: Path) -> None:
    """Make the regular file ``path`` durable and read-only before it becomes an object."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise StorageError(f"cannot store {key!r}: {path} is not a regular file")
        os.fsync(fd)
        os.fchmod(fd, READ_ONLY)
    finally:
        os.close(fd)


class FsStore:
    """Object store in a local directory; see the module docstring for the write protocol."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)
        self._root_str = os.fspath(self.root).rstrip("/")

    def __repr__(self) -> str:
        return f"FsStore({str(self.root)!r})"

    # -- paths ---------------------------------------------------------------------------------

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*safe_key(key).split("/"))

    def _os_path(self, key: str) -> str:
        """``_path`` as a plain string: reads of many small files (an audit) skip pathlib."""
        return f"{self._root_str}/{safe_key(key)}"  # a safe key has no '..', '.' or '' segment

    def _ensure_dir(self, directory: Path, unsynced: builtins.set[Path] | None = None) -> None:
        """Create ``directory`` (below the root) and fsync each parent that gained an entry (or,
        with ``unsynced``, add those parents to it for the caller to fsync once)."""
        missing: builtins.list[Path] = []
        current = directory
        while not current.is_dir():
            missing.append(current)
            if current == self.root or current.parent == current:
                break
            current = current.parent
        for path in reversed(missing):
            try:
                path.mkdir()
            except FileExistsError:
                continue
            if path == self.root:
                continue
            if unsynced is None:
                _fsync_dir(path.parent)
            else:
                unsynced.add(path.parent)

    def _write_temp(self, directory: Path, source: Source) -> Path:
        """Write ``source`` to a fsynced, read-only temp file in ``directory``; return its path."""
        for attempt in range(_MKDIR_ATTEMPTS):
            self._ensure_dir(directory)
            try:
                fd, name = tempfile.mkstemp(prefix=TEMP_PREFIX, dir=directory)
                break
            except FileNotFoundError:  # a concurrent sweep removed the empty directory
                if attempt == _MKDIR_ATTEMPTS - 1:
                    raise
        temp = Path(name)
        try:
            with os.fdopen(fd, "wb") as out:
                for block in _chunks(source):
                    out.write(block)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, READ_ONLY)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
        return temp

    # -- ObjectStore ---------------------------------------------------------------------------

    def _write_nameless(self, directory: Path, source: Source) -> int | None:
        """Write ``source`` to a fsynced, read-only file without a name in ``directory``; return
        its descriptor (``None`` where the file system has no ``O_TMPFILE``: use a temp file)."""
        flag = getattr(os, "O_TMPFILE", 0)
        if not flag or not _NAMELESS[0]:
            return None
        self._ensure_dir(directory)
        try:
            fd = os.open(directory, flag | os.O_WRONLY, READ_ONLY)
        except OSError as exc:
            if exc.errno in (errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL):
                _NAMELESS[0] = False  # not on this file system: temp files from now on
                return None
            raise
        try:
            for block in _chunks(source):
                view = memoryview(block)
                while view:
                    view = view[os.write(fd, view) :]
            os.fsync(fd)
        except BaseException:
            os.close(fd)
            raise
        return fd

    def _put_nameless(self, key: str, path: Path, fd: int) -> None:
        """Give the nameless file ``fd`` the name ``path`` (closing it)."""
        proc = f"/proc/self/fd/{fd}"
        parent = os.open(path.parent, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            # with a dir fd given, os.link is linkat(AT_SYMLINK_FOLLOW): the file /proc points
            # at gets the name (the absolute ``proc`` path ignores the dir fd)
            if _link(key, proc, path, src_dir_fd=parent):
                os.fsync(parent)
        finally:
            os.close(fd)
            os.close(parent)

    def put(self, key: str, source: Source) -> None:
        """Store once; same bytes again is a no-op, different bytes raise ObjectExistsError."""
        path = self._path(key)
        try:
            if path.is_file():
                _holds(key, path, source)
                return
            fd = self._write_nameless(path.parent, source)
            if fd is not None:
                self._put_nameless(key, path, fd)
                return
            temp = self._write_temp(path.parent, source)
            try:
                if _link(key, temp, path):
                    _fsync_dir(path.parent)
            finally:
                temp.unlink(missing_ok=True)
        except OSError as exc:
            raise StorageError(f"cannot store {key!r}: {exc}") from exc

    def adopt(self, files: Mapping[str, Path]) -> None:
        """``put`` of each file that keeps the file itself: fsynced, made read-only (0444) and
        linked under its key (no copy, no new inode); a copy when it is on another file system.
        Each directory that gained names is fsynced once, after all the links."""
        unsynced: builtins.set[Path] = set()
        try:
            for key, path in files.items():
                self._adopt_one(key, path, unsynced)
        except BaseException:
            with contextlib.suppress(OSError):  # what was linked stays, durably
                _fsync_dirs(unsynced)
            raise
        try:
            _fsync_dirs(unsynced)
        except OSError as exc:
            raise StorageError(f"cannot make adopted objects durable: {exc}") from exc

    def _adopt_one(self, key: str, path: Path, unsynced: builtins.set[Path]) -> None:
        target = self._path(key)
        try:
            if target.is_file():
                _holds(key, target, path)
                return
            _give_up(key, path)
            if target.parent not in unsynced:  # not made or linked into by this adopt yet
                self._ensure_dir(target.parent, unsynced)
            try:
                linked = _link(key, path, target, follow_symlinks=False)
            except OSError as exc:
                if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK):
                    raise
                self.put(key, path)  # another file system (or no links there): copy
                return
            if linked:
                unsynced.add(target.parent)
        except OSError as exc:
            raise StorageError(f"cannot store {key!r}: {exc}") from exc

    def replace(self, key: str, data: bytes) -> None:
        """Atomically rewrite a pointer key (root inventory or sidecar) with ``os.replace``."""
        if not is_pointer_key(key):
            raise ReplaceNotAllowedError(f"{key!r} is write-once; only root inventories change")
        path = self._path(key)
        try:
            temp = self._write_temp(path.parent, data)
            try:
                os.replace(temp, path)
            except BaseException:
                temp.unlink(missing_ok=True)
                raise
            _fsync_dir(path.parent)
        except OSError as exc:
            raise StorageError(f"cannot replace {key!r}: {exc}") from exc

    def open(self, key: str) -> BinaryIO:
        """Open for streaming reads; raises ObjectNotFoundError."""
        path = self._os_path(key)
        try:
            return open(path, "rb")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError) as exc:
            raise ObjectNotFoundError(key) from exc
        except OSError as exc:
            raise StorageError(f"cannot open {key!r}: {exc}") from exc

    def exists(self, key: str) -> bool:
        try:  # as Path.is_file (which reports these errors as "no file"), without pathlib
            return stat.S_ISREG(os.stat(self._os_path(key)).st_mode)
        except OSError as exc:
            if exc.errno in _NO_FILE_ERRNOS:
                return False
            raise

    def size(self, key: str) -> int:
        path = self._path(key)
        try:
            info = path.stat()
        except (FileNotFoundError, NotADirectoryError) as exc:
            raise ObjectNotFoundError(key) from exc
        except OSError as exc:
            raise StorageError(f"cannot stat {key!r}: {exc}") from exc
        if not stat.S_ISREG(info.st_mode):
            raise ObjectNotFoundError(key)
        return info.st_size

    def list(self, prefix: str = "") -> Iterator[str]:
        """Yield stored keys starting with ``prefix`` in code-point order (temp files skipped)."""
        head, _, _ = prefix.rpartition("/")
        start = self._path(head) if head else self.root
        base = f"{head}/" if head else ""
        if not start.is_dir():
            return
        for key in self._walk(start, base):
            if key.startswith(prefix):
                yield key

    def children(self, folder: str = "") -> Iterator[str]:
        """Sorted names of the sub-directories directly under ``folder``."""
        directory = self._os_path(folder) if folder else self.root
        try:
            names = [
                e.name
                for e in os.scandir(directory)
                if e.is_dir(follow_symlinks=False) and not e.name.startswith(TEMP_PREFIX)
            ]
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            raise StorageError(f"cannot list {directory}: {exc}") from exc
        yield from sorted(names)

    def _walk(self, directory: Path | str, base: str) -> Iterator[str]:
        try:
            entries = builtins.list(os.scandir(directory))
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StorageError(f"cannot list {directory}: {exc}") from exc
        # Sorting names with a '/' appended to directories gives full-key code-point order.
        named = []
        for entry in entries:
            if entry.name.startswith(TEMP_PREFIX) or entry.is_symlink():
                continue
            is_dir = entry.is_dir(follow_symlinks=False)
            named.append((entry.name + "/" if is_dir else entry.name, entry.name, is_dir))
        for _, name, is_dir in sorted(named):
            if is_dir:
                yield from self._walk(os.path.join(directory, name), f"{base}{name}/")
            else:
                yield f"{base}{name}"

    # -- repair (restore from a replica) ------------------------------------------------------

    def repair(self, key: str, source: Source, expected_sha256: str) -> bool:
        """Replace a *corrupt* write-once object with bytes that match ``expected_sha256``.

        The one exception to write-once, kept narrow: the stored file must exist and its current
        bytes must NOT have the expected SHA-256 (else nothing is written and False is returned),
        and the new bytes must have it (else ``RepairRefusedError`` and nothing changes). The new
        file is written to a fsynced temp file, checked, then renamed over the old one (atomic).
        Pointer keys are refused (they change through ``replace``); a missing key is
        ``ObjectNotFoundError`` (use ``put``). Returns True when the file was replaced.
        """
        if is_pointer_key(key):
            raise ReplaceNotAllowedError(f"{key!r} is a pointer; use replace")
        path = self._path(key)
        try:
            if not path.is_file():
                raise ObjectNotFoundError(key)
            if _sha256_of(path) == expected_sha256:
                return False
            temp = self._write_temp(path.parent, source)
            try:
                found = _sha256_of(temp)
                if found != expected_sha256:
                    raise RepairRefusedError(
                        f"{key!r}: new bytes have sha256 {found}, not {expected_sha256}"
                    )
                os.replace(temp, path)
            finally:
                temp.unlink(missing_ok=True)
            _fsync_dir(path.parent)
        except OSError as exc:
            raise StorageError(f"cannot repair {key!r}: {exc}") from exc
        return True

    # -- maintenance ---------------------------------------------------------------------------

    def sweep_temp(self, *, older_than: float | None = None) -> int:
        """Remove leftover temp files (and directories left empty); return how many files.

        ``older_than`` is a POSIX time: only temp files last modified before it are removed, so a
        sweep can run beside writers. ``None`` removes all (use when no writer is running).
        """
        removed = 0
        try:
            for dirpath, _dirnames, filenames in os.walk(self.root, topdown=False):
                for name in filenames:
                    if not name.startswith(TEMP_PREFIX):
                        continue
                    path = Path(dirpath, name)
                    if older_than is not None and path.lstat().st_mtime >= older_than:
                        continue
                    path.unlink(missing_ok=True)
                    removed += 1
                if Path(dirpath) != self.root and not os.listdir(dirpath):
                    with contextlib.suppress(OSError):  # a writer just used it
                        os.rmdir(dirpath)
        except OSError as exc:
            raise StorageError(f"cannot sweep {self.root}: {exc}") from exc
        return removed

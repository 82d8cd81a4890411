"""Safe unpacking of a case package (ZIP file or directory) into a fresh working directory.

Reads: the source package. Writes: only inside ``dest`` (created when absent, must be empty).
Raises: ``UnpackError`` (``DestinationNotEmptyError``) when ``dest`` is unusable; every problem
of the package itself is a finding. All entries are examined before anything is written; a
package with an unsafe entry, an encrypted entry or a limit breach is refused unextracted
(``root`` None).
"""

from __future__ import annotations

import os
import shutil
import stat
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ingest.casexml import CASE_XML
from ingest.measure import PACKAGE_FOLDERS
from preservation.formats import archive_kind, identify
from standards.errors import UnsafePathError
from standards.finding import Finding, Status
from standards.findings import make
from standards.paths import REASON_ABSOLUTE, REASON_PARENT, check_relative_path

__all__ = [
    "DestinationNotEmptyError",
    "Limits",
    "UnpackError",
    "UnpackResult",
    "package_name",
    "unpack",
]

CHUNK = 1 << 16
ZIP_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
ARCHIVE_SUFFIXES = (".zip", ".rar", ".7z", ".gz", ".tgz", ".tar", ".bz2", ".xz", ".zst", ".cab")
#: ZIP containers that are documents, not nested archives: OFD (OFD.xml at the root) and the
#: OOXML office formats (told by their [Content_Types].xml; docs/formats.md). Others are refused.
ZIP_DOCUMENTS = frozenset({"OFD", "DOCX", "XLSX"})
_FLAG_ENCRYPTED, _FLAG_STRONG_ENCRYPTION, _FLAG_UTF8 = 0x1, 0x40, 0x800
# Problems after which extraction may still run, so later checks can add their reasons.
_NON_BLOCKING = frozenset({"PKG_UNKNOWN_TOP_LEVEL", "ZIP_NESTED_ARCHIVE", "ZIP_NOT_UTF8"})


class UnpackError(Exception):
    """A caller or environment problem (not a problem of the package): dest unusable."""


class DestinationNotEmptyError(UnpackError):
    """``dest`` exists and is not an empty directory."""


@dataclass(frozen=True)
class Limits:
    """Resource limits. ``max_ratio`` bounds each entry of at least ``ratio_min_bytes`` by its
    declared sizes, the whole archive by its declared totals, and — while extracting — every
    byte written: never more than ``max_ratio`` × the compressed bytes read so far, plus
    ``ratio_min_bytes`` (headers can lie; the real bytes cannot)."""

    max_entries: int = 10_000
    max_total_bytes: int = 2 * 1024**3
    max_file_bytes: int = 1024**3
    max_ratio: float = 100.0
    ratio_min_bytes: int = 1 << 20


@dataclass(frozen=True)
class UnpackResult:
    """All findings of unpacking; ``root`` is the unpacked package, None when refused unpacked."""

    findings: tuple[Finding, ...]
    root: Path | None


@dataclass(frozen=True)
class _Entry:
    name: str  # safe relative POSIX path, no trailing slash
    is_dir: bool
    size: int  # declared (ZIP) or stat (directory) size
    info: zipfile.ZipInfo | None = None
    source: Path | None = None


@dataclass
class _Plan:
    findings: list[Finding] = field(default_factory=list)
    entries: list[_Entry] = field(default_factory=list)
    top_seen: set[str] = field(default_factory=set)
    total: int = 0
    compressed: int = 0
    count: int = 0
    has_case_xml: bool = False

    def blocked(self) -> bool:
        return any(f.failed and f.code not in _NON_BLOCKING for f in self.findings)


class _CountingFile:
    """The ZIP file as ``zipfile`` reads it; ``consumed`` is the farthest byte read so far (bytes
    read again after a seek back are not counted twice, so a lying header cannot inflate it)."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.consumed = 0

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        self.consumed = max(self.consumed, self.raw.tell())
        return data

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self.raw.seek(offset, whence)

    def tell(self) -> int:
        return self.raw.tell()

    def seekable(self) -> bool:
        return True

    def close(self) -> None:
        self.raw.close()


@dataclass
class _Budget:
    """Bytes extracted so far against the total and the running compression ratio."""

    limits: Limits
    source: _CountingFile | None = None
    written: int = 0

    def take(self, count: int) -> None:
        """Count ``count`` more bytes about to be written; ``_Abort`` if that breaks a limit."""
        limits = self.limits
        written = self.written + count
        if written > limits.max_total_bytes:
            raise _Abort(
                make("ZIP_TOO_LARGE", expected=str(limits.max_total_bytes), found=f">{written}")
            )
        if self.source is not None:
            allowed = limits.max_ratio * self.source.consumed + limits.ratio_min_bytes
            if written > allowed:  # refused before the chunk: at most ``allowed`` bytes written
                raise _Abort(
                    make(
                        "ZIP_RATIO_TOTAL",
                        expected=f"<= {allowed:.0f}",
                        found=f">{self.written}",
                        read=str(self.source.consumed),
                        written=str(self.written),
                        limit=f"{limits.max_ratio:g}",
                    )
                )
        self.written = written


class _Abort(Exception):
    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


class _Nested(Exception):
    """A nested archive found by content: reported, extraction goes on."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def package_name(source: Path) -> str:
    """The name a package carries: the ZIP file name without ``.zip``, or the directory name."""
    name = source.name
    return name[:-4] if name.lower().endswith(".zip") and not source.is_dir() else name


def _path_finding(name: str) -> Finding | None:
    """Return the finding for an unsafe entry name, None when it is safe."""
    slashed = name.replace("\\", "/")
    if slashed.startswith("/") or (len(slashed) > 1 and slashed[1] == ":"):
        return make("ZIP_ABSOLUTE_PATH", path=name)
    if ".." in slashed.rstrip("/").split("/"):
        return make("ZIP_SLIP", path=name)
    try:
        check_relative_path(name)
    except UnsafePathError as exc:
        code = {REASON_PARENT: "ZIP_SLIP", REASON_ABSOLUTE: "ZIP_ABSOLUTE_PATH"}.get(exc.reason)
        if code:
            return make(code, path=name)
        return make("PKG_PATH_UNSAFE", path=name, reason=exc.reason)
    return None


def _admit(plan: _Plan, entry: _Entry, limits: Limits) -> None:
    """Apply the rules common to ZIP and directory entries and add the entry to the plan."""
    top = entry.name.split("/", 1)[0]
    if entry.name == CASE_XML and not entry.is_dir:
        plan.has_case_xml = True
    elif top not in PACKAGE_FOLDERS or (entry.name == top and not entry.is_dir):
        if top not in plan.top_seen:
            plan.top_seen.add(top)
            plan.findings.append(make("PKG_UNKNOWN_TOP_LEVEL", path=entry.name))
        return
    if not entry.is_dir:
        plan.count += 1
        plan.total += entry.size
        if entry.name.lower().endswith(ARCHIVE_SUFFIXES):
            plan.findings.append(make("ZIP_NESTED_ARCHIVE", path=entry.name, kind="by name"))
        if entry.size > limits.max_file_bytes:
            plan.findings.append(
                make(
                    "ZIP_FILE_TOO_LARGE",
                    path=entry.name,
                    expected=str(limits.max_file_bytes),
                    found=str(entry.size),
                )
            )
    plan.entries.append(entry)


def _totals(plan: _Plan, limits: Limits) -> None:
    if plan.count > limits.max_entries:
        plan.findings.append(
            make("ZIP_TOO_MANY_ENTRIES", expected=str(limits.max_entries), found=str(plan.count))
        )
    if plan.total > limits.max_total_bytes:
        plan.findings.append(
            make("ZIP_TOO_LARGE", expected=str(limits.max_total_bytes), found=str(plan.total))
        )
    bomb = plan.total >= limits.ratio_min_bytes and plan.total > limits.max_ratio * plan.compressed
    if plan.compressed and bomb and not any(f.code == "ZIP_RATIO" for f in plan.findings):
        plan.findings.append(
            make(
                "ZIP_RATIO_TOTAL",
                expected=f"<= {limits.max_ratio * plan.compressed:.0f}",
                found=str(plan.total),
                read=str(plan.compressed),
                limit=f"{limits.max_ratio:g}",
            )
        )
    if not plan.has_case_xml:
        plan.findings.append(make("PKG_CASE_XML_MISSING", path=CASE_XML))


def _zip_name(info: zipfile.ZipInfo, plan: _Plan) -> str | None:
    name = info.orig_filename
    if info.flag_bits & _FLAG_UTF8 or name.isascii():
        return name
    try:
        fixed = name.encode("cp437").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        plan.findings.append(make("ZIP_NOT_UTF8", Status.FAIL, path=name))
        return None
    plan.findings.append(make("ZIP_NOT_UTF8", path=fixed))
    return fixed


def _plan_zip(archive: zipfile.ZipFile, limits: Limits) -> _Plan:
    plan = _Plan()
    seen: set[str] = set()
    for info in archive.infolist():
        name = _zip_name(info, plan)
        if name is None:
            continue
        unsafe = _path_finding(name)
        if unsafe is not None:
            plan.findings.append(unsafe)
            continue
        mode = info.external_attr >> 16
        kind = stat.S_IFMT(mode)
        if stat.S_ISLNK(mode):
            plan.findings.append(make("ZIP_LINK", path=name))
            continue
        if kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            plan.findings.append(make("PKG_SPECIAL_FILE", path=name, kind=oct(kind)))
            continue
        if info.flag_bits & (_FLAG_ENCRYPTED | _FLAG_STRONG_ENCRYPTION):
            plan.findings.append(make("ZIP_ENCRYPTED", path=name))
        if info.compress_type not in ZIP_METHODS:
            plan.findings.append(
                make("ZIP_UNSUPPORTED_METHOD", path=name, method=info.compress_type)
            )
        is_dir = name.endswith("/") or stat.S_ISDIR(mode)
        key = unicodedata.normalize("NFC", name.rstrip("/"))
        if key in seen and not is_dir:
            plan.findings.append(make("ZIP_DUPLICATE_ENTRY", path=name))
            continue
        seen.add(key)
        size = 0 if is_dir else info.file_size
        plan.compressed += 0 if is_dir else max(info.compress_size, 1)
        if size >= limits.ratio_min_bytes and size > limits.max_ratio * max(info.compress_size, 1):
            ratio = size / max(info.compress_size, 1)
            plan.findings.append(
                make("ZIP_RATIO", path=name, ratio=f"{ratio:.0f}", limit=f"{limits.max_ratio:g}")
            )
        _admit(plan, _Entry(name.rstrip("/"), is_dir, size, info=info), limits)
    _totals(plan, limits)
    return plan


def _walk(base: Path, rel: str) -> Iterator[tuple[str, os.DirEntry[str]]]:
    with os.scandir(base / rel if rel else base) as it:
        items = sorted(it, key=lambda e: e.name)
    for item in items:
        name = f"{rel}/{item.name}" if rel else item.name
        yield name, item
        if item.is_dir(follow_symlinks=False) and (rel or item.name in PACKAGE_FOLDERS):
            yield from _walk(base, name)


def _plan_dir(source: Path, limits: Limits) -> _Plan:
    plan = _Plan()
    for name, item in _walk(source, ""):
        unsafe = _path_finding(name)
        if unsafe is not None:
            plan.findings.append(unsafe)
            continue
        st = item.stat(follow_symlinks=False)
        if stat.S_ISLNK(st.st_mode):
            plan.findings.append(make("PKG_LINK", path=name))
            continue
        is_dir = stat.S_ISDIR(st.st_mode)
        if not is_dir and not stat.S_ISREG(st.st_mode):
            plan.findings.append(
                make("PKG_SPECIAL_FILE", path=name, kind=oct(stat.S_IFMT(st.st_mode)))
            )
            continue
        size = 0 if is_dir else st.st_size
        _admit(plan, _Entry(name, is_dir, size, source=Path(item.path)), limits)
    _totals(plan, limits)
    return plan


def _prepare(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or dest.is_symlink() or any(dest.iterdir())):
        raise DestinationNotEmptyError(f"destination is not an empty directory: {dest}")
    try:
        dest.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UnpackError(f"cannot create the destination {dest}: {exc}") from exc


def _clear(dest: Path) -> None:
    for child in dest.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()


def _target(dest: Path, resolved_dest: str, name: str) -> Path:
    """Where entry ``name`` goes: refused when, joined and normalised, it leaves ``dest`` (defence
    in depth: the plan refused such names already). A string check suffices: ``dest`` is new,
    and unpacking creates directories and regular files (``O_NOFOLLOW``) only, never a link."""
    joined = os.path.normpath(os.path.join(resolved_dest, *name.split("/")))
    if not joined.startswith(resolved_dest + os.sep):
        raise _Abort(make("ZIP_SLIP", path=name))
    return dest.joinpath(*name.split("/"))


def _copy(src: IO[bytes], target: Path, entry: _Entry, budget: _Budget, limits: Limits) -> int:
    """Stream ``src`` into a new file; count real bytes against the declared size and limits
    before they are written."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    written, head = 0, b""
    with os.fdopen(os.open(target, flags, 0o644), "wb") as out:
        while chunk := src.read(CHUNK):
            written += len(chunk)
            head = head or chunk[:512]
            if written > limits.max_file_bytes:
                raise _Abort(
                    make(
                        "ZIP_FILE_TOO_LARGE",
                        path=entry.name,
                        expected=str(limits.max_file_bytes),
                        found=f">{limits.max_file_bytes}",
                    )
                )
            if written > entry.size:
                raise _Abort(make("ZIP_CORRUPT", path=entry.name, error="more bytes than declared"))
            budget.take(len(chunk))
            out.write(chunk)
    if written != entry.size:
        raise _Abort(make("ZIP_CORRUPT", path=entry.name, error="fewer bytes than declared"))
    kind = archive_kind(head)
    if kind is not None and not (kind == "ZIP" and identify(target).name in ZIP_DOCUMENTS):
        raise _Nested(make("ZIP_NESTED_ARCHIVE", path=entry.name, kind=f"by content: {kind}"))
    return written


def _open_entry(entry: _Entry, archive: zipfile.ZipFile | None) -> IO[bytes]:
    if archive is not None and entry.info is not None:
        return archive.open(entry.info)
    if entry.source is None:
        raise _Abort(make("PKG_UNREADABLE", path=entry.name, error="no source"))
    fd = os.open(entry.source, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    return os.fdopen(fd, "rb")


def _extract(plan: _Plan, dest: Path, budget: _Budget, archive: zipfile.ZipFile | None) -> None:
    reported = {f.path for f in plan.findings if f.code == "ZIP_NESTED_ARCHIVE"}
    limits = budget.limits
    resolved_dest = str(dest.resolve())
    for entry in plan.entries:
        target = _target(dest, resolved_dest, entry.name)
        if entry.is_dir:
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with _open_entry(entry, archive) as src:
                _copy(src, target, entry, budget, limits)
        except _Nested as nested:
            if entry.name not in reported:
                plan.findings.append(nested.finding)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
            raise _Abort(make("ZIP_CORRUPT", path=entry.name, error=str(exc))) from exc
        except RuntimeError as exc:  # zipfile: encrypted entry without a password
            raise _Abort(make("ZIP_ENCRYPTED", path=entry.name)) from exc
        except OSError as exc:
            raise _Abort(make("PKG_UNREADABLE", path=entry.name, error=str(exc))) from exc


def _run(plan: _Plan, dest: Path, budget: _Budget, archive: zipfile.ZipFile | None) -> UnpackResult:
    if plan.blocked():
        return UnpackResult(tuple(plan.findings), None)
    _prepare(dest)
    try:
        _extract(plan, dest, budget, archive)
    except _Abort as abort:
        _clear(dest)
        return UnpackResult((*plan.findings, abort.finding), None)
    return UnpackResult(tuple(plan.findings), dest)


def unpack(source: Path, dest: Path, limits: Limits | None = None) -> UnpackResult:
    """Check and unpack ``source`` (a ZIP file or a directory) into ``dest``.

    Every entry is examined first (path safety, links, encryption, compression method,
    nested archives, top-level layout, counts, sizes, compression ratio); extraction then
    counts the real bytes against the headers and limits. Originals are never modified.
    """
    limits = limits or Limits()
    if not source.exists():
        return UnpackResult((make("PKG_NOT_FOUND", source=str(source.name)),), None)
    if source.is_dir():
        return _run(_plan_dir(source, limits), dest, _Budget(limits), None)
    try:
        with open(source, "rb") as fp:
            magic = fp.read(4)
        if not stat.S_ISREG(source.stat().st_mode) or magic not in (b"PK\x03\x04", b"PK\x05\x06"):
            return UnpackResult((make("PKG_NOT_ZIP", source=str(source.name)),), None)
        with open(source, "rb") as raw:
            counted = _CountingFile(raw)
            with zipfile.ZipFile(counted) as archive:  # type: ignore[arg-type]
                plan = _plan_zip(archive, limits)
                counted.consumed = 0  # the central directory read on opening is not content
                return _run(plan, dest, _Budget(limits, counted), archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError) as exc:
        return UnpackResult((make("ZIP_CORRUPT", error=str(exc)),), None)
    except OSError as exc:
        return UnpackResult((make("PKG_UNREADABLE", error=str(exc)),), None)

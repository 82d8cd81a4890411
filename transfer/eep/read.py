"""Take the computer files back out of a DA/T 48 EEP: the bureau's first step of ingest.

``read_eep`` scans the package once (``scan``, nothing held whole) and returns who it is
(电子文件号, 档号 from its 附注, the creating unit) and its documents as the signed 文档清单
lists them (文档标识符, logical path, size, SM3, SHA-256). ``extract_documents`` scans it again
and decodes the documents whose logical path starts with a prefix (``original/``: the submitted
case package) straight into files under a folder, measuring both digests while writing, and
refuses any document that differs from the 文档清单. Neither checks signatures (``verify_eep``
does, before). An EEP of earchive's previous form (external files, ``摘要`` inside ``编码``) is
refused unless ``legacy=True``. Reads: the EEP (and, in the previous form, its ``.files``
folder). Writes: only under ``dest``. Raises ``EepError``.
"""

from __future__ import annotations

from pathlib import Path

from package.digest import Digests, digest_bytes
from package.errors import UnsafePathError
from package.paths import safe_logical_path
from package.streamcopy import copy_and_digest

from ..errors import EepError
from .common import MANIFEST_ID, q
from .contents import EepContents, EepEntry
from .entity import ARCHIVAL_CODE_NOTE, NOTE_SEPARATOR
from .legacy import legacy_reason, read_legacy
from .manifest import parse_manifest
from .scan import scan_eep

__all__ = ["extract_documents", "read_eep"]

_ENTITY = f"{q('被签名对象')}/{q('封装内容')}/{q('文件实体块')}/{q('文件实体')}"


def _refuse_legacy(path: Path, reason: str) -> EepError:
    return EepError(
        f"{path.name} is an EEP of earchive's previous form ({reason}): DA/T 48-2009 defines no "
        "such element and keeps every computer file inside the package as Base64 (编码数据); "
        "read it with legacy=True"
    )


def read_eep(path: Path, *, legacy: bool = False) -> EepContents:
    """The identity and documents of the EEP at ``path`` (one streaming pass)."""
    try:
        with open(path, "rb") as fp:
            scan = scan_eep(fp, capture=frozenset({MANIFEST_ID}))
    except OSError as exc:
        raise EepError(f"cannot read {path.name}: {exc}") from exc
    reason = legacy_reason(scan.root)
    if reason:
        if not legacy:
            raise _refuse_legacy(path, reason)
        return read_legacy(path)
    entity = scan.root.find(_ENTITY)
    if entity is None:
        raise EepError(f"{path.name}: no 文件实体")
    manifest = [c for c in scan.codings if c.document == MANIFEST_ID]
    if len(manifest) != 1 or manifest[0].data is None:
        raise EepError(f"{path.name}: no readable 文档清单 ({MANIFEST_ID})")
    names = {c.document: c.name for c in scan.codings}
    entries = tuple(
        EepEntry(row.identifier, row.path, row.digests, names.get(row.identifier, ""))
        for row in parse_manifest(manifest[0].data)
    )
    mark = ARCHIVAL_CODE_NOTE + NOTE_SEPARATOR
    notes = [(n.text or "").strip() for n in entity.findall(q("附注"))]
    archival_code = next((n[len(mark) :] for n in notes if n.startswith(mark)), "")
    return EepContents(
        path,
        (entity.findtext(q("电子文件号")) or "").strip(),
        archival_code,
        (scan.root.findtext(f"{q('被签名对象')}/{q('封装包创建单位')}") or "").strip(),
        entries,
    )


def _target(dest: Path, relative: str, identifier: str) -> Path:
    try:
        safe_logical_path(relative)
    except UnsafePathError as exc:
        raise EepError(f"unsafe path {relative!r} of {identifier}: {exc}") from exc
    return dest / relative


def _differs(entry: EepEntry, found: Digests) -> EepError:
    return EepError(
        f"{entry.path}: digest differs from the EEP's 文档清单 (expected SM3 "
        f"{entry.declared.sm3} {entry.declared.size} bytes, found SM3 {found.sm3} "
        f"{found.size} bytes)"
    )


def _extract_legacy(contents: EepContents, selected: dict[Path, EepEntry]) -> None:
    for target, entry in selected.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        if entry.embedded is not None:
            target.write_bytes(entry.embedded)
            found = digest_bytes(entry.embedded)
        else:
            try:
                safe_logical_path(entry.external)
            except UnsafePathError as exc:
                raise EepError(
                    f"{entry.identifier}: unsafe 外部文件引用 {entry.external!r}"
                ) from exc
            source = contents.path.parent / entry.external
            if not source.is_file():
                raise EepError(f"{entry.identifier}: external file missing: {entry.external}")
            found = copy_and_digest(source, target)
        if found != entry.declared:
            raise _differs(entry, found)


def extract_documents(contents: EepContents, dest: Path, prefix: str) -> dict[str, Digests]:
    """Write every document whose logical path starts with ``prefix`` to
    ``dest/<path without prefix>`` (new files only); return {relative path: digests measured
    while writing}. Raises ``EepError`` when no document matches, a path is unsafe, a document
    is missing or not valid Base64, or its size or a digest differs from the 文档清单."""
    chosen = [e for e in contents.entries if e.path.startswith(prefix)]
    if not chosen:
        raise EepError(f"{contents.path.name}: no document under {prefix!r}")
    selected = {_target(dest, e.path[len(prefix) :], e.identifier): e for e in chosen}
    written = {e.path[len(prefix) :]: e.declared for e in chosen}
    if contents.legacy:
        try:
            _extract_legacy(contents, selected)
        except OSError as exc:
            raise EepError(f"cannot write under {dest.name}: {exc}") from exc
        return written
    targets = {entry.identifier: target for target, entry in selected.items()}
    try:
        with open(contents.path, "rb") as fp:
            scan = scan_eep(fp, targets=targets)
    except OSError as exc:
        raise EepError(f"cannot read {contents.path.name}: {exc}") from exc
    found = {c.document: c for c in scan.codings if c.document in targets}
    for entry in chosen:
        coding = found.get(entry.identifier)
        if coding is None:
            raise EepError(f"{entry.path}: {entry.identifier} is not in the package")
        if coding.error or coding.digests is None:
            raise EepError(f"{entry.path}: 编码数据 is not valid Base64: {coding.error}")
        if coding.digests != entry.declared:
            raise _differs(entry, coding.digests)
    return written

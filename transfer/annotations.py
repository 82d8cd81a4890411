"""Annotations that travel with transferred archives, e.g. objection marks (异议标注).

The sender's callback gives, per packaged archive, its annotation files (signed JSON documents
and attachments, kept outside the archive itself) and how many objections are still undecided.
They are written under ``其他/异议标注/<档号>/`` and summed up in lines for 说明文件.TXT; the
package manifest then covers them like every other file. The EEPs are not touched.

Writes only under the package's work directory. Raises: ``TransferPackageError``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from package.errors import UnsafePathError
from package.paths import safe_logical_path

from .errors import TransferPackageError

__all__ = ["ANNOTATIONS_DIR", "ItemAnnotations", "write_annotations"]

ANNOTATIONS_DIR = "其他/异议标注"


@dataclass(frozen=True)
class ItemAnnotations:
    """One archive's annotation files (relative name → bytes) and its undecided objections."""

    files: Mapping[str, bytes] = field(default_factory=dict)
    open_objections: int = 0


def write_annotations(
    work: Path,
    items: Sequence[tuple[str, str]],
    source: Callable[[str], ItemAnnotations | None],
) -> list[str]:
    """Write the annotations of ``items`` (archive id, 档号); return the 说明文件 lines."""
    marked = open_items = open_total = 0
    for archive_id, code in items:
        found = source(archive_id)
        if found is None or not found.files:
            continue
        marked += 1
        open_total += found.open_objections
        open_items += 1 if found.open_objections else 0
        for name, data in found.files.items():
            relative = f"{ANNOTATIONS_DIR}/{code}/{name}"
            try:
                safe_logical_path(relative)
            except UnsafePathError as exc:
                raise TransferPackageError(f"unsafe annotation name {name!r}: {exc}") from exc
            target = work / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    if not marked:
        return []
    state = (
        f"其中 {open_items} 件有未决异议（共 {open_total} 条）" if open_total else "异议均已处理"
    )
    return [
        f"异议标注：{marked} 件电子档案附有数据主体异议标注，{state}；"
        f"标注为移交单位签名（SM2 with SM3）的 JSON 文件，见 {ANNOTATIONS_DIR}/<档号>/，"
        "档案本身及其封装包未作任何改动"
    ]

"""One AIP version: build its logical layout in a directory, and verify a stored one.

Logical layout (the OCFL logical state of every version)::

    original/case.xml              the submitted bytes
    original/A/… original/B/… original/C/…
    metadata/archival.xml          DA/T 46-named archival metadata (``package.metadata``)
    metadata/ingest-report.json    all findings of the ingest
    metadata/manifest.txt          "<sm3>  <sha256>  <size>  <path>" per file above
    metadata/manifest.sig.json     the archive's signature over manifest.txt

``build_version`` reads the source package and writes ``dest``. ``read_manifest_and_verify``
(from ``package.fixity``) verifies a stored version through a caller-supplied opener.
Raises: ``BuildError``.
"""

from __future__ import annotations

import json
import os
import shutil
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from package.certificates import holder_name
from package.digest import Digests, digest_bytes
from package.errors import BuildError, PackageError
from package.fixity import OpenFile, read_manifest_and_verify
from package.manifest import (
    MANIFEST_PATH,
    SIGNATURE_PATH,
    manifest_bytes,
    sign_manifest,
    signature_json,
)
from package.metadata import ArchivalInfo, SignatureFacts, archival_metadata_xml, file_facts
from package.paths import safe_logical_path
from package.signature import ALGORITHM_OIDS, ECDSA_P256_SHA256, SM2_WITH_SM3, Signer
from package.streamcopy import copy_and_digest
from standards.case import CaseRecord
from standards.finding import Finding

__all__ = [
    "ARCHIVAL_PATH",
    "CASE_XML_PATH",
    "REPORT_PATH",
    "BuiltVersion",
    "OpenFile",
    "build_version",
    "ingest_report_json",
    "manifest_signature_facts",
    "package_signature_facts",
    "read_manifest_and_verify",
]

CASE_XML_PATH = "original/case.xml"
ARCHIVAL_PATH = "metadata/archival.xml"
REPORT_PATH = "metadata/ingest-report.json"
_FOLDERS = ("A/", "B/", "C/")


@dataclass(frozen=True)
class BuiltVersion:
    """A version written to ``root``: every logical path (metadata included) with its digests."""

    root: Path
    files: Mapping[str, Digests]
    manifest_sm3: str
    manifest_sha256: str
    key_id: str
    signature_algorithm: str


def ingest_report_json(
    info: ArchivalInfo, findings: Sequence[Finding], extra: Mapping[str, object] | None = None
) -> bytes:
    """The bytes of ``metadata/ingest-report.json``: the findings as dicts plus a summary.

    ``extra`` adds the ingest's own fields (source, package digest, …). When ``findings`` is
    empty, ``extra["findings"]`` (already dicts, e.g. an ingest resumed after a crash) is used.
    Raises ``BuildError`` if ``extra`` is not JSON-serialisable.
    """
    listed: list[object] = [f.as_dict() for f in findings]
    given = None if extra is None else extra.get("findings")
    if not listed and isinstance(given, list):
        listed = list(given)
    counts = Counter(str(f.get("status", "")) for f in listed if isinstance(f, dict))
    body: dict[str, object] = dict(extra or {})
    body.update(
        {
            "archive_id": info.archive_id,
            "object_id": info.object_id,
            "version": info.version,
            "ingested_at": info.ingested_at.isoformat(),
            "agent": info.agent,
            "summary": {"total": len(listed), **dict(sorted(counts.items()))},
            "findings": listed,
        }
    )
    try:
        text = json.dumps(body, ensure_ascii=False, indent=2)
    except (TypeError, ValueError) as exc:
        raise BuildError(f"ingest report is not JSON-serialisable: {exc}") from exc
    return (text + "\n").encode("utf-8")


def _write(dest: Path, logical: str, data: bytes) -> Digests:
    target = dest / logical
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return digest_bytes(data)


def _copy_original(
    source_root: Path, dest: Path, relative: str, measured: Mapping[str, Digests] | None
) -> Digests:
    """Copy ``source_root/relative`` to ``dest/original/relative``; hash only if not measured.

    A measured file is hard-linked when it can be (the unpacked package and the AIP being
    built are both the ingest's own work files on one file system): the same bytes, without a
    second copy and a new inode per file; storage makes its own copy when the version is stored.
    """
    source = source_root / relative
    target = dest / "original" / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    known = None if measured is None else measured.get(relative)
    if known is not None:
        try:
            os.link(source, target)
        except OSError:  # another file system, or links not allowed: copy
            shutil.copyfile(source, target)
        if target.stat().st_size != known.size:
            raise BuildError(f"{relative}: size {target.stat().st_size} != measured {known.size}")
        return known
    return copy_and_digest(source, target)


def _check_dest(dest: Path) -> None:
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BuildError(f"destination exists and is not an empty directory: {dest.name}")
    dest.mkdir(parents=True, exist_ok=True)


def _relative_paths(case: CaseRecord) -> list[str]:
    paths = ["case.xml"]
    for entry in case.files:
        safe_logical_path(entry.path)
        if not entry.path.startswith(_FOLDERS):
            raise BuildError(f"case file outside A/, B/, C/: {entry.path}")
        paths.append(entry.path)
    if len(set(paths)) != len(paths):
        raise BuildError("case lists a file twice")
    return paths


_RULES = {
    SM2_WITH_SM3: "SM2 签名（GB/T 32918，杂凑 SM3）",
    ECDSA_P256_SHA256: "ECDSA P-256 签名（杂凑 SHA-256）",
}


def package_signature_facts(
    signer: Signer, info: ArchivalInfo, certificates: Sequence[bytes] = ()
) -> SignatureFacts:
    """The DA/T 46 电子签名 group of the archive's signature over a version's manifest: its
    value and certificate chain are in ``metadata/manifest.sig.json`` (it cannot be inside the
    files it signs)."""
    return manifest_signature_facts(signer, info.ingested_at, certificates)


def manifest_signature_facts(
    signer: Signer, signed_at: datetime, certificates: Sequence[bytes] = ()
) -> SignatureFacts:
    """``package_signature_facts`` for a signature made at ``signed_at``."""
    rule = (
        f"{_RULES.get(signer.algorithm, signer.algorithm)}，对象为 {MANIFEST_PATH} 的原始字节"
        f"（本版本每个文件的 SM3 与 SHA-256 摘要）；签名结果与证书链见 {SIGNATURE_PATH}"
    )
    holder = holder_name(certificates[0]) if certificates else ""
    return SignatureFacts(
        rule=rule,
        signed_at=signed_at,
        signer=holder,
        value=b"",
        certificate=certificates[0] if certificates else b"",
        reference=SIGNATURE_PATH if certificates else f"{SIGNATURE_PATH}（密钥 {signer.key_id}）",
        algorithm=ALGORITHM_OIDS.get(signer.algorithm, signer.algorithm),
    )


def build_version(
    dest: Path,
    source_root: Path,
    case: CaseRecord,
    info: ArchivalInfo,
    signer: Signer,
    findings: Sequence[Finding],
    measured: Mapping[str, Digests] | None = None,
    report: Mapping[str, object] | None = None,
    certificates: Sequence[bytes] = (),
    signatures: Mapping[str, Sequence[SignatureFacts]] | None = None,
) -> BuiltVersion:
    """Write one complete AIP version (the logical layout above) into ``dest``.

    Copies ``source_root/case.xml`` and the case's files byte for byte; digests of originals come
    from ``measured`` (keyed "case.xml", "A/x.pdf") when given, else are computed while copying;
    generated files are hashed from their bytes. ``report`` adds fields to ingest-report.json
    (see ``ingest_report_json``). The manifest is signed at ``info.ingested_at``; the signature
    carries ``certificates`` (DER, the signer's first) naming the key's holder when given.
    ``signatures`` (keyed like ``measured``) are the signatures and seals found in the files,
    recorded as DA/T 46 电子签名 groups.
    ``dest`` must be absent or empty. Writes no completion marker: the caller marks completion.
    Raises ``BuildError`` (unsafe or duplicate path, missing source file, I/O error, bad metadata).
    """
    try:
        _check_dest(dest)
        originals = {
            rel: _copy_original(source_root, dest, rel, measured) for rel in _relative_paths(case)
        }
        files: dict[str, Digests] = {"original/" + rel: d for rel, d in originals.items()}
        facts = file_facts(case, originals, signatures)
        own = package_signature_facts(signer, info, certificates)
        metadata = archival_metadata_xml(case, info, facts, own)
        files[ARCHIVAL_PATH] = _write(dest, ARCHIVAL_PATH, metadata)
        files[REPORT_PATH] = _write(dest, REPORT_PATH, ingest_report_json(info, findings, report))
        manifest = manifest_bytes(files)
        record = sign_manifest(manifest, signer, info.ingested_at, certificates)
        files[MANIFEST_PATH] = _write(dest, MANIFEST_PATH, manifest)
        files[SIGNATURE_PATH] = _write(dest, SIGNATURE_PATH, signature_json(record))
    except BuildError:
        raise
    except (PackageError, OSError) as exc:
        raise BuildError(f"cannot build AIP version: {exc}") from exc
    return BuiltVersion(
        root=dest,
        files=dict(sorted(files.items())),
        manifest_sm3=record.manifest_sm3,
        manifest_sha256=record.manifest_sha256,
        key_id=record.key_id,
        signature_algorithm=record.algorithm,
    )

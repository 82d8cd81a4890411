"""Fixity of one OCFL object in one storage location (DA/T 70 BC-1-1, BC-2-3, BC-1-5).

``audit_object`` checks the root and version inventories (sidecar digests), then streams every
stored content file of every version from the store once through SM3 and SHA-256
(``package.digest.digest_stream``, on the executor given — hashlib releases the GIL on large
buffers — or inline, as the audit's worker processes do), and compares them with the
inventory's sha256 and with each version's signed manifest (SM3 + SHA-256 per logical path),
whose signature is verified too. Each physical file is hashed once even when several versions
share it.

Reads: the store (never writes it). Never raises for damaged storage: every problem is a finding
naming the object, version, file, algorithm, expected and found digest.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from package.digest import Digests, digest_bytes, digest_stream
from package.errors import ManifestError, SignatureError
from package.manifest import (
    MANIFEST_PATH,
    SIGNATURE_PATH,
    check_signature,
    parse_manifest,
    parse_signature,
)
from standards.finding import Finding, Status
from standards.findings import make

from .events import Event
from .ocfl_root import OBJECT_DECLARATION, InventoryError, OcflRoot
from .storage import ObjectNotFoundError, ObjectStore, StorageError

__all__ = [
    "MAX_SMALL",
    "AuditContext",
    "ObjectAudit",
    "audit_object",
    "read_small",
    "unreadable_root",
]

MAX_SMALL = 64 << 20  # manifest and signature files are read whole, up to this size
_VERSION = re.compile(r"v(\d+)")
_SMALL_PATHS = (MANIFEST_PATH, SIGNATURE_PATH)
_ROOT_FILES = ("inventory.json", "inventory.json.sha256", OBJECT_DECLARATION[0])


def _same(object_id: str) -> str:
    return object_id


@dataclass(frozen=True)
class AuditContext:
    """What a run needs besides the root: where, when, who, and how to report."""

    location: str
    clock: Callable[[], datetime]
    record: Callable[[Event], object] | None = None
    agent: str = "earchive"
    trusted_key_pem: str | None = None
    name_of: Callable[[str], str] = _same  # object id → the archive id shown to people


@dataclass(frozen=True)
class ObjectAudit:
    """One object's audit in one location: PASS only when no finding failed."""

    object_id: str
    location: str
    outcome: Status
    findings: tuple[Finding, ...]
    files: int
    bytes: int
    audited_at: datetime


# -- reading ------------------------------------------------------------------------------------

Measured = Digests | StorageError


def _measure(store: ObjectStore, key: str) -> Measured:
    """Stream one stored file once through SM3 and SHA-256."""
    try:
        with store.open(key) as fp:
            return digest_stream(fp)
    except StorageError as exc:
        return exc
    except OSError as exc:
        return StorageError(f"cannot read {key!r}: {exc}")


def read_small(store: ObjectStore, key: str) -> bytes | StorageError:
    try:
        with store.open(key) as fp:
            data = fp.read(MAX_SMALL + 1)
    except StorageError as exc:
        return exc
    except OSError as exc:
        return StorageError(f"cannot read {key!r}: {exc}")
    if len(data) > MAX_SMALL:
        return StorageError(f"{key!r} is larger than {MAX_SMALL} bytes")
    return bytes(data)


def _state(inv: Mapping[str, Any], version: str) -> dict[str, str]:
    entry = inv["versions"].get(version)
    if not isinstance(entry, dict) or not isinstance(entry.get("state"), dict):
        raise InventoryError(f"{inv.get('id')!r} has no state for {version!r}")
    return {path: digest for digest, paths in entry["state"].items() for path in paths}


def _version_number(name: str) -> int:
    match = _VERSION.fullmatch(name)
    return int(match.group(1)) if match else 0


# -- one object ---------------------------------------------------------------------------------


# ``make`` takes evidence keywords of any type; mypy cannot tell ``**fmt`` never holds ``tool``.
_make: Callable[..., Finding] = make


class _Report:
    """Collects one object's findings with the evidence every one of them carries."""

    def __init__(self, object_id: str, ctx: AuditContext) -> None:
        self.object_id = object_id
        self.ctx = ctx
        self.findings: list[Finding] = []

    def add(
        self,
        code: str,
        *,
        path: str,
        version: str = "head",
        expected: str = "",
        found: str = "",
        **fmt: object,
    ) -> None:
        self.findings.append(
            _make(
                code,
                path=path,
                expected=expected,
                found=found,
                object_id=self.object_id,
                archive_id=self.ctx.name_of(self.object_id),
                location=self.ctx.location,
                version=version,
                **fmt,
            )
        )

    @property
    def failed(self) -> bool:
        return any(f.status is Status.FAIL for f in self.findings)


def _check_inventories(root: OcflRoot, object_id: str, report: _Report) -> dict[str, Any] | None:
    """The root inventory (None if absent or invalid: reported), then each version's copy."""
    try:
        inv = root.read_inventory(object_id)
    except InventoryError as exc:
        report.add("FIXITY_INVENTORY_INVALID", path="inventory.json", reason=str(exc))
        return None
    except StorageError as exc:
        report.add("FIXITY_UNREADABLE", path="inventory.json", error=str(exc))
        return None
    if inv is None:
        report.add("FIXITY_MISSING", path="inventory.json", key=root.object_root(object_id))
        return None
    objroot = root.object_root(object_id)
    try:
        if not root.store.exists(f"{objroot}/{OBJECT_DECLARATION[0]}"):
            report.add("FIXITY_MISSING", path=OBJECT_DECLARATION[0], version="v1")
    except StorageError as exc:
        report.add("FIXITY_UNREADABLE", path=OBJECT_DECLARATION[0], error=str(exc))
    for version in sorted(inv["versions"], key=_version_number):
        path = f"{version}/inventory.json"
        try:
            if root.read_version_inventory(object_id, version) is None:
                report.add("FIXITY_MISSING", path=path, version=version)
        except InventoryError as exc:
            report.add("FIXITY_INVENTORY_INVALID", path=path, version=version, reason=str(exc))
        except StorageError as exc:
            report.add("FIXITY_UNREADABLE", path=path, version=version, error=str(exc))
    return inv


def _check_signature(
    report: _Report, version: str, manifest: bytes, signature: bytes | StorageError | None
) -> None:
    if not isinstance(signature, bytes):
        reason = "signature file missing" if signature is None else str(signature)
        report.add("FIXITY_SIGNATURE_INVALID", path=SIGNATURE_PATH, version=version, reason=reason)
        return
    try:
        record = parse_signature(signature)
    except SignatureError as exc:
        report.add(
            "FIXITY_SIGNATURE_INVALID", path=SIGNATURE_PATH, version=version, reason=str(exc)
        )
        return
    check = check_signature(record, manifest, report.ctx.trusted_key_pem)
    if not (check.intact and check.valid):
        report.add(
            "FIXITY_SIGNATURE_INVALID", path=MANIFEST_PATH, version=version, reason=check.problem
        )
    elif check.trusted is False:
        report.add(
            "FIXITY_SIGNATURE_UNTRUSTED", path=MANIFEST_PATH, version=version, key_id=check.key_id
        )


def audit_object(
    root: OcflRoot, object_id: str, ctx: AuditContext, pool: Executor | None = None
) -> ObjectAudit:
    """Audit one object in ``root``; file hashing runs on ``pool``, or inline without one."""
    report = _Report(object_id, ctx)
    inv = _check_inventories(root, object_id, report)
    if inv is None:
        return _finish(report, 0, 0)
    store, objroot = root.store, root.object_root(object_id)
    versions = sorted(inv["versions"], key=_version_number)
    sha_of = {cp: sha for sha, cps in inv["manifest"].items() for cp in cps}
    states = {v: _state(inv, v) for v in versions}
    small = {
        inv["manifest"][state[p]][0]
        for state in states.values()
        for p in _SMALL_PATHS
        if p in state and state[p] in inv["manifest"]
    }
    if pool is None:
        results: dict[str, Any] = {
            cp: (read_small if cp in small else _measure)(store, f"{objroot}/{cp}")
            for cp in sorted(sha_of)
        }
    else:
        futures: dict[str, Future[Any]] = {
            cp: pool.submit(read_small if cp in small else _measure, store, f"{objroot}/{cp}")
            for cp in sorted(sha_of)
        }
        results = {cp: future.result() for cp, future in futures.items()}
    measured: dict[str, Measured] = {}
    small_bytes: dict[str, bytes] = {}
    for cp, result in results.items():
        if isinstance(result, bytes):
            small_bytes[cp] = result
            measured[cp] = digest_bytes(result)
        else:
            measured[cp] = result

    # SHA-256 of every stored file against the inventory (each physical file once)
    for cp, want in sorted(sha_of.items()):
        have, version = measured[cp], cp.split("/", 1)[0]
        if isinstance(have, ObjectNotFoundError):
            report.add(
                "FIXITY_MISSING", path=cp, version=version, expected=want, algorithm="SHA-256"
            )
        elif isinstance(have, StorageError):
            report.add("FIXITY_UNREADABLE", path=cp, version=version, error=str(have))
        elif have.sha256 != want:
            report.add(
                "FIXITY_MISMATCH",
                path=cp,
                version=version,
                expected=want,
                found=have.sha256,
                algorithm="SHA-256",
                source="OCFL inventory",
                size=have.size,
            )

    # each version's signed manifest: signature, SM3 per file, agreement with the inventory
    sm3_reported: set[str] = set()
    for version in versions:
        _check_version_manifest(
            report, version, states[version], inv, measured, small_bytes, sm3_reported
        )
    _check_extra(report, store, objroot, inv, sha_of)
    files = sum(1 for m in measured.values() if isinstance(m, Digests))
    size = sum(m.size for m in measured.values() if isinstance(m, Digests))
    if not report.failed:
        report.add("FIXITY_OK", path="", files=files, versions=len(versions), bytes=size)
    return _finish(report, files, size)


def _check_version_manifest(
    report: _Report,
    version: str,
    state: Mapping[str, str],
    inv: Mapping[str, Any],
    measured: Mapping[str, Measured],
    small_bytes: Mapping[str, bytes],
    sm3_reported: set[str],
) -> None:
    def content_path(logical: str) -> str:
        return str(inv["manifest"][state[logical]][0])

    if MANIFEST_PATH not in state:
        report.add(
            "FIXITY_MANIFEST_INVALID",
            path=MANIFEST_PATH,
            version=version,
            reason="the version has no signed manifest",
        )
        return
    manifest = small_bytes.get(content_path(MANIFEST_PATH))
    if manifest is None:
        return  # missing or unreadable: reported with the file
    signature: bytes | StorageError | None = None
    if SIGNATURE_PATH in state:
        signature = small_bytes.get(content_path(SIGNATURE_PATH))
        if signature is None:
            m = measured.get(content_path(SIGNATURE_PATH))
            signature = m if isinstance(m, StorageError) else None
    _check_signature(report, version, manifest, signature)
    try:
        listing = parse_manifest(manifest)
    except ManifestError as exc:
        report.add("FIXITY_MANIFEST_INVALID", path=MANIFEST_PATH, version=version, reason=str(exc))
        return
    for logical, want in listing.items():
        if logical not in state:
            report.add(
                "FIXITY_MISSING",
                path=logical,
                version=version,
                expected=want.sha256,
                algorithm="SHA-256",
            )
            continue
        if want.sha256 != state[logical]:
            report.add(
                "FIXITY_MANIFEST_INVALID",
                path=MANIFEST_PATH,
                version=version,
                expected=want.sha256,
                found=state[logical],
                reason=f"{logical}: signed sha256 differs from the OCFL inventory",
            )
        cp = content_path(logical)
        have = measured.get(cp)
        if isinstance(have, Digests) and have.sm3 != want.sm3 and cp not in sm3_reported:
            sm3_reported.add(cp)
            report.add(
                "FIXITY_MISMATCH",
                path=cp,
                version=cp.split("/", 1)[0],
                expected=want.sm3,
                found=have.sm3,
                algorithm="SM3",
                source=f"signed manifest of {version}",
                logical_path=logical,
                size=have.size,
            )
    for logical in sorted(set(state) - set(listing) - set(_SMALL_PATHS)):
        report.add(
            "FIXITY_MANIFEST_INVALID",
            path=MANIFEST_PATH,
            version=version,
            reason=f"{logical} is stored but not in the signed manifest",
        )


def _check_extra(
    report: _Report,
    store: ObjectStore,
    objroot: str,
    inv: Mapping[str, Any],
    sha_of: Mapping[str, str],
) -> None:
    """Files under the object root the inventory does not account for (WARN)."""
    head = _version_number(str(inv["head"]))
    known = set(_ROOT_FILES) | set(sha_of)
    for version in inv["versions"]:
        known |= {f"{version}/inventory.json", f"{version}/inventory.json.sha256"}
    try:
        keys = list(store.list(f"{objroot}/"))
    except StorageError as exc:
        report.add("FIXITY_UNREADABLE", path=objroot, error=str(exc))
        return
    for key in keys:
        rel = key[len(objroot) + 1 :]
        first = rel.split("/", 1)[0]
        if rel in known or first == "extensions" or _version_number(first) > head:
            continue  # extensions, or a version being written right now
        report.add("FIXITY_EXTRA", path=rel)


def _finish(report: _Report, files: int, size: int) -> ObjectAudit:
    outcome = Status.FAIL if report.failed else Status.PASS
    return ObjectAudit(
        object_id=report.object_id,
        location=report.ctx.location,
        outcome=outcome,
        findings=tuple(report.findings),
        files=files,
        bytes=size,
        audited_at=report.ctx.clock(),
    )


def unreadable_root(objroot: str, ctx: AuditContext) -> ObjectAudit:
    report = _Report(objroot, ctx)
    report.add(
        "FIXITY_INVENTORY_INVALID",
        path="inventory.json",
        reason="the object's id cannot be read from its directory or its inventory",
    )
    return _finish(report, 0, 0)

"""Restore an OCFL object from another storage location (a replica), verifying as it streams.

``copy_object(source, target, object_id)`` makes the target's copy of one object equal to the
source's: every key of the source object (declaration, content files, version inventories, root
inventory and sidecar — in OCFL write order, root pointers last) that is missing from the target
is ``put``; one whose bytes differ is repaired (``repair`` on a write-once key: only a corrupt
file is replaced, only by bytes that match; ``replace`` on a pointer). Every byte copied passes
through SM3 and SHA-256 on its way: a stream whose digests differ from the source's inventory
and signed manifest raises at its end, before the target publishes anything. The source is
trusted only as far as it verifies: its inventories must match their sidecars. A target whose
head is newer than the source's keeps its root pointers (a lagging replica never rolls back the
primary). The same function retries a failed replica write (primary → replica).

Reads: both stores. Writes: the target store. Never raises for damaged data: returns findings.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO, Protocol, cast, runtime_checkable

from package.digest import digest_bytes
from package.errors import ManifestError
from package.manifest import MANIFEST_PATH, parse_manifest
from standards.finding import Finding, Status
from standards.findings import make

from .events import Event
from .ocfl_root import OBJECT_DECLARATION, InventoryError, OcflRoot, inventory_sidecar
from .storage import ObjectNotFoundError, ObjectStore, Source, StorageError, is_pointer_key

__all__ = [
    "CopyOutcome",
    "DigestMismatchError",
    "RepairableStore",
    "copy_object",
    "restore_object",
]

_BLOCK = 1 << 20
_MAX_SMALL = 64 << 20


class DigestMismatchError(StorageError):
    """Bytes streamed from the source do not have the digests they must have."""


@runtime_checkable
class RepairableStore(Protocol):
    """A store that can replace a corrupt write-once object (``FsStore``, ``S3Store``)."""

    def repair(self, key: str, source: Source, expected_sha256: str) -> bool: ...


@dataclass(frozen=True)
class _Want:
    """A key to copy and the digests its bytes must have (``data`` when already read)."""

    rel: str
    sha256: str
    sm3: str | None = None
    data: bytes | None = None


class _Verifying(io.RawIOBase):
    """A read-through stream that hashes (SM3 + SHA-256) and raises at its end on a mismatch."""

    def __init__(self, raw: BinaryIO, want: _Want) -> None:
        self._raw, self._want = raw, want
        self._sha, self._sm3 = hashlib.sha256(), hashlib.new("sm3")
        self._checked = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(len(buffer))
        n = len(data)
        if n:
            buffer[:n] = data
            self._sha.update(data)
            self._sm3.update(data)
        elif not self._checked:
            self._checked = True
            self._check()
        return n

    def _check(self) -> None:
        found = self._sha.hexdigest()
        if found != self._want.sha256:
            raise DigestMismatchError(
                f"{self._want.rel}: SHA-256 expected {self._want.sha256}, found {found}"
            )
        sm3 = self._sm3.hexdigest()
        if self._want.sm3 is not None and sm3 != self._want.sm3:
            raise DigestMismatchError(
                f"{self._want.rel}: SM3 expected {self._want.sm3}, found {sm3}"
            )

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


@dataclass(frozen=True)
class CopyOutcome:
    """What ``copy_object`` did: keys written new, keys repaired, and one finding per key."""

    object_id: str
    source: str
    target: str
    copied: tuple[str, ...] = ()
    repaired: tuple[str, ...] = ()
    findings: tuple[Finding, ...] = ()

    @property
    def ok(self) -> bool:
        return not any(f.status is Status.FAIL for f in self.findings)


def _read(store: ObjectStore, key: str) -> bytes:
    with store.open(key) as fp:
        data = fp.read(_MAX_SMALL + 1)
    if len(data) > _MAX_SMALL:
        raise StorageError(f"{key!r} is larger than {_MAX_SMALL} bytes")
    return bytes(data)


def _sidecar_digest(sidecar: bytes) -> str:
    return sidecar.decode("ascii", "replace").split(" ", 1)[0].strip().lower()


def _sha256_of(store: ObjectStore, key: str) -> str | None:
    """The stored object's SHA-256, or None when it is missing or unreadable."""
    sha = hashlib.sha256()
    try:
        with store.open(key) as fp:
            while block := fp.read(_BLOCK):
                sha.update(block)
    except (StorageError, OSError):
        return None
    return sha.hexdigest()


def _head_number(inv: dict[str, Any] | None) -> int:
    return int(str(inv["head"])[1:]) if inv else 0


def _plan(source: OcflRoot, object_id: str) -> list[_Want]:
    """Every key of the source object with the digests it must have, in OCFL write order.

    Raises ``InventoryError``/``StorageError`` when the source itself cannot be trusted.
    """
    inv = source.read_inventory(object_id)
    if inv is None:
        raise ObjectNotFoundError(f"the source holds no {object_id!r}")
    store, objroot = source.store, source.object_root(object_id)
    versions = sorted(inv["versions"], key=lambda v: int(v[1:]))
    inventories: list[_Want] = []
    for version in versions:
        data = _read(store, f"{objroot}/{version}/inventory.json")
        sidecar = _read(store, f"{objroot}/{version}/inventory.json.sha256")
        sha = hashlib.sha256(data).hexdigest()
        if _sidecar_digest(sidecar) != sha:
            raise InventoryError(f"source {version}/inventory.json does not match its sidecar")
        inventories.append(_Want(f"{version}/inventory.json", sha, data=data))
        digest = hashlib.sha256(sidecar).hexdigest()
        inventories.append(_Want(f"{version}/inventory.json.sha256", digest, data=sidecar))
    root_bytes = inventories[-2].data  # the head's inventory is the root inventory
    assert root_bytes is not None
    sm3_of: dict[str, str] = {}
    for version in versions:  # SM3 per content path from each version's signed manifest
        state = {p: d for d, ps in inv["versions"][version]["state"].items() for p in ps}
        if MANIFEST_PATH not in state:
            continue
        manifest_cp = inv["manifest"][state[MANIFEST_PATH]][0]
        data = _read(store, f"{objroot}/{manifest_cp}")
        if hashlib.sha256(data).hexdigest() != state[MANIFEST_PATH]:
            raise InventoryError(f"source {manifest_cp} does not match its inventory digest")
        try:
            listing = parse_manifest(data)
        except ManifestError as exc:
            raise InventoryError(f"source {manifest_cp}: {exc}") from exc
        for logical, digests in listing.items():
            if logical in state and digests.sha256 == state[logical]:
                sm3_of[inv["manifest"][state[logical]][0]] = digests.sm3
    content = [_Want(cp, sha, sm3_of.get(cp)) for sha, cps in inv["manifest"].items() for cp in cps]
    declaration = _Want(
        OBJECT_DECLARATION[0],
        digest_bytes(OBJECT_DECLARATION[1]).sha256,
        data=OBJECT_DECLARATION[1],
    )
    sidecar = inventory_sidecar(root_bytes)
    pointers = [
        _Want("inventory.json", hashlib.sha256(root_bytes).hexdigest(), data=root_bytes),
        _Want("inventory.json.sha256", hashlib.sha256(sidecar).hexdigest(), data=sidecar),
    ]
    return [declaration, *sorted(content, key=lambda w: w.rel), *inventories, *pointers]


def _diverged(store: ObjectStore, objroot: str, plan: list[_Want]) -> str:
    """The first version inventory the target holds, intact, with other bytes than the source."""
    for want in plan:
        if not want.rel.endswith("/inventory.json") or want.rel.count("/") != 1:
            continue
        try:
            data = _read(store, f"{objroot}/{want.rel}")
            sidecar = _read(store, f"{objroot}/{want.rel}.sha256")
        except StorageError:
            continue  # missing or unreadable: restorable
        sha = hashlib.sha256(data).hexdigest()
        if sha != want.sha256 and _sidecar_digest(sidecar) == sha:
            return want.rel
    return ""


def copy_object(
    source: OcflRoot,
    target: OcflRoot,
    object_id: str,
    *,
    source_name: str = "replica",
    target_name: str = "primary",
    name_of: Callable[[str], str] = lambda oid: oid,
) -> CopyOutcome:
    """Make ``target``'s copy of ``object_id`` equal to ``source``'s (see the module docstring)."""
    common = {"object_id": object_id, "archive_id": name_of(object_id), "source": source_name}
    try:
        plan = _plan(source, object_id)
    except StorageError as exc:
        failed = make("FIXITY_RESTORE_FAILED", path="inventory.json", reason=str(exc), **common)
        return CopyOutcome(object_id, source_name, target_name, findings=(failed,))
    try:
        target_head = _head_number(target.read_inventory(object_id))
    except StorageError:
        target_head = 0
    source_head = _head_number(source.read_inventory(object_id))
    src_root, dst_root = source.object_root(object_id), target.object_root(object_id)
    diverged = _diverged(target.store, dst_root, plan)
    if diverged:
        reason = f"the two copies hold different valid {diverged}; not overwritten"
        failed = make("FIXITY_RESTORE_FAILED", path=diverged, reason=reason, **common)
        return CopyOutcome(object_id, source_name, target_name, findings=(failed,))
    copied: list[str] = []
    repaired: list[str] = []
    findings: list[Finding] = []
    for want in plan:
        key = f"{dst_root}/{want.rel}"
        if is_pointer_key(key) and target_head > source_head:
            reason = f"the target is at v{target_head}, newer than the source's v{source_head}"
            findings.append(make("FIXITY_RESTORE_FAILED", path=want.rel, reason=reason, **common))
            continue
        current = _sha256_of(target.store, key)
        if current == want.sha256:
            continue
        try:
            with _source(source.store, src_root, want) as data:
                if not target.store.exists(key):
                    target.store.put(key, data)
                    copied.append(want.rel)
                elif is_pointer_key(key):
                    assert want.data is not None  # pointers are planned with their bytes
                    target.store.replace(key, want.data)
                    repaired.append(want.rel)
                elif isinstance(target.store, RepairableStore):
                    target.store.repair(key, data, want.sha256)
                    repaired.append(want.rel)
                else:
                    raise StorageError(f"{target.store!r} cannot repair a write-once object")
        except StorageError as exc:
            findings.append(make("FIXITY_RESTORE_FAILED", path=want.rel, reason=str(exc), **common))
            continue
        findings.append(
            make("FIXITY_RESTORED", Status.PASS, path=want.rel, expected=want.sha256, **common)
        )
    return CopyOutcome(
        object_id, source_name, target_name, tuple(copied), tuple(repaired), tuple(findings)
    )


@contextlib.contextmanager
def _source(store: ObjectStore, objroot: str, want: _Want) -> Iterator[Source]:
    """The bytes of ``want`` from the source: kept bytes, or a verifying stream (closed after)."""
    if want.data is not None:
        yield want.data
        return
    raw = store.open(f"{objroot}/{want.rel}")
    with io.BufferedReader(_Verifying(raw, want), buffer_size=_BLOCK) as stream:
        yield cast(BinaryIO, stream)


def restore_object(
    source: OcflRoot,
    target: OcflRoot,
    object_id: str,
    *,
    record: Callable[[Event], object] | None,
    clock: Callable[[], datetime],
    agent: str = "earchive",
    source_name: str = "replica",
    target_name: str = "primary",
    name_of: Callable[[str], str] = lambda oid: oid,
    action: str = "restore",
) -> CopyOutcome:
    """``copy_object``, logged as one event (``action``) on the archive."""
    outcome = copy_object(
        source,
        target,
        object_id,
        source_name=source_name,
        target_name=target_name,
        name_of=name_of,
    )
    if record is not None:
        status = Status.PASS if outcome.ok else Status.FAIL
        detail: dict[str, object] = {
            "object_id": object_id,
            "from": source_name,
            "to": target_name,
            "copied": list(outcome.copied),
            "repaired": list(outcome.repaired),
            "failed": [f.path for f in outcome.findings if f.status is Status.FAIL],
        }
        record(Event(agent, action, name_of(object_id), status.value, clock(), detail))
    return outcome

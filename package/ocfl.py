"""Pure OCFL 1.1 inventory logic: one object per archive, sha256 content addressing.

Version directories are ``v1``, ``v2``, … (not zero-padded), content lives under
``vN/content/<logical path>`` (the default content directory, so ``contentDirectory`` is omitted),
and a digest already in the manifest is never stored again (forward-delta deduplication, also
within one version). SM3 is not an OCFL digest: it lives in the version's signed
``metadata/manifest.txt``, never in a ``fixity`` block.

Reads/writes nothing: inventories are plain dicts, serialised by ``inventory_bytes``. The caller
writes content first, then ``vN/inventory.json`` (+ sidecar), then the root inventory.
Raises: ``InventoryError``, ``UnsafePathError``.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Mapping
from datetime import datetime

from package.errors import InventoryError
from package.paths import safe_logical_path

__all__ = [
    "CONTENT_DIRECTORY",
    "DIGEST_ALGORITHM",
    "INVENTORY_NAME",
    "INVENTORY_TYPE",
    "SIDECAR_NAME",
    "content_path",
    "inventory_bytes",
    "new_inventory",
    "next_inventory",
    "object_declaration",
    "storage_root_declaration",
    "stored_paths",
    "version_state",
]

INVENTORY_TYPE = "https://ocfl.io/1.1/spec/#inventory"
DIGEST_ALGORITHM = "sha256"
CONTENT_DIRECTORY = "content"
INVENTORY_NAME = "inventory.json"
SIDECAR_NAME = "inventory.json.sha256"
_VERSION = re.compile(r"v([1-9][0-9]*)")
_SHA256 = re.compile(r"[0-9a-f]{64}")


def object_declaration() -> tuple[str, bytes]:
    """The object's NAMASTE declaration file: (name, content)."""
    return "0=ocfl_object_1.1", b"ocfl_object_1.1\n"


def storage_root_declaration() -> tuple[str, bytes]:
    """The storage root's NAMASTE declaration file: (name, content)."""
    return "0=ocfl_1.1", b"ocfl_1.1\n"


def content_path(version: str, logical_path: str) -> str:
    """Where ``logical_path`` is stored when first added in ``version``: ``vN/content/<path>``."""
    _version_number(version)
    return f"{version}/{CONTENT_DIRECTORY}/{safe_logical_path(logical_path)}"


def _version_number(version: str) -> int:
    match = _VERSION.fullmatch(version)
    if match is None:
        raise InventoryError(f"not a version name of the form vN: {version!r}")
    return int(match.group(1))


def _created(created: datetime) -> str:
    if created.tzinfo is None or created.utcoffset() is None:
        raise InventoryError("version created time must be timezone-aware")
    return created.isoformat()


def _checked_state(state: Mapping[str, str]) -> dict[str, str]:
    if not state:
        raise InventoryError("a version needs at least one file")
    for path, digest in state.items():
        safe_logical_path(path)
        if not _SHA256.fullmatch(digest):
            raise InventoryError(f"not a lower-case sha256 digest for {path}: {digest!r}")
    directories = {path.rsplit("/", n)[0] for path in state for n in range(1, path.count("/") + 1)}
    clash = directories.intersection(state)
    if clash:
        raise InventoryError(f"logical path is also a directory: {sorted(clash)[0]}")
    return dict(state)


def _add_version(
    inventory: dict[str, object],
    version: str,
    state: Mapping[str, str],
    created: datetime,
    message: str,
    user_name: str,
    user_address: str,
) -> dict[str, str]:
    """Add ``version`` to ``inventory`` in place; return {logical path: content path} to store."""
    manifest = inventory["manifest"]
    versions = inventory["versions"]
    assert isinstance(manifest, dict) and isinstance(versions, dict)  # checked by callers
    to_store: dict[str, str] = {}
    by_digest: dict[str, list[str]] = {}
    for path in sorted(state):
        by_digest.setdefault(state[path], []).append(path)
    for digest, paths in sorted(by_digest.items()):
        if digest not in manifest:
            target = content_path(version, paths[0])
            manifest[digest] = [target]
            to_store[paths[0]] = target
    versions[version] = {
        "created": _created(created),
        "message": message,
        "user": {"name": user_name, "address": user_address},
        "state": dict(sorted(by_digest.items())),
    }
    inventory["head"] = version
    return to_store


def new_inventory(
    object_id: str,
    state: Mapping[str, str],
    created: datetime,
    message: str,
    user_name: str,
    user_address: str,
) -> dict[str, object]:
    """The inventory of a new object whose only version ``v1`` has ``state`` (path → sha256).

    ``user_address`` should be a URI (``mailto:``, ``urn:``…). The files to store are
    ``stored_paths(inventory, "v1")``.
    """
    if not object_id:
        raise InventoryError("object id must not be empty")
    inventory: dict[str, object] = {
        "id": object_id,
        "type": INVENTORY_TYPE,
        "digestAlgorithm": DIGEST_ALGORITHM,
        "head": "v1",
        "manifest": {},
        "versions": {},
    }
    _add_version(inventory, "v1", _checked_state(state), created, message, user_name, user_address)
    return inventory


def _checked_inventory(inventory: Mapping[str, object]) -> tuple[int, dict[str, object]]:
    if inventory.get("type") != INVENTORY_TYPE:
        raise InventoryError(f"not an OCFL 1.1 inventory: type {inventory.get('type')!r}")
    if inventory.get("digestAlgorithm") != DIGEST_ALGORITHM:
        raise InventoryError("only sha256 inventories are supported")
    if inventory.get("contentDirectory", CONTENT_DIRECTORY) != CONTENT_DIRECTORY:
        raise InventoryError("only the default content directory is supported")
    head = inventory.get("head")
    if not isinstance(head, str):
        raise InventoryError("inventory has no head")
    number = _version_number(head)
    versions, manifest = inventory.get("versions"), inventory.get("manifest")
    if not isinstance(versions, dict) or not isinstance(manifest, dict):
        raise InventoryError("inventory lacks versions or manifest")
    if sorted(versions) != sorted(f"v{n}" for n in range(1, number + 1)):
        raise InventoryError(f"versions are not v1…{head}")
    return number, copy.deepcopy(dict(inventory))


def next_inventory(
    previous: Mapping[str, object],
    state: Mapping[str, str],
    created: datetime,
    message: str,
    user_name: str,
    user_address: str,
) -> tuple[dict[str, object], dict[str, str]]:
    """A copy of ``previous`` with version vN+1 of ``state`` added as head.

    Returns (inventory, {logical path: content path}) — only the content whose digest the object
    does not hold yet needs storing. ``previous`` is not modified.
    """
    number, inventory = _checked_inventory(previous)
    to_store = _add_version(
        inventory,
        f"v{number + 1}",
        _checked_state(state),
        created,
        message,
        user_name,
        user_address,
    )
    return inventory, to_store


def stored_paths(inventory: Mapping[str, object], version: str) -> dict[str, str]:
    """{logical path: content path} of the content first stored in ``version``."""
    prefix = f"{version}/{CONTENT_DIRECTORY}/"
    manifest = inventory.get("manifest")
    if not isinstance(manifest, dict):
        raise InventoryError("inventory lacks a manifest")
    out: dict[str, str] = {}
    for paths in manifest.values():
        for path in paths:
            if isinstance(path, str) and path.startswith(prefix):
                out[path[len(prefix) :]] = path
    return dict(sorted(out.items()))


def version_state(inventory: Mapping[str, object], version: str) -> dict[str, str]:
    """The logical state of ``version``: {logical path: sha256}."""
    versions = inventory.get("versions")
    if not isinstance(versions, dict) or version not in versions:
        raise InventoryError(f"inventory has no version {version!r}")
    entry = versions[version]
    state = entry.get("state") if isinstance(entry, dict) else None
    if not isinstance(state, dict):
        raise InventoryError(f"version {version} has no state")
    out: dict[str, str] = {}
    for digest, paths in state.items():
        for path in paths:
            out[path] = digest
    return dict(sorted(out.items()))


def inventory_bytes(inventory: Mapping[str, object]) -> tuple[bytes, str]:
    """The inventory's JSON bytes and its sidecar text ``"<sha256>  inventory.json\\n"``."""
    data = (json.dumps(inventory, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode(
        "utf-8"
    )
    return data, f"{hashlib.sha256(data).hexdigest()}  {INVENTORY_NAME}\n"

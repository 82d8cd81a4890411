"""``OcflRoot``: an OCFL 1.1 storage root over any ``ObjectStore``.

Layout: community extension 0003-hash-and-id-n-tuple-storage-layout (sha256, tupleSize 3,
numberOfTuples 3): the one ocfl-py's own validator resolves, so any OCFL tool reads the root. A
version is written as: object declaration (first version), content files, ``vN/inventory.json`` +
sidecar (write-once), then the root ``inventory.json`` and LAST its sidecar (the two mutable
pointers). The version becomes visible when the root inventory is replaced. Between the two
replaces the root sidecar still names the previous inventory; readers accept a root inventory whose
sidecar does not match only if it is byte-identical to the ``vN/inventory.json`` its ``head`` names
and that copy's sidecar matches.
Reads/writes: the store. Raises: ``OcflError`` subclasses, ``StorageError`` from the store.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

from .storage import ObjectExistsError, ObjectNotFoundError, ObjectStore, StorageError, safe_key

__all__ = [
    "LAYOUT_CONFIG",
    "LAYOUT_EXTENSION",
    "InventoryError",
    "OcflError",
    "OcflNotFoundError",
    "OcflRoot",
    "VersionConflictError",
    "inventory_sidecar",
]

LAYOUT_EXTENSION = "0003-hash-and-id-n-tuple-storage-layout"
LAYOUT_CONFIG: Mapping[str, Any] = MappingProxyType(
    {
        "extensionName": LAYOUT_EXTENSION,
        "digestAlgorithm": "sha256",
        "tupleSize": 3,
        "numberOfTuples": 3,
    }
)
_SPECIAL = re.compile(r"[^A-Za-z0-9_-]+")  # percent-encoded byte by byte in an object root

_MAX_ENCAPSULATION = 100
ROOT_DECLARATION = ("0=ocfl_1.1", b"ocfl_1.1\n")
OBJECT_DECLARATION = ("0=ocfl_object_1.1", b"ocfl_object_1.1\n")
INVENTORY = "inventory.json"
SIDECAR = "inventory.json.sha256"
_VERSION = re.compile(r"v(\d+)")
_OBJECT_DECLARATION_KEY = re.compile(
    r"([0-9a-f]{3}/[0-9a-f]{3}/[0-9a-f]{3}/[A-Za-z0-9_%-]+)/" + re.escape(OBJECT_DECLARATION[0])
)
_BLOCK = 1 << 20


class OcflError(StorageError):
    """An OCFL storage-root problem."""


class InventoryError(OcflError):
    """An inventory is unreadable, inconsistent, or does not match its sidecar digest."""


class OcflNotFoundError(OcflError):
    """No such object, version or logical path."""


class VersionConflictError(OcflError):
    """The version cannot be written: wrong sequence, or begun earlier with other bytes."""


def _json_bytes(value: Mapping[str, Any]) -> bytes:
    return json.dumps(dict(value), ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")


def inventory_sidecar(inventory_bytes: bytes) -> bytes:
    """The OCFL sidecar for an inventory: ``"<sha256hex>  inventory.json\\n"``."""
    return f"{hashlib.sha256(inventory_bytes).hexdigest()}  {INVENTORY}\n".encode("ascii")


def _sidecar_matches(sidecar: bytes | None, inventory_bytes: bytes) -> bool:
    if sidecar is None:
        return False
    fields = sidecar.decode("ascii", "replace").split()
    expected = hashlib.sha256(inventory_bytes).hexdigest()
    return len(fields) == 2 and fields[0].lower() == expected and fields[1] == INVENTORY


def _version_number(version: object) -> int:
    match = _VERSION.fullmatch(version) if isinstance(version, str) else None
    if match is None or int(match.group(1)) < 1:
        raise InventoryError(f"not an OCFL version name: {version!r}")
    return int(match.group(1))


def _parse_inventory(data: bytes, where: str) -> dict[str, Any]:
    try:
        inv = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise InventoryError(f"{where}: not a JSON inventory: {exc}") from exc
    if not isinstance(inv, dict) or not isinstance(inv.get("id"), str):
        raise InventoryError(f"{where}: inventory is not an object with an id")
    _version_number(inv.get("head"))
    if not isinstance(inv.get("manifest"), dict) or not isinstance(inv.get("versions"), dict):
        raise InventoryError(f"{where}: inventory lacks manifest or versions")
    return inv


class OcflRoot:
    """An OCFL 1.1 storage root; see the module docstring for the write order."""

    def __init__(self, store: ObjectStore) -> None:
        self.store = store

    # -- layout --------------------------------------------------------------------------------

    def initialize(self) -> None:
        """Write the root declaration, ``ocfl_layout.json`` and the layout config (idempotent).

        Raises ``OcflError`` if the store already holds a root with another layout.
        """
        layout = {
            "extension": LAYOUT_EXTENSION,
            "description": "Hashed Truncated N-tuple Trees with Object ID Encapsulating Directory",
        }
        files = (
            ROOT_DECLARATION,
            ("ocfl_layout.json", _json_bytes(layout)),
            (f"extensions/{LAYOUT_EXTENSION}/config.json", _json_bytes(LAYOUT_CONFIG)),
        )
        for key, data in files:
            try:
                self.store.put(key, data)
            except ObjectExistsError as exc:
                raise OcflError(f"storage root already initialized differently: {key}") from exc

    def object_root(self, object_id: str) -> str:
        """The object's directory per extension 0003: ``abc/def/ghi/<percent-encoded id>``.

        The id is percent-encoded byte by byte (lowercase hex) except ``A-Za-z0-9_-``; an encoded
        id longer than 100 characters is cut to 100 and followed by ``-`` and the full digest.
        """
        if not object_id:
            raise OcflError("empty object id")
        return _object_root(object_id)

    # -- reading -------------------------------------------------------------------------------

    def _read(self, key: str) -> bytes | None:
        try:
            with self.store.open(key) as fp:
                return fp.read()
        except ObjectNotFoundError:
            return None

    def _read_root_at(self, root: str) -> tuple[bytes, dict[str, Any]] | None:
        """Read and verify ``<root>/inventory.json`` (see the module docstring for the window)."""
        data = self._read(f"{root}/{INVENTORY}")
        if data is None:
            return None
        inv = _parse_inventory(data, f"{root}/{INVENTORY}")
        if not _sidecar_matches(self._read(f"{root}/{SIDECAR}"), data):
            head = inv["head"]
            copy = self._read(f"{root}/{head}/{INVENTORY}")
            if copy != data or not _sidecar_matches(self._read(f"{root}/{head}/{SIDECAR}"), data):
                raise InventoryError(f"{root}/{INVENTORY} does not match its sidecar digest")
        return data, inv

    def _read_root(self, object_id: str) -> tuple[bytes, dict[str, Any]] | None:
        found = self._read_root_at(self.object_root(object_id))
        if found is not None and found[1]["id"] != object_id:
            raise InventoryError(f"inventory of {object_id!r} names {found[1]['id']!r}")
        return found

    def read_inventory(self, object_id: str) -> dict[str, Any] | None:
        """The object's current (root) inventory, digest-verified; ``None`` if not yet visible."""
        found = self._read_root(object_id)
        return None if found is None else found[1]

    def read_version_inventory(self, object_id: str, version: str) -> dict[str, Any] | None:
        """The write-once ``vN/inventory.json`` (verified), even of a version not yet visible.

        Lets a caller resume an interrupted ``write_version`` with the bytes already stored.
        """
        _version_number(version)
        root = self.object_root(object_id)
        data = self._read(f"{root}/{version}/{INVENTORY}")
        if data is None:
            return None
        if not _sidecar_matches(self._read(f"{root}/{version}/{SIDECAR}"), data):
            raise InventoryError(f"{root}/{version}/{INVENTORY} does not match its sidecar")
        return _parse_inventory(data, f"{root}/{version}/{INVENTORY}")

    def object_roots(self) -> Iterator[str]:
        """Yield every folder holding an object declaration, in key order (visible or not).

        Walks the layout's levels (three hash tuples, then the object folder) folder by folder,
        so the cost grows with the number of objects, not with the number of stored files.
        """
        levels = [""]
        for _ in range(int(LAYOUT_CONFIG["numberOfTuples"]) + 1):
            levels = [
                f"{parent}/{name}" if parent else name
                for parent in levels
                for name in self.store.children(parent)
                if parent or name != "extensions"
            ]
        for root in sorted(levels):
            if self.store.exists(f"{root}/{OBJECT_DECLARATION[0]}"):
                yield root

    def object_ids(self) -> Iterator[str]:
        """Yield the id of every visible object (one with a root inventory), in key order."""
        for root in self.object_roots():
            match = _OBJECT_DECLARATION_KEY.fullmatch(f"{root}/{OBJECT_DECLARATION[0]}")
            if match is None:
                continue
            found = self._read_root_at(match.group(1))
            if found is None:
                continue  # declared but no version completed yet
            object_id = found[1]["id"]
            if self.object_root(object_id) != match.group(1):
                raise InventoryError(f"object {object_id!r} stored at {match.group(1)}")
            yield object_id

    def version_state(self, object_id: str, version: str | None = None) -> dict[str, str]:
        """Logical path → sha256 digest for a version (default: head). Raises OcflNotFoundError."""
        inv = self._require(object_id)
        return self._state(inv, version)

    def open_file(self, object_id: str, logical_path: str, version: str | None = None) -> BinaryIO:
        """Stream one logical file of a version (default: head). Raises OcflNotFoundError."""
        inv = self._require(object_id)
        digest = self._state(inv, version).get(logical_path)
        if digest is None:
            raise OcflNotFoundError(f"{object_id!r} has no {logical_path!r}")
        try:
            content_path = inv["manifest"][digest][0]
        except (KeyError, IndexError, TypeError) as exc:
            raise InventoryError(f"manifest of {object_id!r} lacks digest {digest}") from exc
        return self.store.open(f"{self.object_root(object_id)}/{content_path}")

    def _require(self, object_id: str) -> dict[str, Any]:
        inv = self.read_inventory(object_id)
        if inv is None:
            raise OcflNotFoundError(f"no object {object_id!r}")
        return inv

    @staticmethod
    def _state(inv: Mapping[str, Any], version: str | None) -> dict[str, str]:
        name = inv["head"] if version is None else version
        entry = inv["versions"].get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("state"), dict):
            raise OcflNotFoundError(f"{inv['id']!r} has no version {name!r}")
        return {path: digest for digest, paths in entry["state"].items() for path in paths}

    # -- writing -------------------------------------------------------------------------------

    def write_version(
        self,
        object_id: str,
        staged_dir: Path,
        inventory_bytes: bytes,
        version: str,
        to_store: Mapping[str, str],
        *,
        verify_digests: bool = True,
        adopt: bool = False,
    ) -> None:
        """Store one new version of an object; rerunning with the same bytes completes it.

        ``inventory_bytes`` is the serialized inventory (head == ``version``); ``to_store`` maps
        logical path → content path (``v2/content/original/A/x.pdf``) for the files new in this
        version, read from ``staged_dir/<logical path>``. With ``verify_digests`` each staged file's
        sha256 is checked against the manifest before anything is written. With ``adopt`` the
        staged files are the caller's to give up (its own work files, never written again): the
        store may keep them instead of copying (``ObjectStore.adopt``).
        Two writers of the same version cannot both succeed: ``vN/inventory.json`` is write-once.
        Raises ``VersionConflictError``, ``InventoryError``, ``OcflError``, ``StorageError``.
        """
        if not self.store.exists(ROOT_DECLARATION[0]):
            raise OcflError("storage root not initialized (call initialize())")
        inv = _parse_inventory(inventory_bytes, "new inventory")
        if inv["id"] != object_id or inv["head"] != version:
            raise InventoryError(f"inventory is for {inv['id']!r} {inv['head']}, not {version}")
        if inv.get("digestAlgorithm") != "sha256":
            raise InventoryError("this storage root addresses content by sha256")
        number = _version_number(version)
        current = self._read_root(object_id)
        if current is not None:
            if current[0] == inventory_bytes:  # visible already: finish an interrupted sidecar
                sidecar_key = f"{self.object_root(object_id)}/{SIDECAR}"
                if not _sidecar_matches(self._read(sidecar_key), inventory_bytes):
                    self.store.replace(sidecar_key, inventory_sidecar(inventory_bytes))
                return
            if _version_number(current[1]["head"]) != number - 1:
                raise VersionConflictError(
                    f"{object_id!r} is at {current[1]['head']}; cannot write {version}"
                )
        elif number != 1:
            raise VersionConflictError(f"{object_id!r} does not exist; cannot write {version}")
        sources = self._check_content(inv, version, staged_dir, to_store, verify_digests)

        root = self.object_root(object_id)
        if number == 1:
            self.store.put(f"{root}/{OBJECT_DECLARATION[0]}", OBJECT_DECLARATION[1])
        if adopt:
            self.store.adopt({f"{root}/{content_path}": source for content_path, source in sources})
        else:
            for content_path, source in sources:
                self.store.put(f"{root}/{content_path}", source)
        sidecar = inventory_sidecar(inventory_bytes)
        try:
            self.store.put(f"{root}/{version}/{INVENTORY}", inventory_bytes)
            self.store.put(f"{root}/{version}/{SIDECAR}", sidecar)
        except ObjectExistsError as exc:
            raise VersionConflictError(
                f"{object_id!r} {version} was begun with another inventory; resume it with "
                "read_version_inventory"
            ) from exc
        self.store.replace(f"{root}/{INVENTORY}", inventory_bytes)
        self.store.replace(f"{root}/{SIDECAR}", sidecar)

    @staticmethod
    def _check_content(
        inv: Mapping[str, Any],
        version: str,
        staged_dir: Path,
        to_store: Mapping[str, str],
        verify_digests: bool,
    ) -> list[tuple[str, Path]]:
        """Match ``to_store`` with the manifest entries of this version; return (key, file)."""
        content_dir = inv.get("contentDirectory", "content")
        prefix = f"{version}/{content_dir}/"
        digest_of = {
            path: digest
            for digest, paths in inv["manifest"].items()
            for path in paths
            if isinstance(path, str) and path.startswith(f"{version}/")
        }
        missing = set(digest_of) - set(to_store.values())
        if missing:
            raise InventoryError(f"manifest paths not supplied: {sorted(missing)[:5]}")
        sources: list[tuple[str, Path]] = []
        for logical_path, content_path in sorted(to_store.items()):
            if not content_path.startswith(prefix) or content_path not in digest_of:
                raise InventoryError(f"{content_path!r} is not a {version} manifest path")
            safe_key(content_path)
            staged = staged_dir.joinpath(*safe_key(logical_path).split("/"))
            if verify_digests:
                sha = hashlib.sha256()
                try:
                    with open(staged, "rb") as fp:
                        while block := fp.read(_BLOCK):
                            sha.update(block)
                except OSError as exc:
                    raise OcflError(f"cannot read staged {logical_path!r}: {exc}") from exc
                if sha.hexdigest() != digest_of[content_path]:
                    raise InventoryError(f"staged {logical_path!r} does not match the manifest")
            sources.append((content_path, staged))
        return sources


def _percent_encode(match: re.Match[str]) -> str:
    return "".join(f"%{b:02x}" for b in match.group().encode("utf-8"))


@functools.lru_cache(maxsize=4096)
def _object_root(object_id: str) -> str:
    """``OcflRoot.object_root`` (memoised: an audit asks several times per object)."""
    digest = hashlib.sha256(object_id.encode("utf-8")).hexdigest()
    size, count = int(LAYOUT_CONFIG["tupleSize"]), int(LAYOUT_CONFIG["numberOfTuples"])
    tuples = [digest[i * size : (i + 1) * size] for i in range(count)]
    encoded = _SPECIAL.sub(_percent_encode, object_id)
    if len(encoded) > _MAX_ENCAPSULATION:
        encoded = f"{encoded[:_MAX_ENCAPSULATION]}-{digest}"
    return "/".join([*tuples, encoded])

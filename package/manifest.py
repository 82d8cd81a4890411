"""``metadata/manifest.txt`` and its signature ``metadata/manifest.sig.json``.

``manifest.txt`` has one line per file of the version (all but the two manifest files):
``<sm3>  <sha256>  <size>  <path>\\n`` — lower-case hex, size in bytes, path relative to the
version's logical root with forward slashes, lines sorted by path, UTF-8.
``manifest.sig.json`` holds the archive's signature over the exact bytes of ``manifest.txt``
(see ``SignatureRecord``).

Reads/writes nothing (bytes in, bytes out). Raises: ``ManifestError``, ``SignatureError``,
``UnsafePathError``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from package.certificates import IdentityCheck, check_identity
from package.digest import Digests, digest_bytes
from package.errors import KeyFormatError, ManifestError, SignatureError, UnsafePathError
from package.paths import safe_logical_path
from package.signature import ALGORITHMS, Signer, key_id_from_pem, verify
from package.trusted_keys import is_trusted

__all__ = [
    "MANIFEST_PATH",
    "SIGNATURE_PATH",
    "ManifestDifference",
    "SignatureCheck",
    "SignatureRecord",
    "check_signature",
    "compare_manifests",
    "manifest_bytes",
    "parse_manifest",
    "parse_signature",
    "sign_manifest",
    "signature_json",
]

MANIFEST_PATH = "metadata/manifest.txt"
SIGNATURE_PATH = "metadata/manifest.sig.json"
_LINE = re.compile(r"([0-9a-f]{64})  ([0-9a-f]{64})  (0|[1-9][0-9]{0,18})  (.+)")
_HEX64 = re.compile(r"[0-9a-f]{64}")


def manifest_bytes(files: Mapping[str, Digests]) -> bytes:
    """The manifest text for ``files`` (logical path → digests), sorted by path.

    Raises ``UnsafePathError`` for an unsafe path and ``ManifestError`` for a path naming one of
    the manifest files themselves.
    """
    lines = []
    for path in sorted(files):
        safe_logical_path(path)
        if path in (MANIFEST_PATH, SIGNATURE_PATH):
            raise ManifestError(f"the manifest cannot list itself or its signature: {path}")
        d = files[path]
        lines.append(f"{d.sm3}  {d.sha256}  {d.size}  {path}\n")
    return "".join(lines).encode("utf-8")


def parse_manifest(data: bytes) -> dict[str, Digests]:
    """Parse manifest bytes strictly; raise ``ManifestError`` on any deviation from the format.

    Deviations: not UTF-8, a BOM, CR characters, a missing final newline, a malformed line, an
    unsafe or duplicate path, lines out of order.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ManifestError(f"manifest is not UTF-8: {exc}") from exc
    if text.startswith("\ufeff") or "\r" in text:
        raise ManifestError("manifest has a byte-order mark or CR line endings")
    if text and not text.endswith("\n"):
        raise ManifestError("manifest does not end with a newline")
    out: dict[str, Digests] = {}
    previous = ""
    for number, line in enumerate(text.split("\n")[:-1], start=1):
        match = _LINE.fullmatch(line)
        if match is None:
            raise ManifestError(f"manifest line {number} is malformed: {line[:120]!r}")
        sm3, sha256, size, path = match.groups()
        try:
            safe_logical_path(path)
        except UnsafePathError as exc:
            raise ManifestError(f"manifest line {number}: {exc}") from exc
        if path in out:
            raise ManifestError(f"manifest line {number}: duplicate path {path}")
        if path < previous:
            raise ManifestError(f"manifest line {number}: {path} is out of order")
        previous = path
        out[path] = Digests(sm3=sm3, sha256=sha256, size=int(size))
    return out


@dataclass(frozen=True)
class ManifestDifference:
    """One difference between an expected and a found file listing.

    ``kind``: ``missing`` (expected, not found), ``extra`` (found, not expected), or the field
    that differs: ``size``, ``sm3``, ``sha256``.
    """

    kind: str
    path: str
    expected: str = ""
    found: str = ""


def compare_manifests(
    expected: Mapping[str, Digests], found: Mapping[str, Digests]
) -> tuple[ManifestDifference, ...]:
    """Every difference between two listings, sorted by path; empty when they agree."""
    out: list[ManifestDifference] = []
    for path in sorted(set(expected) | set(found)):
        want, have = expected.get(path), found.get(path)
        if have is None:
            out.append(ManifestDifference("missing", path, expected=_describe(want)))
        elif want is None:
            out.append(ManifestDifference("extra", path, found=_describe(have)))
        else:
            for field in ("size", "sm3", "sha256"):
                a, b = str(getattr(want, field)), str(getattr(have, field))
                if a != b:
                    out.append(ManifestDifference(field, path, expected=a, found=b))
    return tuple(out)


def _describe(d: Digests | None) -> str:
    return "" if d is None else f"sm3={d.sm3} sha256={d.sha256} size={d.size}"


# -- the signature record --------------------------------------------------------------------


@dataclass(frozen=True)
class SignatureRecord:
    """The content of ``manifest.sig.json``."""

    algorithm: str
    key_id: str
    public_key_pem: str
    signature: bytes
    signed_at: datetime
    manifest_sm3: str
    manifest_sha256: str
    certificates: tuple[bytes, ...] = ()  # DER, the signer's first: who holds the key


def sign_manifest(
    manifest: bytes, signer: Signer, signed_at: datetime, certificates: Sequence[bytes] = ()
) -> SignatureRecord:
    """Sign the exact manifest bytes; ``signed_at`` must be aware. ``certificates`` (DER, the
    signer's first, then its CA chain) name the key's holder in the record."""
    if signed_at.tzinfo is None or signed_at.utcoffset() is None:
        raise SignatureError("signed_at must be timezone-aware")
    digests = digest_bytes(manifest)
    return SignatureRecord(
        algorithm=signer.algorithm,
        key_id=signer.key_id,
        public_key_pem=signer.public_key_pem,
        signature=signer.sign(manifest),
        signed_at=signed_at,
        manifest_sm3=digests.sm3,
        manifest_sha256=digests.sha256,
        certificates=tuple(certificates),
    )


def signature_json(record: SignatureRecord) -> bytes:
    """The bytes of ``manifest.sig.json`` (sorted keys, indented, newline-terminated)."""
    body = {
        "algorithm": record.algorithm,
        "key_id": record.key_id,
        "public_key_pem": record.public_key_pem,
        "signature": base64.b64encode(record.signature).decode("ascii"),
        "signed_at": record.signed_at.isoformat(),
        "manifest_sm3": record.manifest_sm3,
        "manifest_sha256": record.manifest_sha256,
    }
    if record.certificates:  # absent for a bare key: records signed before stay byte for byte
        body["certificates"] = [base64.b64encode(c).decode("ascii") for c in record.certificates]
    return (json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def parse_signature(data: bytes) -> SignatureRecord:
    """Parse ``manifest.sig.json``; raise ``SignatureError`` when it is malformed."""
    try:
        body = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SignatureError(f"signature file is not UTF-8 JSON: {exc}") from exc
    if not isinstance(body, dict):
        raise SignatureError("signature file is not a JSON object")
    keys = (
        "algorithm",
        "key_id",
        "public_key_pem",
        "signature",
        "signed_at",
        "manifest_sm3",
        "manifest_sha256",
    )
    values: dict[str, str] = {}
    for key in keys:
        value = body.get(key)
        if not isinstance(value, str) or not value:
            raise SignatureError(f"signature file lacks the text field {key!r}")
        values[key] = value
    if values["algorithm"] not in ALGORITHMS:
        raise SignatureError(f"unknown signature algorithm {values['algorithm']!r}")
    for key in ("manifest_sm3", "manifest_sha256"):
        if not _HEX64.fullmatch(values[key]):
            raise SignatureError(f"{key} is not 64 lower-case hex digits")
    try:
        signature = base64.b64decode(values["signature"], validate=True)
        signed_at = datetime.fromisoformat(values["signed_at"])
        listed = body.get("certificates", [])
        if not isinstance(listed, list) or not all(isinstance(c, str) for c in listed):
            raise ValueError("certificates is not a list of Base64 texts")
        certificates = tuple(base64.b64decode(c, validate=True) for c in listed)
    except (binascii.Error, ValueError) as exc:
        raise SignatureError(f"malformed signature, signed_at or certificates: {exc}") from exc
    return SignatureRecord(
        algorithm=values["algorithm"],
        key_id=values["key_id"],
        public_key_pem=values["public_key_pem"],
        signature=signature,
        signed_at=signed_at,
        manifest_sm3=values["manifest_sm3"],
        manifest_sha256=values["manifest_sha256"],
        certificates=certificates,
    )


@dataclass(frozen=True)
class SignatureCheck:
    """Separate verdicts on a manifest signature (pyHanko style).

    ``intact``: the manifest bytes have the digests the record names. ``valid``: the signature
    verifies over the manifest bytes with the record's public key, and ``key_id`` is that key's
    id. ``trusted``: the key is the trusted key (``None`` when no trusted key was given).
    ``identity``: what the record's certificates say of the key's holder
    (``package.certificates.check_identity``; ``trusted`` None without a certificate).
    ``problem`` explains the first failed verdict.
    """

    intact: bool
    valid: bool
    trusted: bool | None
    key_id: str
    algorithm: str
    problem: str = ""
    identity: IdentityCheck | None = None


def check_signature(
    record: SignatureRecord,
    manifest: bytes,
    trusted_key_pem: str | None = None,
    trust_roots: Sequence[bytes] = (),
) -> SignatureCheck:
    """Verify ``record`` against the manifest bytes, and its certificates against
    ``trust_roots`` (DER) at its signing time; never raises for a bad signature or key."""
    digests = digest_bytes(manifest)
    intact = (digests.sm3, digests.sha256) == (record.manifest_sm3, record.manifest_sha256)
    problem = "" if intact else "manifest digests differ from those recorded when it was signed"
    try:
        crypto_ok = verify(record.algorithm, record.public_key_pem, manifest, record.signature)
        own_id = key_id_from_pem(record.algorithm, record.public_key_pem)
    except (KeyFormatError, ValueError) as exc:
        return SignatureCheck(
            intact,
            False,
            None if trusted_key_pem is None else False,
            record.key_id,
            record.algorithm,
            problem or f"bad public key: {exc}",
        )
    valid = crypto_ok and own_id == record.key_id
    if not problem and not crypto_ok:
        problem = "signature does not verify over the manifest bytes"
    elif not problem and own_id != record.key_id:
        problem = f"key_id {record.key_id} is not the id of the public key ({own_id})"
    trusted: bool | None = None
    if trusted_key_pem is not None:  # one key, or several (``package.trusted_keys``)
        trusted = is_trusted(record.public_key_pem, trusted_key_pem)
        if valid and not trusted and not problem:
            problem = "signed by a key other than the trusted key"
    identity = check_identity(
        record.certificates, record.public_key_pem, record.signed_at, trust_roots
    )
    return SignatureCheck(
        intact, valid, trusted, record.key_id, record.algorithm, problem, identity
    )

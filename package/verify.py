"""Offline verification of an exported bag (``earchive verify PATH``): no database, no network.

Checks, collecting every problem before returning: the bag's structure; both payload manifests
(SHA-256 and SM3) against every payload file — missing, extra, and each mismatch with its path,
algorithm, expected and found digest; both tag manifests; Payload-Oxum; then the AIP inside
(``data/metadata/manifest.txt`` against the payload, and its signature: intact, valid, and
trusted when ``trusted_key_pem`` is given). Each payload file is read once. Signed annotations
carried as tag files under ``objections/`` (objection marks, 异议标注) are verified too: each
``*.json`` document's signature (valid, and trusted with ``trusted_key_pem``) and the digests of
the attachments it lists.

Reads files under the bag directory (never follows links). Writes nothing. Raises nothing for
damaged content: returns findings.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from package.annotation import verify_annotation
from package.bagit import BAG_ALGORITHMS, BAGIT_TXT, decode_bag_path
from package.codes import (
    ANNOTATION_ATTACHMENT_MISMATCH,
    ANNOTATION_INVALID,
    ANNOTATION_UNTRUSTED,
    ANNOTATION_VALID,
    BAG_DIGEST_MISMATCH,
    BAG_FILE_EXTRA,
    BAG_FILE_MISSING,
    BAG_MANIFEST_MALFORMED,
    BAG_MANIFEST_MISSING,
    BAG_OXUM_MISMATCH,
    BAG_STRUCTURE_INVALID,
    BAG_VERIFIED,
    make_finding,
)
from package.digest import Digests, digest_file
from package.errors import UnsafePathError
from package.fixity import MAX_MANIFEST_BYTES, verify_version
from package.manifest import MANIFEST_PATH, SIGNATURE_PATH
from package.paths import safe_logical_path
from standards.finding import Finding, Status

__all__ = ["verify_package"]

_ENTRY = re.compile(r"([0-9A-Fa-f]+)[ \t]+(\S.*)")


def _structure(root: Path) -> list[Finding]:
    if not root.is_dir():
        return [make_finding(BAG_STRUCTURE_INVALID, path=root.name, reason="not a directory")]
    out = []
    bagit_txt = root / "bagit.txt"
    if not bagit_txt.is_file() or bagit_txt.is_symlink():
        out.append(make_finding(BAG_STRUCTURE_INVALID, path="bagit.txt", reason="missing"))
    elif bagit_txt.read_bytes() != BAGIT_TXT:
        out.append(
            make_finding(
                BAG_STRUCTURE_INVALID,
                path="bagit.txt",
                expected=BAGIT_TXT.decode(),
                found=bagit_txt.read_text("utf-8", "replace"),
                reason="not a BagIt 1.0 UTF-8 declaration",
            )
        )
    data = root / "data"
    if not data.is_dir() or data.is_symlink():
        out.append(make_finding(BAG_STRUCTURE_INVALID, path="data", reason="no payload directory"))
    return out


def _payload(root: Path, findings: list[Finding]) -> dict[str, Digests]:
    """Digests of every regular payload file, keyed by bag path ``data/…``."""
    out: dict[str, Digests] = {}
    for item in sorted((root / "data").rglob("*")):
        bag_path = item.relative_to(root).as_posix()
        if item.is_symlink() or not (item.is_file() or item.is_dir()):
            findings.append(
                make_finding(
                    BAG_STRUCTURE_INVALID,
                    path=bag_path,
                    reason="link or special file in the payload",
                )
            )
            continue
        if item.is_dir():
            continue
        try:
            safe_logical_path(bag_path)
            out[bag_path] = digest_file(item)
        except (UnsafePathError, OSError) as exc:
            findings.append(make_finding(BAG_STRUCTURE_INVALID, path=bag_path, reason=str(exc)))
    return out


def _parse_manifest(root: Path, name: str, findings: list[Finding]) -> dict[str, str] | None:
    """{path: lower-case hex} of a (tag) manifest; ``None`` when it is missing or unreadable."""
    file = root / name
    if not file.is_file() or file.is_symlink():
        return None
    try:
        text = file.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        findings.append(make_finding(BAG_MANIFEST_MALFORMED, path=name, reason=str(exc)))
        return {}
    out: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ENTRY.fullmatch(line.rstrip(" \t"))
        if match is None or len(match.group(1)) != 64:
            findings.append(
                make_finding(
                    BAG_MANIFEST_MALFORMED, path=name, reason=f"line {number}: {line[:120]!r}"
                )
            )
            continue
        path = decode_bag_path(match.group(2))
        try:
            safe_logical_path(path)
        except UnsafePathError as exc:
            findings.append(
                make_finding(BAG_MANIFEST_MALFORMED, path=name, reason=f"line {number}: {exc}")
            )
            continue
        out[path] = match.group(1).lower()
    return out


def _compare(
    name: str,
    algorithm: str,
    listed: dict[str, str],
    actual: dict[str, str],
    findings: list[Finding],
    *,
    report_extra: bool,
) -> None:
    for path in sorted(listed):
        if path not in actual:
            findings.append(
                make_finding(
                    BAG_FILE_MISSING,
                    path=path,
                    expected=listed[path],
                    manifest=name,
                    detail={"algorithm": algorithm},
                )
            )
        elif actual[path] != listed[path]:
            findings.append(
                make_finding(
                    BAG_DIGEST_MISMATCH,
                    path=path,
                    expected=listed[path],
                    found=actual[path],
                    algorithm=algorithm.upper(),
                    detail={"algorithm": algorithm, "manifest": name},
                )
            )
    if report_extra:
        for path in sorted(set(actual) - set(listed)):
            findings.append(
                make_finding(
                    BAG_FILE_EXTRA,
                    path=path,
                    manifest=name,
                    found=actual[path],
                    detail={"algorithm": algorithm},
                )
            )


def _tag_digests(root: Path, listed: dict[str, str], algorithm: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for path in listed:
        file = root / path
        if path.startswith("data/") or not file.is_file() or file.is_symlink():
            continue
        try:
            out[path] = getattr(digest_file(file), algorithm)
        except OSError:
            continue
    return out


def _oxum(root: Path, payload: dict[str, Digests], findings: list[Finding]) -> None:
    info = root / "bag-info.txt"
    if not info.is_file():
        return
    match = re.search(r"^Payload-Oxum:[ \t]*(\S+)", info.read_text("utf-8", "replace"), re.M)
    if match is None:
        return
    found = f"{sum(d.size for d in payload.values())}.{len(payload)}"
    if match.group(1) != found:
        findings.append(
            make_finding(
                BAG_OXUM_MISMATCH, path="bag-info.txt", expected=match.group(1), found=found
            )
        )


def _bag_findings(root: Path) -> tuple[list[Finding], dict[str, Digests]]:
    findings = _structure(root)
    if findings:
        return findings, {}
    payload = _payload(root, findings)
    for algorithm in BAG_ALGORITHMS:
        name = f"manifest-{algorithm}.txt"
        listed = _parse_manifest(root, name, findings)
        if listed is None:
            findings.append(make_finding(BAG_MANIFEST_MISSING, path=name))
            continue
        actual = {p: getattr(d, algorithm) for p, d in payload.items()}
        _compare(name, algorithm, listed, actual, findings, report_extra=True)
    for algorithm in BAG_ALGORITHMS:
        name = f"tagmanifest-{algorithm}.txt"
        listed = _parse_manifest(root, name, findings)
        if listed is None:
            continue  # tag manifests are optional in RFC 8493
        _compare(
            name,
            algorithm,
            listed,
            _tag_digests(root, listed, algorithm),
            findings,
            report_extra=False,
        )
    _oxum(root, payload, findings)
    if not any(f.status is Status.FAIL for f in findings):
        findings.append(
            make_finding(
                BAG_VERIFIED, Status.PASS, count=len(payload), algorithms=", ".join(BAG_ALGORITHMS)
            )
        )
    return findings, payload


def _small(root: Path, bag_path: str) -> bytes | None:
    file = root / bag_path
    if not file.is_file() or file.is_symlink():
        return None
    try:
        with open(file, "rb") as fp:
            return fp.read(MAX_MANIFEST_BYTES + 1)
    except OSError:
        return None


ANNOTATIONS_TAG_DIR = "objections"


def _annotation_attachments(root: Path, rel: str, listed: object, findings: list[Finding]) -> None:
    """Each attachment an entry annotation lists, against the file beside it."""
    folder = (root / rel).parent / "attachments"
    for item in listed if isinstance(listed, list) else []:
        name = str(item.get("name", "")) if isinstance(item, dict) else ""
        target = folder / name
        where = f"{Path(rel).parent.as_posix()}/attachments/{name}"
        expected = str(item.get("sm3", "")) if isinstance(item, dict) else ""
        try:
            safe_logical_path(name)
            found = digest_file(target).sm3 if target.is_file() and not target.is_symlink() else ""
        except (UnsafePathError, OSError):
            found = ""
        if found != expected or not found:
            findings.append(
                make_finding(
                    ANNOTATION_ATTACHMENT_MISMATCH,
                    path=where,
                    expected=expected,
                    found=found or "missing",
                )
            )


def _annotations(root: Path, trusted_key_pem: str | None) -> list[Finding]:
    base = root / ANNOTATIONS_TAG_DIR
    if not base.is_dir() or base.is_symlink():
        return []
    findings: list[Finding] = []
    for file in sorted(base.rglob("*.json")):
        rel = file.relative_to(root).as_posix()
        if "attachments" in file.relative_to(base).parts[:-1]:
            continue
        if file.is_symlink() or not file.is_file():
            findings.append(make_finding(ANNOTATION_INVALID, path=rel, reason="not a file"))
            continue
        check = verify_annotation(file.read_bytes(), trusted_key_pem)
        if not check.valid:
            findings.append(make_finding(ANNOTATION_INVALID, path=rel, reason=check.reason))
            continue
        if check.trusted is False:
            findings.append(
                make_finding(
                    ANNOTATION_UNTRUSTED, Status.MANUAL_REVIEW, path=rel, key_id=check.key_id
                )
            )
        else:
            findings.append(
                make_finding(ANNOTATION_VALID, Status.PASS, path=rel, key_id=check.key_id)
            )
        _annotation_attachments(root, rel, check.annotation.get("attachments"), findings)
    return findings


def verify_package(
    path: Path, trusted_key_pem: str | None = None, trust_roots: Sequence[bytes] = ()
) -> tuple[Finding, ...]:
    """Verify an exported bag offline; return every finding (bag-level, then AIP-level).

    A PASS ``BAG_VERIFIED`` / ``AIP_VERIFIED`` appears only when its part had no failure; the
    signature verdicts are ``AIP_SIGNATURE_VALID`` / ``_INVALID`` and, with a trusted key,
    ``AIP_SIGNATURE_TRUSTED`` / ``_UNTRUSTED`` (valid and intact, but another key); whom the
    signature names is ``AIP_CERTIFICATE_TRUSTED`` / ``_INVALID`` (against ``trust_roots``, DER)
    / ``_UNCONFIRMED`` (no certificate, or no root to decide it).
    """
    findings, payload = _bag_findings(path)
    if not payload and any(f.code == BAG_STRUCTURE_INVALID for f in findings):
        return tuple(findings)
    logical = {bag_path[len("data/") :]: d for bag_path, d in payload.items()}

    def measure(logical_path: str) -> Digests:
        return logical[logical_path]  # KeyError: missing, reported as AIP_FILE_MISSING

    findings.extend(
        verify_version(
            _small(path, "data/" + MANIFEST_PATH),
            _small(path, "data/" + SIGNATURE_PATH),
            measure,
            present=logical,
            trusted_key_pem=trusted_key_pem,
            trust_roots=trust_roots,
        )
    )
    findings.extend(_annotations(path, trusted_key_pem))
    return tuple(findings)

"""The receiving side (档案馆): verify a delivered transfer package and issue a signed receipt.

Checks, all collected: the parts exist and parse (else ``unpack_failed``); the sender's
signature over ``manifest.txt`` by the trusted sender key, every listed file's SM3 + SHA-256,
missing and unlisted files, the 登记表 digest sheet against each EEP (``digest_failed``); each
EEP with ``verify_eep`` (schema, signatures, certificates against ``eep_trust_roots``, every
embedded document's digests; an EEP of earchive's previous form only with ``legacy_eep``) and
文件目录 against the contents (``four_properties_failed``). Digest problems outrank 四性
ones. Reads the package; writes nothing (the caller stores ``receipt_json``). Never raises for
a bad package.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from package.digest import Digests, digest_file
from package.errors import PackageError
from package.manifest import check_signature, parse_manifest, parse_signature
from standards.finding import Finding

from .catalogue import CATALOGUE_NAME, CatalogueEntry, parse_catalogue
from .eep import verify_eep
from .errors import TransferError
from .findings import transfer_finding
from .package import MANIFEST_NAME, NOTES_NAME, SIGNATURE_NAME
from .receipt import (
    ACCEPTED,
    DIGEST_FAILED,
    FOUR_PROPERTIES_FAILED,
    UNPACK_FAILED,
    Receipt,
    ReceiptItem,
)
from .registration import REGISTRATION_NAME, SheetEntry, parse_digest_sheet

__all__ = ["receive"]

_DIGEST_CODES = frozenset(
    {
        "PKG_DIGEST_MISMATCH",
        "PKG_FILE_MISSING",
        "PKG_MANIFEST_SIGNATURE",
        "SHEET_DIGEST_MISMATCH",
        "EEP_CONTENT_DIGEST_MISMATCH",
        "EEP_CONTENT_UNDECODABLE",
        "EEP_CONTENT_SIZE_MISMATCH",
        "EEP_MANIFEST_MISMATCH",
        "EEP_EXTERNAL_MISSING",
    }
)
_REQUIRED = (NOTES_NAME, CATALOGUE_NAME, REGISTRATION_NAME, MANIFEST_NAME, SIGNATURE_NAME)


@dataclass(frozen=True)
class _EepOptions:
    trust_roots: tuple[bytes, ...]
    legacy: bool


def _code(findings: Sequence[Finding]) -> str:
    failed = [f for f in findings if f.failed]
    if any(f.code in _DIGEST_CODES for f in failed):
        return DIGEST_FAILED
    return FOUR_PROPERTIES_FAILED if failed else ACCEPTED


def _manifest_findings(root: Path, sender_key: str, measured: dict[str, Digests]) -> list[Finding]:
    """Check the signed manifest; every file hashed here is kept in ``measured`` (by path)."""
    manifest = (root / MANIFEST_NAME).read_bytes()
    listing = parse_manifest(manifest)
    check = check_signature(
        parse_signature((root / SIGNATURE_NAME).read_bytes()), manifest, sender_key
    )
    out: list[Finding] = []
    if not (check.intact and check.valid and check.trusted):
        out.append(
            transfer_finding(
                "PKG_MANIFEST_SIGNATURE",
                reason=check.problem or "not signed by the trusted sender key",
                found=check.key_id,
            )
        )
    for path, expected in listing.items():
        at = root / path
        if not at.is_file():
            out.append(transfer_finding("PKG_FILE_MISSING", path=path))
            continue
        found = measured[path] = digest_file(at)
        for algorithm in ("sm3", "sha256"):
            if getattr(found, algorithm) != getattr(expected, algorithm):
                out.append(
                    transfer_finding(
                        "PKG_DIGEST_MISMATCH",
                        path=path,
                        expected=f"{algorithm}:{getattr(expected, algorithm)}",
                        found=f"{algorithm}:{getattr(found, algorithm)}",
                    )
                )
    present = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    for path in sorted(present - set(listing) - {MANIFEST_NAME, SIGNATURE_NAME}):
        out.append(transfer_finding("PKG_EXTRA_FILE", path=path))
    return out


def _belongs(finding: Finding, eep_path: str) -> bool:
    stem = eep_path.removesuffix(".eep.xml")
    return finding.path == eep_path or finding.path.startswith(stem + ".files/")


def _items(
    root: Path,
    entries: Sequence[CatalogueEntry],
    sheet: Sequence[SheetEntry],
    package_findings: list[Finding],
    sender_key: str,
    measured: dict[str, Digests],
    eep_options: _EepOptions,
) -> list[ReceiptItem]:
    digests = {e.path: e for e in sheet}
    items = []
    for entry in entries:
        own = [f for f in package_findings if _belongs(f, entry.name)]
        path = root / entry.name
        listed = digests.get(entry.name)
        if not path.is_file():
            own.append(
                transfer_finding(
                    "CATALOGUE_MISMATCH", path=entry.name, expected="EEP present", found="missing"
                )
            )
        else:
            found = measured.get(entry.name) or digest_file(path)  # hashed once if listed
            if listed is None or (listed.sm3, listed.size) != (found.sm3, found.size):
                own.append(
                    transfer_finding(
                        "SHEET_DIGEST_MISMATCH",
                        path=entry.name,
                        expected="" if listed is None else f"SM3:{listed.sm3} {listed.size}",
                        found=f"SM3:{found.sm3} {found.size}",
                    )
                )
            own += verify_eep(
                path,
                sender_key,
                trust_roots=eep_options.trust_roots,
                legacy=eep_options.legacy,
            )
        items.append(ReceiptItem(entry.archival_code, entry.name, _code(own), tuple(own)))
    listed_names = {e.name for e in entries}
    for extra in sorted(set(digests) - listed_names):
        package_findings.append(
            transfer_finding(
                "CATALOGUE_MISMATCH", path=extra, expected="listed in 文件目录", found="absent"
            )
        )
    eeps = {p.relative_to(root).as_posix() for p in root.rglob("*.eep.xml")}
    for extra in sorted(eeps - listed_names):
        package_findings.append(
            transfer_finding(
                "CATALOGUE_MISMATCH", path=extra, expected="listed in 文件目录", found="absent"
            )
        )
    if not any(f.code == "CATALOGUE_MISMATCH" for f in package_findings):
        package_findings.append(transfer_finding("CATALOGUE_MATCHES", count=len(entries)))
    return items


def receive(
    package_dir: Path,
    trusted_sender_key_pem: str,
    *,
    receiver: str,
    clock: Callable[[], datetime],
    eep_trust_roots: Sequence[bytes] = (),
    legacy_eep: bool = False,
) -> Receipt:
    """Verify the package at ``package_dir``; return the (unsigned) receipt — sign it with
    ``receipt_json``. ``eep_trust_roots``: certificates (DER or PEM) the EEP signers' chains
    must reach; ``legacy_eep``: also accept EEPs of earchive's previous form."""
    now = clock()
    findings: list[Finding] = []
    for name in _REQUIRED:
        if not (package_dir / name).is_file():
            findings.append(transfer_finding("PKG_PART_MISSING", path=name))
    if findings:
        return Receipt("", UNPACK_FAILED, now, receiver, (), tuple(findings))
    try:
        batch_id, entries = parse_catalogue((package_dir / CATALOGUE_NAME).read_bytes())
        sheet = parse_digest_sheet((package_dir / REGISTRATION_NAME).read_bytes())
        measured: dict[str, Digests] = {}
        findings += _manifest_findings(package_dir, trusted_sender_key_pem, measured)
    except (TransferError, PackageError, OSError) as exc:
        findings.append(
            transfer_finding("PKG_PART_MALFORMED", path=package_dir.name, error=str(exc))
        )
        return Receipt("", UNPACK_FAILED, now, receiver, (), tuple(findings))
    eep_options = _EepOptions(tuple(eep_trust_roots), legacy_eep)
    items = _items(
        package_dir, entries, sheet, findings, trusted_sender_key_pem, measured, eep_options
    )
    package_level = [f for f in findings if not any(_belongs(f, i.eep_path) for i in items)]
    every = package_level + [f for i in items for f in i.findings]
    return Receipt(batch_id, _code(every), now, receiver, tuple(items), tuple(package_level))

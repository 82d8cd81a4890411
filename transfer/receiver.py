"""The receiving side (档案馆): verify a delivered transfer package and issue a signed receipt.

Checks, all collected: the parts exist and parse (说明文件.TXT, 文件目录.XML, 其他/登记表.xml and
its signature, manifest.txt and its signature; else ``unpack_failed``); the signatures over the
manifest and the 登记表 — valid, and by whom: a certificate chained to one of the receiver's trust
roots that names the 移交单位 of the 登记表 (``SenderTrust.roots``), or a key agreed with the sender
out of band (``SenderTrust.key_pem``); every listed file's SM3 + SHA-256, missing and unlisted
files, the 登记表's digest sheet and totals (件数, 数据量) against what arrived (``digest_failed``);
each EEP with ``verify_eep`` (schema, signatures, the signer's certificate against the same trust
roots, every embedded document's digests) and 文件目录 against the contents
(``four_properties_failed``). Digest problems outrank 四性 ones. Packages of the layout before
档发〔2012〕7号 (登记表 at the top, unsigned; ``<条目>``; EEPs of earchive's previous form) are read
only with ``legacy=True``. Reads the package; writes nothing (the caller stores ``receipt_json``).
Never raises for a bad package.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from package.digest import Digests, digest_file
from package.errors import PackageError
from package.manifest import SignatureCheck, check_signature, parse_manifest, parse_signature
from standards.finding import Finding

from .catalogue import CATALOGUE_NAME, CatalogueEntry, parse_catalogue
from .eep import verify_eep
from .errors import TransferError
from .findings import transfer_finding
from .package import ARCHIVES_DIR, MANIFEST_NAME, NOTES_NAME, SIGNATURE_NAME
from .receipt import (
    ACCEPTED,
    DIGEST_FAILED,
    FOUR_PROPERTIES_FAILED,
    UNPACK_FAILED,
    Receipt,
    ReceiptItem,
)
from .registration import (
    REGISTRATION_NAME,
    REGISTRATION_SIGNATURE_NAME,
    RegisteredTotals,
    SheetEntry,
    parse_digest_sheet,
    parse_registration,
)

__all__ = ["LEGACY_REGISTRATION_NAME", "SenderTrust", "receive"]

LEGACY_REGISTRATION_NAME = "登记表.xml"  # the layout before 档发〔2012〕7号: at the top, unsigned


@dataclass(frozen=True)
class SenderTrust:
    """Whom the receiver believes: certificate authorities (DER) whose certificates name the
    移交单位, and/or one sender key (PEM) agreed out of band. With neither, a valid signature
    names nobody the receiver knows: the signer needs a person (MANUAL_REVIEW)."""

    roots: tuple[bytes, ...] = ()
    key_pem: str | None = None


_DIGEST_CODES = frozenset(
    {
        "PKG_DIGEST_MISMATCH",
        "PKG_FILE_MISSING",
        "PKG_MANIFEST_SIGNATURE",
        "REGISTRATION_SIGNATURE",
        "REGISTRATION_TOTALS_MISMATCH",
        "SHEET_DIGEST_MISMATCH",
        "EEP_CONTENT_DIGEST_MISMATCH",
        "EEP_CONTENT_UNDECODABLE",
        "EEP_CONTENT_SIZE_MISMATCH",
        "EEP_MANIFEST_MISMATCH",
        "EEP_EXTERNAL_MISSING",
    }
)
_REQUIRED: tuple[str, ...] = (
    NOTES_NAME,
    CATALOGUE_NAME,
    REGISTRATION_NAME,
    REGISTRATION_SIGNATURE_NAME,
    MANIFEST_NAME,
    SIGNATURE_NAME,
)
_REQUIRED_LEGACY = (
    NOTES_NAME,
    CATALOGUE_NAME,
    LEGACY_REGISTRATION_NAME,
    MANIFEST_NAME,
    SIGNATURE_NAME,
)


def _code(findings: Sequence[Finding]) -> str:
    failed = [f for f in findings if f.failed]
    if any(f.code in _DIGEST_CODES for f in failed):
        return DIGEST_FAILED
    return FOUR_PROPERTIES_FAILED if failed else ACCEPTED


def _same_unit(holder: str, sender: str) -> bool:
    """A certificate's holder and the 移交单位 are the same name (white space aside)."""
    return " ".join(holder.split()) == " ".join(sender.split())


def _signer_findings(
    check: SignatureCheck, which: str, sender: str, trust: SenderTrust
) -> list[Finding]:
    """Who signed ``which`` (the manifest, the 登记表), judged against ``trust``: the
    certificate must hold the key, chain to a trust root and name the 移交单位 — a signature
    that names nobody fails when the receiver has trust roots; a key agreed out of band stands
    in for a certificate; with neither configured the signer needs a person."""
    identity = check.identity
    holder = identity.holder if identity is not None else ""
    if identity is not None and identity.trusted is False:
        return [transfer_finding("PKG_SIGNER_UNTRUSTED", path=which, reason=identity.reason)]
    if identity is not None and identity.trusted:
        if sender and not _same_unit(holder, sender):
            return [
                transfer_finding("PKG_SIGNER_NOT_UNIT", path=which, holder=holder, sender=sender)
            ]
        return [
            transfer_finding("PKG_SIGNER_UNIT", path=which, holder=holder, reason=identity.reason)
        ]
    if check.trusted:  # the agreed key; no certificate decided it
        return [transfer_finding("PKG_SIGNER_KEY_AGREED", path=which, found=check.key_id)]
    reason = identity.reason if identity is not None else "no certificate names the signer"
    if trust.roots:  # the receiver requires a certified unit and none is named
        return [transfer_finding("PKG_SIGNER_UNTRUSTED", path=which, reason=reason)]
    reason = "the receiver configured no trust root and no sender key"
    return [transfer_finding("PKG_SIGNER_UNCONFIRMED", path=which, holder=holder, reason=reason)]


def _signature_findings(
    data: bytes, signature_path: Path, which: str, code: str, sender: str, trust: SenderTrust
) -> list[Finding]:
    """The signature in ``signature_path`` over ``data``: intact and valid (else ``code``),
    and who made it."""
    check = check_signature(
        parse_signature(signature_path.read_bytes()), data, trust.key_pem, trust.roots
    )
    if not (check.intact and check.valid) or check.trusted is False:
        return [
            transfer_finding(
                code,
                reason=check.problem or "not signed by the agreed sender key",
                found=check.key_id,
            )
        ]
    return _signer_findings(check, which, sender, trust)


def _manifest_findings(
    root: Path, sender: str, trust: SenderTrust, measured: dict[str, Digests]
) -> list[Finding]:
    """Check the signed manifest; every file hashed here is kept in ``measured`` (by path)."""
    manifest = (root / MANIFEST_NAME).read_bytes()
    listing = parse_manifest(manifest)
    out = _signature_findings(
        manifest, root / SIGNATURE_NAME, MANIFEST_NAME, "PKG_MANIFEST_SIGNATURE", sender, trust
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


def _totals_findings(
    root: Path, totals: RegisteredTotals, entries: Sequence[CatalogueEntry]
) -> list[Finding]:
    """The 登记表's 件数 and 数据量 against the catalogue and the bytes under 电子档案/."""
    arrived = sum(p.stat().st_size for p in (root / ARCHIVES_DIR).rglob("*") if p.is_file())
    out = []
    for what, declared, found in (
        ("件数", totals.archives, len(entries)),
        ("数据量（字节）", totals.data_bytes, arrived),
    ):
        if declared != found:
            out.append(
                transfer_finding(
                    "REGISTRATION_TOTALS_MISMATCH",
                    path=REGISTRATION_NAME,
                    what=what,
                    expected=str(declared),
                    found=str(found),
                )
            )
    return out


def _belongs(finding: Finding, eep_path: str) -> bool:
    stem = eep_path.removesuffix(".eep.xml")
    return finding.path == eep_path or finding.path.startswith(stem + ".files/")


def _eep_signer_findings(checked: Sequence[Finding], eep_path: str, sender: str) -> list[Finding]:
    """An EEP signed under a trusted certificate that names someone other than the 移交单位."""
    names = {f.found for f in checked if f.code == "EEP_CERTIFICATE_TRUSTED"}
    return [
        transfer_finding("PKG_SIGNER_NOT_UNIT", path=eep_path, holder=holder, sender=sender)
        for holder in sorted(names)
        if sender and not _same_unit(holder, sender)
    ]


def _items(
    root: Path,
    entries: Sequence[CatalogueEntry],
    sheet: Sequence[SheetEntry],
    package_findings: list[Finding],
    trust: SenderTrust,
    measured: dict[str, Digests],
    legacy: bool,
    sender: str,
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
            checked = verify_eep(path, trust.key_pem, trust_roots=trust.roots, legacy=legacy)
            own += checked + _eep_signer_findings(checked, entry.name, sender)
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


def _parts(package_dir: Path, legacy: bool) -> list[Finding]:
    required = _REQUIRED
    if legacy and not (package_dir / REGISTRATION_NAME).is_file():
        required = _REQUIRED_LEGACY
    return [
        transfer_finding("PKG_PART_MISSING", path=name)
        for name in required
        if not (package_dir / name).is_file()
    ]


def receive(
    package_dir: Path,
    trust: SenderTrust,
    *,
    receiver: str,
    clock: Callable[[], datetime],
    legacy: bool = False,
) -> Receipt:
    """Verify the package at ``package_dir``; return the (unsigned) receipt — sign it with
    ``receipt_json``. ``legacy`` also reads the layout before 档发〔2012〕7号."""
    now = clock()
    findings = _parts(package_dir, legacy)
    if findings:
        return Receipt("", UNPACK_FAILED, now, receiver, (), tuple(findings))
    current = (package_dir / REGISTRATION_NAME).is_file()
    try:
        entries = parse_catalogue((package_dir / CATALOGUE_NAME).read_bytes(), legacy=legacy)
        measured: dict[str, Digests] = {}
        if current:
            form = (package_dir / REGISTRATION_NAME).read_bytes()
            totals = parse_registration(form)
            batch_id, sender, sheet = totals.batch_id, totals.sender, totals.sheet
            findings += _signature_findings(
                form,
                package_dir / REGISTRATION_SIGNATURE_NAME,
                REGISTRATION_NAME,
                "REGISTRATION_SIGNATURE",
                sender,
                trust,
            )
            findings += _totals_findings(package_dir, totals, entries)
        else:
            batch_id, sender = "", ""
            sheet = parse_digest_sheet((package_dir / LEGACY_REGISTRATION_NAME).read_bytes())
        findings += _manifest_findings(package_dir, sender, trust, measured)
    except (TransferError, PackageError, OSError) as exc:
        findings.append(
            transfer_finding("PKG_PART_MALFORMED", path=package_dir.name, error=str(exc))
        )
        return Receipt("", UNPACK_FAILED, now, receiver, (), tuple(findings))
    items = _items(package_dir, entries, sheet, findings, trust, measured, legacy, sender)
    package_level = [f for f in findings if not any(_belongs(f, i.eep_path) for i in items)]
    every = package_level + [f for i in items for f in i.findings]
    return Receipt(batch_id, _code(every), now, receiver, tuple(items), tuple(package_level))

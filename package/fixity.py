"""Verify one AIP version against its signed manifest: signature, every file, nothing extra.

``read_manifest_and_verify`` streams files through a caller-supplied opener (an object store, an
OCFL object, a directory); ``verify_version`` takes digests the caller already measured, so a
verifier that hashes files for another reason (the BagIt manifests) hashes each byte once.
Reads only through the given callables. Never raises for damaged content: returns findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import BinaryIO

from package.codes import (
    AIP_CERTIFICATE_INVALID,
    AIP_CERTIFICATE_TRUSTED,
    AIP_CERTIFICATE_UNCONFIRMED,
    AIP_DIGEST_MISMATCH,
    AIP_FILE_EXTRA,
    AIP_FILE_MISSING,
    AIP_FILE_UNREADABLE,
    AIP_MANIFEST_MALFORMED,
    AIP_MANIFEST_MISSING,
    AIP_SIGNATURE_INVALID,
    AIP_SIGNATURE_MISSING,
    AIP_SIGNATURE_TRUSTED,
    AIP_SIGNATURE_UNTRUSTED,
    AIP_SIGNATURE_VALID,
    AIP_SIZE_MISMATCH,
    AIP_VERIFIED,
    make_finding,
)
from package.digest import Digests, digest_stream
from package.errors import ManifestError, PackageError, SignatureError
from package.manifest import (
    MANIFEST_PATH,
    SIGNATURE_PATH,
    SignatureCheck,
    check_signature,
    parse_manifest,
    parse_signature,
)
from standards.finding import Finding, Status

__all__ = [
    "MAX_MANIFEST_BYTES",
    "Measure",
    "OpenFile",
    "read_manifest_and_verify",
    "verify_version",
]

OpenFile = Callable[[str], BinaryIO]
# logical path → measured digests; FileNotFoundError/KeyError if absent, OSError if unreadable
Measure = Callable[[str], Digests]
MAX_MANIFEST_BYTES = 64 << 20


def _signature_findings(
    signature: bytes | None,
    manifest: bytes,
    trusted_key_pem: str | None,
    trust_roots: Sequence[bytes] = (),
) -> list[Finding]:
    if signature is None:
        return [make_finding(AIP_SIGNATURE_MISSING, path=SIGNATURE_PATH)]
    try:
        record = parse_signature(signature)
    except SignatureError as exc:
        return [make_finding(AIP_SIGNATURE_INVALID, path=SIGNATURE_PATH, reason=str(exc))]
    check = check_signature(record, manifest, trusted_key_pem, trust_roots)
    detail = {
        "algorithm": check.algorithm,
        "key_id": check.key_id,
        "intact": str(check.intact).lower(),
        "valid": str(check.valid).lower(),
        "trusted": "not checked" if check.trusted is None else str(check.trusted).lower(),
        "signed_at": record.signed_at.isoformat(),
    }
    if not (check.intact and check.valid):
        return [
            make_finding(
                AIP_SIGNATURE_INVALID, path=MANIFEST_PATH, detail=detail, reason=check.problem
            )
        ]
    out = [
        make_finding(
            AIP_SIGNATURE_VALID,
            Status.PASS,
            path=MANIFEST_PATH,
            detail=detail,
            algorithm=check.algorithm,
            key_id=check.key_id,
        )
    ]
    if check.trusted is True:
        out.append(
            make_finding(
                AIP_SIGNATURE_TRUSTED,
                Status.PASS,
                path=MANIFEST_PATH,
                detail=detail,
                key_id=check.key_id,
            )
        )
    elif check.trusted is False:
        out.append(
            make_finding(
                AIP_SIGNATURE_UNTRUSTED,
                Status.MANUAL_REVIEW,
                path=MANIFEST_PATH,
                detail=detail,
                key_id=check.key_id,
            )
        )
    out.extend(_identity_findings(check, detail))
    return out


def _identity_findings(check: SignatureCheck, detail: dict[str, str]) -> list[Finding]:
    """Whom the signature names: a certificate that holds the key, valid at signing, chaining to
    a trust root (PASS), one that does not (FAIL), or none (MANUAL_REVIEW — unless the key is
    the trusted key given)."""
    identity = check.identity
    if identity is None or (identity.trusted is None and check.trusted is True):
        return []
    if identity.trusted is True:
        code, status = AIP_CERTIFICATE_TRUSTED, Status.PASS
    elif identity.trusted is False:
        code, status = AIP_CERTIFICATE_INVALID, Status.FAIL
    else:
        code, status = AIP_CERTIFICATE_UNCONFIRMED, Status.MANUAL_REVIEW
    holder = identity.holder or "?"
    return [
        make_finding(
            code,
            status,
            path=SIGNATURE_PATH,
            detail={**detail, "holder": holder},
            holder=holder,
            reason=identity.reason,
        )
    ]


def _file_findings(measure: Measure, path: str, want: Digests) -> list[Finding]:
    try:
        have = measure(path)
    except (FileNotFoundError, KeyError):
        return [
            make_finding(
                AIP_FILE_MISSING, path=path, expected=want.sha256, detail={"algorithm": "sha256"}
            )
        ]
    except (OSError, PackageError) as exc:
        return [make_finding(AIP_FILE_UNREADABLE, path=path, reason=str(exc))]
    out = []
    if have.size != want.size:
        out.append(
            make_finding(
                AIP_SIZE_MISMATCH, path=path, expected=str(want.size), found=str(have.size)
            )
        )
    for algorithm in ("sm3", "sha256"):
        expected, found = getattr(want, algorithm), getattr(have, algorithm)
        if expected != found:
            out.append(
                make_finding(
                    AIP_DIGEST_MISMATCH,
                    path=path,
                    expected=expected,
                    found=found,
                    detail={"algorithm": algorithm},
                    algorithm=algorithm.upper(),
                )
            )
    return out


def verify_version(
    manifest: bytes | None,
    signature: bytes | None,
    measure: Measure,
    present: Iterable[str] | None = None,
    trusted_key_pem: str | None = None,
    trust_roots: Sequence[bytes] = (),
) -> tuple[Finding, ...]:
    """Verify a version from its manifest and signature bytes (``None`` when absent).

    ``measure`` gives each listed file's actual digests. ``present`` (the logical paths that
    exist), when given, reveals files the manifest does not list. A PASS ``AIP_VERIFIED`` is
    added only when no finding failed.
    """
    if manifest is None:
        return (make_finding(AIP_MANIFEST_MISSING, path=MANIFEST_PATH),)
    findings = _signature_findings(signature, manifest, trusted_key_pem, trust_roots)
    if len(manifest) > MAX_MANIFEST_BYTES:
        findings.append(
            make_finding(AIP_MANIFEST_MALFORMED, path=MANIFEST_PATH, reason="larger than 64 MiB")
        )
        return tuple(findings)
    try:
        listing = parse_manifest(manifest)
    except ManifestError as exc:
        findings.append(make_finding(AIP_MANIFEST_MALFORMED, path=MANIFEST_PATH, reason=str(exc)))
        return tuple(findings)
    for path, want in listing.items():
        findings.extend(_file_findings(measure, path, want))
    if present is not None:
        own = {MANIFEST_PATH, SIGNATURE_PATH}
        for path in sorted(set(present) - set(listing) - own):
            findings.append(make_finding(AIP_FILE_EXTRA, path=path))
    if not any(f.status is Status.FAIL for f in findings):
        detail = {"extra_files": "checked" if present is not None else "not checked"}
        findings.append(
            make_finding(
                AIP_VERIFIED, Status.PASS, path=MANIFEST_PATH, detail=detail, count=len(listing)
            )
        )
    return tuple(findings)


def _read_small(open_file: OpenFile, path: str) -> bytes | None:
    """The bytes (at most MAX_MANIFEST_BYTES + 1) of a logical file, ``None`` if unreadable."""
    try:
        with open_file(path) as fp:
            return bytes(fp.read(MAX_MANIFEST_BYTES + 1))
    except (OSError, KeyError, PackageError):
        return None


def read_manifest_and_verify(
    open_file: OpenFile,
    present: Iterable[str] | None = None,
    trusted_key_pem: str | None = None,
    trust_roots: Sequence[bytes] = (),
) -> tuple[Finding, ...]:
    """Verify one stored version through ``open_file`` (logical path → binary stream).

    Checks the manifest signature (intact, valid; trusted when ``trusted_key_pem`` is given),
    streams every listed file once through SM3 and SHA-256, and reports missing files, and extra
    ones when ``present`` is given. ``open_file`` raises ``FileNotFoundError`` or ``KeyError``
    for a missing file.
    """

    def measure(path: str) -> Digests:
        with open_file(path) as fp:
            return digest_stream(fp)

    return verify_version(
        _read_small(open_file, MANIFEST_PATH),
        _read_small(open_file, SIGNATURE_PATH),
        measure,
        present,
        trusted_key_pem,
        trust_roots,
    )

"""Finding codes raised by ``package`` (AIP and BagIt verification), with their DA/T 70 indicators.

Kept here as data until the lead merges them into ``standards/data/findings.tsv``; the table
below is the single place that ties a code to its indicator and English message template.
Reads/writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from standards.finding import Finding, Status

__all__ = [
    "AIP_DIGEST_MISMATCH",
    "AIP_FILE_EXTRA",
    "AIP_FILE_MISSING",
    "AIP_FILE_UNREADABLE",
    "AIP_MANIFEST_MALFORMED",
    "AIP_MANIFEST_MISSING",
    "AIP_SIGNATURE_INVALID",
    "AIP_SIGNATURE_MISSING",
    "AIP_SIGNATURE_TRUSTED",
    "AIP_SIGNATURE_UNTRUSTED",
    "AIP_SIGNATURE_VALID",
    "AIP_SIZE_MISMATCH",
    "AIP_VERIFIED",
    "ANNOTATION_ATTACHMENT_MISMATCH",
    "ANNOTATION_INVALID",
    "ANNOTATION_UNTRUSTED",
    "ANNOTATION_VALID",
    "BAG_DIGEST_MISMATCH",
    "BAG_FILE_EXTRA",
    "BAG_FILE_MISSING",
    "BAG_MANIFEST_MALFORMED",
    "BAG_MANIFEST_MISSING",
    "BAG_OXUM_MISMATCH",
    "BAG_STRUCTURE_INVALID",
    "BAG_VERIFIED",
    "CODES",
    "make_finding",
]

AIP_VERIFIED = "AIP_VERIFIED"
AIP_SIGNATURE_VALID = "AIP_SIGNATURE_VALID"
AIP_SIGNATURE_TRUSTED = "AIP_SIGNATURE_TRUSTED"
AIP_SIGNATURE_UNTRUSTED = "AIP_SIGNATURE_UNTRUSTED"
AIP_SIGNATURE_INVALID = "AIP_SIGNATURE_INVALID"
AIP_SIGNATURE_MISSING = "AIP_SIGNATURE_MISSING"
AIP_MANIFEST_MISSING = "AIP_MANIFEST_MISSING"
AIP_MANIFEST_MALFORMED = "AIP_MANIFEST_MALFORMED"
AIP_DIGEST_MISMATCH = "AIP_DIGEST_MISMATCH"
AIP_SIZE_MISMATCH = "AIP_SIZE_MISMATCH"
AIP_FILE_MISSING = "AIP_FILE_MISSING"
AIP_FILE_EXTRA = "AIP_FILE_EXTRA"
AIP_FILE_UNREADABLE = "AIP_FILE_UNREADABLE"
BAG_VERIFIED = "BAG_VERIFIED"
ANNOTATION_VALID = "ANNOTATION_VALID"
ANNOTATION_INVALID = "ANNOTATION_INVALID"
ANNOTATION_UNTRUSTED = "ANNOTATION_UNTRUSTED"
ANNOTATION_ATTACHMENT_MISMATCH = "ANNOTATION_ATTACHMENT_MISMATCH"
BAG_STRUCTURE_INVALID = "BAG_STRUCTURE_INVALID"
BAG_MANIFEST_MISSING = "BAG_MANIFEST_MISSING"
BAG_MANIFEST_MALFORMED = "BAG_MANIFEST_MALFORMED"
BAG_DIGEST_MISMATCH = "BAG_DIGEST_MISMATCH"
BAG_FILE_MISSING = "BAG_FILE_MISSING"
BAG_FILE_EXTRA = "BAG_FILE_EXTRA"
BAG_OXUM_MISMATCH = "BAG_OXUM_MISMATCH"

# code → (DA/T 70 indicator, English message template with {placeholders})
CODES: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        AIP_VERIFIED: ("BC-1-1", "all {count} files match the signed manifest (SM3 and SHA-256)"),
        AIP_SIGNATURE_VALID: ("BC-1-1", "manifest signature valid ({algorithm}, key {key_id})"),
        AIP_SIGNATURE_TRUSTED: ("BC-1-1", "manifest signed by the trusted key {key_id}"),
        AIP_SIGNATURE_UNTRUSTED: (
            "BC-1-1",
            "manifest signature valid but key {key_id} is not the trusted key; intact, not trusted",
        ),
        AIP_SIGNATURE_INVALID: ("BC-1-1", "manifest signature invalid: {reason}"),
        AIP_SIGNATURE_MISSING: ("BC-1-1", "manifest signature {path} missing or unreadable"),
        AIP_MANIFEST_MISSING: ("BC-2-4", "AIP manifest {path} missing or unreadable"),
        AIP_MANIFEST_MALFORMED: ("BC-1-5", "AIP manifest malformed: {reason}"),
        AIP_DIGEST_MISMATCH: ("BC-1-1", "{algorithm} digest of {path} differs from the manifest"),
        AIP_SIZE_MISMATCH: ("BC-1-1", "size of {path} differs from the manifest"),
        AIP_FILE_MISSING: ("BC-2-4", "file {path} listed in the manifest is missing"),
        AIP_FILE_EXTRA: ("BC-1-5", "file {path} is not listed in the manifest"),
        AIP_FILE_UNREADABLE: ("BC-2-4", "file {path} cannot be read: {reason}"),
        BAG_VERIFIED: ("BC-1-5", "bag complete and valid: {count} payload files, {algorithms}"),
        BAG_STRUCTURE_INVALID: ("BC-1-5", "bag structure invalid: {reason}"),
        BAG_MANIFEST_MISSING: ("BC-2-4", "bag manifest {path} missing"),
        BAG_MANIFEST_MALFORMED: ("BC-1-5", "bag manifest {path} malformed: {reason}"),
        BAG_DIGEST_MISMATCH: (
            "BC-1-1",
            "{algorithm} digest of {path} differs from the bag manifest",
        ),
        BAG_FILE_MISSING: ("BC-2-4", "file {path} listed in {manifest} is missing"),
        BAG_FILE_EXTRA: ("BC-1-5", "payload file {path} is not listed in {manifest}"),
        BAG_OXUM_MISMATCH: ("BC-2-1", "Payload-Oxum says {expected}, payload is {found}"),
        ANNOTATION_VALID: ("BC-1-1", "signed annotation {path} valid (key {key_id})"),
        ANNOTATION_INVALID: ("BC-1-1", "signed annotation {path} invalid: {reason}"),
        ANNOTATION_UNTRUSTED: (
            "BC-1-1",
            "signed annotation {path} valid but key {key_id} is not the trusted key",
        ),
        ANNOTATION_ATTACHMENT_MISMATCH: (
            "BC-1-1",
            "attachment {path} differs from the digests its signed annotation lists",
        ),
    }
)

TOOL = "earchive.package"


def make_finding(
    code: str,
    status: Status = Status.FAIL,
    *,
    path: str = "",
    expected: str = "",
    found: str = "",
    detail: dict[str, str] | None = None,
    **fmt: object,
) -> Finding:
    """A ``Finding`` for ``code`` with its DA/T 70 indicator (``BC-x-y``) and filled message."""
    dat70, template = CODES[code]
    message = template.format(path=path, expected=expected, found=found, **fmt)
    return Finding(
        code=code,
        status=status,
        message=message,
        dat70=dat70,
        path=path,
        expected=expected,
        found=found,
        tool=TOOL,
        detail=dict(detail or {}),
    )

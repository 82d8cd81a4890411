"""Finding codes raised by ``package`` (AIP and BagIt verification): their names, and the one way
to make a finding of them. Their indicators, statuses and messages are rows of the finding-code
table (``standards/data/findings.tsv``, stage ``package``). Reads/writes nothing.
"""

from __future__ import annotations

from standards.finding import Finding, Status
from standards.findings import make

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

TOOL = "earchive.package"


def make_finding(
    code: str,
    status: Status | None = None,
    *,
    path: str = "",
    expected: str = "",
    found: str = "",
    detail: dict[str, str] | None = None,
    **fmt: object,
) -> Finding:
    """A ``Finding`` for ``code`` from the finding-code table (``standards/data/findings.tsv``,
    stage ``package``): its DA/T 70 indicator (``BC-x-y``), default status and filled messages."""
    return make(
        code, status, path=path, expected=expected, found=found, tool=TOOL, extra=detail, **fmt
    )

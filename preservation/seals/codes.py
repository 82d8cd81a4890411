"""Finding codes of the OFD seal and signature checks, and the one way to make their findings.

Their default status, DA/T 70 indicator, Chinese and English templates and notes are rows of the
finding-code table (``standards/data/findings.tsv``, stage ``seal``); ``PASS_MESSAGES`` holds the
wording of the codes whose PASS says what was verified rather than what went wrong. Every
template may use ``{path}``, ``{expected}``, ``{found}`` and ``{reason}``.
"""

from __future__ import annotations

from standards.finding import Finding, Status
from standards.findings import finding_code

__all__ = [
    "OFD_CERT_NONCONFORMANT",
    "OFD_NOT_SIGNED",
    "OFD_PACKAGE_INVALID",
    "OFD_PACKAGE_NONCONFORMANT",
    "OFD_REFERENCE_DIGEST_MISMATCH",
    "OFD_REFERENCE_MISSING",
    "OFD_SEAL_CHAIN_UNTRUSTED",
    "OFD_SEAL_DATAHASH_MISMATCH",
    "OFD_SEAL_EXPIRED",
    "OFD_SEAL_FILE_MISMATCH",
    "OFD_SEAL_FORMAT_INVALID",
    "OFD_SEAL_MAKER_SIGNATURE_INVALID",
    "OFD_SEAL_NOT_YET_VALID",
    "OFD_SEAL_REVOCATION_UNCHECKED",
    "OFD_SEAL_SIGNATURE_INVALID",
    "OFD_SEAL_SIGNER_CERT_EXPIRED",
    "OFD_SEAL_SIGNER_NOT_LISTED",
    "OFD_SEAL_STRUCTURE_NONCONFORMANT",
    "OFD_SEAL_TIME_INVALID",
    "OFD_SEAL_TIME_ZONE_ASSUMED",
    "OFD_SIGNATURE_VALUE_NONCONFORMANT",
    "OFD_SIGN_CERT_EXPIRED",
    "OFD_SIGN_DIGEST_MISMATCH",
    "OFD_SIGN_FORMAT_INVALID",
    "OFD_SIGN_SIGNATURE_INVALID",
    "OFD_TRUST_ROOT_UNUSABLE",
    "OFD_UNPROTECTED_PART",
    "OFD_VERIFIER_ERROR",
    "PASS_MESSAGES",
    "TOOL",
    "finding",
]

TOOL = "earchive.preservation.seals"
DAT70 = "GD-1-1"

OFD_PACKAGE_INVALID = "OFD_PACKAGE_INVALID"
OFD_NOT_SIGNED = "OFD_NOT_SIGNED"
OFD_REFERENCE_DIGEST_MISMATCH = "OFD_REFERENCE_DIGEST_MISMATCH"
OFD_REFERENCE_MISSING = "OFD_REFERENCE_MISSING"
OFD_UNPROTECTED_PART = "OFD_UNPROTECTED_PART"
OFD_SEAL_FORMAT_INVALID = "OFD_SEAL_FORMAT_INVALID"
OFD_SEAL_FILE_MISMATCH = "OFD_SEAL_FILE_MISMATCH"
OFD_SEAL_DATAHASH_MISMATCH = "OFD_SEAL_DATAHASH_MISMATCH"
OFD_SEAL_SIGNATURE_INVALID = "OFD_SEAL_SIGNATURE_INVALID"
OFD_SEAL_MAKER_SIGNATURE_INVALID = "OFD_SEAL_MAKER_SIGNATURE_INVALID"
OFD_SEAL_TIME_INVALID = "OFD_SEAL_TIME_INVALID"
OFD_SEAL_EXPIRED = "OFD_SEAL_EXPIRED"
OFD_SEAL_NOT_YET_VALID = "OFD_SEAL_NOT_YET_VALID"
OFD_SEAL_SIGNER_NOT_LISTED = "OFD_SEAL_SIGNER_NOT_LISTED"
OFD_SEAL_SIGNER_CERT_EXPIRED = "OFD_SEAL_SIGNER_CERT_EXPIRED"
OFD_SEAL_CHAIN_UNTRUSTED = "OFD_SEAL_CHAIN_UNTRUSTED"
OFD_SEAL_REVOCATION_UNCHECKED = "OFD_SEAL_REVOCATION_UNCHECKED"
OFD_SIGN_FORMAT_INVALID = "OFD_SIGN_FORMAT_INVALID"
OFD_SIGN_DIGEST_MISMATCH = "OFD_SIGN_DIGEST_MISMATCH"
OFD_SIGN_SIGNATURE_INVALID = "OFD_SIGN_SIGNATURE_INVALID"
OFD_SIGN_CERT_EXPIRED = "OFD_SIGN_CERT_EXPIRED"
OFD_PACKAGE_NONCONFORMANT = "OFD_PACKAGE_NONCONFORMANT"
OFD_SEAL_STRUCTURE_NONCONFORMANT = "OFD_SEAL_STRUCTURE_NONCONFORMANT"
OFD_SIGNATURE_VALUE_NONCONFORMANT = "OFD_SIGNATURE_VALUE_NONCONFORMANT"
OFD_SEAL_TIME_ZONE_ASSUMED = "OFD_SEAL_TIME_ZONE_ASSUMED"
OFD_CERT_NONCONFORMANT = "OFD_CERT_NONCONFORMANT"
OFD_TRUST_ROOT_UNUSABLE = "OFD_TRUST_ROOT_UNUSABLE"
OFD_VERIFIER_ERROR = "OFD_VERIFIER_ERROR"

PASS_MESSAGES: dict[str, tuple[str, str]] = {
    OFD_REFERENCE_DIGEST_MISMATCH: (
        "签章保护的 {found} 个文件摘要一致：{path}",
        "all {found} signed parts match: {path}",
    ),
    OFD_UNPROTECTED_PART: ("全部文件受签章保护：{path}", "every part is protected: {path}"),
    OFD_SEAL_DATAHASH_MISMATCH: (
        "签名描述文件摘要与原文杂凑值一致：{path}",
        "Signature.xml matches the dataHash: {path}",
    ),
    OFD_SEAL_SIGNATURE_INVALID: ("电子签章签名值有效：{path}", "seal signature verifies: {path}"),
    OFD_SEAL_MAKER_SIGNATURE_INVALID: (
        "电子印章制章者签名有效：{path}",
        "seal maker's signature verifies: {path}",
    ),
    OFD_SEAL_EXPIRED: (
        "签章时电子印章未过期：{path}",
        "seal had not expired at signing: {path}",
    ),
    OFD_SEAL_NOT_YET_VALID: (
        "签章时电子印章已生效：{path}",
        "seal was already valid at signing: {path}",
    ),
    OFD_SEAL_SIGNER_NOT_LISTED: (
        "签章者证书在印章证书列表中：{path}",
        "signer certificate is listed in the seal: {path}",
    ),
    OFD_SEAL_SIGNER_CERT_EXPIRED: (
        "签章时签章者证书有效：{path}",
        "signer certificate was valid at signing: {path}",
    ),
    OFD_SEAL_CHAIN_UNTRUSTED: (
        "证书链接到受信任的根证书：{path}（{reason}）",
        "certificate chains to a trusted root: {path} ({reason})",
    ),
    OFD_SIGN_DIGEST_MISMATCH: (
        "签名描述文件摘要与数字签名所签摘要一致：{path}",
        "Signature.xml matches the digest the signature covers: {path}",
    ),
    OFD_SIGN_SIGNATURE_INVALID: ("数字签名有效：{path}", "digital signature verifies: {path}"),
    OFD_SIGN_CERT_EXPIRED: (
        "签名时签名者证书有效：{path}",
        "signer certificate was valid at signing: {path}",
    ),
}


def finding(
    code: str,
    status: Status | None = None,
    *,
    path: str = "",
    expected: str = "",
    found: str = "",
    reason: str = "",
    **detail: str,
) -> Finding:
    """A ``Finding`` for ``code`` with its messages filled in (``detail["zh"]`` in Chinese)."""
    row = finding_code(code)
    status = row.status if status is None else status
    zh, en = row.zh, row.en
    if status is Status.PASS and code in PASS_MESSAGES:
        zh, en = PASS_MESSAGES[code]
    values = {"path": path, "expected": expected, "found": found, "reason": reason}
    extra = {k: str(v) for k, v in detail.items()}
    if reason:
        extra["reason"] = reason
    extra["zh"] = zh.format_map(values)
    return Finding(
        code=code,
        status=status,
        message=en.format_map(values),
        dat70=row.dat70,
        path=path,
        expected=expected,
        found=found,
        tool=TOOL,
        detail=extra,
    )

"""Finding codes of the OFD seal checks, with their default status and messages.

Kept as data in ``FINDING_ROWS`` (the columns of ``standards/data/findings.tsv``: code, status,
DA/T 70 indicator, Chinese and English templates, note) until they are merged there. Every
template may use ``{path}``, ``{expected}``, ``{found}`` and ``{reason}``.
"""

from __future__ import annotations

from standards.finding import Finding, Status

__all__ = [
    "FINDING_ROWS",
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

# code, default status, DA/T 70, zh, en, note
FINDING_ROWS: tuple[tuple[str, Status, str, str, str, str], ...] = (
    (
        OFD_PACKAGE_INVALID,
        Status.FAIL,
        DAT70,
        "OFD 文件结构无法读取：{path}（{reason}）",
        "OFD package unreadable: {path} ({reason})",
        "GB/T 33190 package structure; nothing else can be checked",
    ),
    (
        OFD_NOT_SIGNED,
        Status.NOT_APPLICABLE,
        DAT70,
        "OFD 文件没有签章：{path}",
        "OFD document carries no signature: {path}",
        "the caller decides whether a signature was required (case.xml signed=true)",
    ),
    (
        OFD_REFERENCE_DIGEST_MISMATCH,
        Status.FAIL,
        DAT70,
        "签章保护的文件摘要不一致：{path}",
        "digest of a signed part differs: {path}",
        "GB/T 33190 §18 References/CheckValue; PASS lists how many parts were checked",
    ),
    (
        OFD_REFERENCE_MISSING,
        Status.FAIL,
        DAT70,
        "签章保护的文件缺失：{path}",
        "part protected by the signature is missing: {path}",
        "GB/T 33190 §18 References",
    ),
    (
        OFD_UNPROTECTED_PART,
        Status.WARN,
        DAT70,
        "文件未受签章保护：{path}",
        "part not protected by any signature: {path}",
        "coverage: a part added after signing (signature folders excepted)",
    ),
    (
        OFD_SEAL_FORMAT_INVALID,
        Status.FAIL,
        DAT70,
        "电子签章数据无法解析：{path}（{reason}）",
        "seal signature unreadable: {path} ({reason})",
        "GB/T 38540 / GM/T 0031 ASN.1 structures",
    ),
    (
        OFD_SEAL_FILE_MISMATCH,
        Status.WARN,
        DAT70,
        "印章文件与签章数据中的印章不一致：{path}",
        "seal file differs from the seal inside the signature: {path}",
        "Seal.esl is informative; the seal inside SignedValue.dat is the one verified",
    ),
    (
        OFD_SEAL_DATAHASH_MISMATCH,
        Status.FAIL,
        DAT70,
        "签名描述文件摘要与签章原文杂凑值不一致：{path}",
        "Signature.xml digest differs from the seal signature's dataHash: {path}",
        "GB/T 38540 §7 原文杂凑值",
    ),
    (
        OFD_SEAL_SIGNATURE_INVALID,
        Status.FAIL,
        DAT70,
        "电子签章签名值验证失败：{path}（{reason}）",
        "seal signature does not verify: {path} ({reason})",
        "SM2 over DER(TBS_Sign) with the signer certificate",
    ),
    (
        OFD_SEAL_MAKER_SIGNATURE_INVALID,
        Status.FAIL,
        DAT70,
        "电子印章制章者签名验证失败：{path}（{reason}）",
        "seal maker's signature does not verify: {path} ({reason})",
        "SM2 over DER(SES_SealInfo) (v4) or the v1 sign range with the maker certificate",
    ),
    (
        OFD_SEAL_TIME_INVALID,
        Status.WARN,
        DAT70,
        "签章时间无法使用：{path}（{reason}）",
        "signing time unusable: {path} ({reason})",
        "timeInfo unreadable, or later than the verification time",
    ),
    (
        OFD_SEAL_EXPIRED,
        Status.FAIL,
        DAT70,
        "签章时间 {found} 电子印章已过期（有效期 {expected}）：{path}",
        "seal had expired at the signing time {found} (valid {expected}): {path}",
        "validEnd of the seal property",
    ),
    (
        OFD_SEAL_NOT_YET_VALID,
        Status.FAIL,
        DAT70,
        "签章时间 {found} 电子印章尚未生效（有效期 {expected}）：{path}",
        "seal was not yet valid at the signing time {found} (valid {expected}): {path}",
        "validStart of the seal property",
    ),
    (
        OFD_SEAL_SIGNER_NOT_LISTED,
        Status.FAIL,
        DAT70,
        "签章者证书不在印章证书列表中：{path}",
        "signer certificate is not in the seal's certificate list: {path}",
        "certList (certListType 1: certificates, 2: digests)",
    ),
    (
        OFD_SEAL_SIGNER_CERT_EXPIRED,
        Status.FAIL,
        DAT70,
        "签章时间 {found} 签章者证书不在有效期 {expected} 内：{path}",
        "signer certificate was not valid at the signing time {found} (valid {expected}): {path}",
        "certificate notBefore/notAfter against timeInfo",
    ),
    (
        OFD_SEAL_CHAIN_UNTRUSTED,
        Status.MANUAL_REVIEW,
        DAT70,
        "证书未链接到受信任的根证书：{path}（{reason}）",
        "certificate does not chain to a trusted root: {path} ({reason})",
        "intact and valid but not trusted is not tampered: review the trust configuration",
    ),
    (
        OFD_SEAL_REVOCATION_UNCHECKED,
        Status.MANUAL_REVIEW,
        DAT70,
        "未核验印章及证书状态：{path}（{reason}）",
        "seal and certificate status not checked: {path} ({reason})",
        "revocation needs the national seal platform and CRL/OCSP access",
    ),
    (
        OFD_SIGN_FORMAT_INVALID,
        Status.FAIL,
        DAT70,
        "数字签名数据无法解析：{path}（{reason}）",
        "digital signature unreadable: {path} ({reason})",
        "Type=Sign: GB/T 35275 SignedData or an SM2 signature value",
    ),
    (
        OFD_SIGN_DIGEST_MISMATCH,
        Status.FAIL,
        DAT70,
        "签名描述文件摘要与数字签名所签摘要不一致：{path}",
        "Signature.xml digest differs from the digest the signature covers: {path}",
        "GB/T 35275 messageDigest (or the signed content) against Signature.xml",
    ),
    (
        OFD_SIGN_SIGNATURE_INVALID,
        Status.FAIL,
        DAT70,
        "数字签名验证失败：{path}（{reason}）",
        "digital signature does not verify: {path} ({reason})",
        "SM2 over the signed attributes (or the content) with the signer certificate",
    ),
    (
        OFD_SIGN_CERT_EXPIRED,
        Status.FAIL,
        DAT70,
        "签名时间 {found} 签名者证书不在有效期 {expected} 内：{path}",
        "signer certificate was not valid at the signing time {found} (valid {expected}): {path}",
        "certificate notBefore/notAfter against signingTime or SignatureDateTime",
    ),
    (
        OFD_PACKAGE_NONCONFORMANT,
        Status.WARN,
        DAT70,
        "OFD 文件结构不符合标准，已容错读取：{path}（{reason}）",
        "OFD package deviates from the standard, read anyway: {path} ({reason})",
        "GB/T 33190: namespace, locations, Base64 layout",
    ),
    (
        OFD_SEAL_STRUCTURE_NONCONFORMANT,
        Status.WARN,
        DAT70,
        "签章数据结构不符合标准，已按结构读取：{path}（{reason}）",
        "signature structure deviates from its standard, read by structure: {path} ({reason})",
        "GB/T 38540 / GM/T 0031 / GB/T 35275: header version, field types, algorithm OIDs",
    ),
    (
        OFD_SIGNATURE_VALUE_NONCONFORMANT,
        Status.WARN,
        DAT70,
        "SM2 签名值编码不符合标准，验证通过：{path}（{reason}）",
        "SM2 signature value encoding is non-conformant but verifies: {path} ({reason})",
        "GM/T 0009 DER SEQUENCE{r, s}: raw r‖s, negative or padded INTEGERs, no Z value",
    ),
    (
        OFD_SEAL_TIME_ZONE_ASSUMED,
        Status.WARN,
        DAT70,
        "时间未标明时区或格式不符，已按 UTC 读取：{path}（{reason}）",
        "time without a zone or in an odd form, read as UTC: {path} ({reason})",
        "UTCTime / GeneralizedTime without Z, two-digit years, text times",
    ),
    (
        OFD_CERT_NONCONFORMANT,
        Status.WARN,
        DAT70,
        "证书字段不符合标准，已容错读取：{path}（{reason}）",
        "certificate fields deviate from the standard, read anyway: {path} ({reason})",
        "RFC 5280 string types, times, key algorithm; key, validity and subject still read",
    ),
    (
        OFD_TRUST_ROOT_UNUSABLE,
        Status.MANUAL_REVIEW,
        DAT70,
        "信任根证书无法使用：{path}（{reason}）",
        "trust root certificate unusable: {path} ({reason})",
        "configuration: the other roots are still used",
    ),
    (
        OFD_VERIFIER_ERROR,
        Status.MANUAL_REVIEW,
        DAT70,
        "签章核验未能完成：{path}（{reason}）",
        "signature verification could not finish: {path} ({reason})",
        "an unexpected error in the verifier; this file only, the others are checked",
    ),
)
_ROWS = {row[0]: row for row in FINDING_ROWS}

# zh, en when the check passed (the table's templates describe the problem)
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
    row = _ROWS[code]
    status = row[1] if status is None else status
    zh, en = row[3], row[4]
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
        dat70=row[2],
        path=path,
        expected=expected,
        found=found,
        tool=TOOL,
        detail=extra,
    )

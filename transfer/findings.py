"""Finding codes of the transfer stage (YJ) and the one way to make them.

The codes are kept here as a table (code, status, DA/T 70 indicator, Chinese and English message)
rather than in ``standards/data/findings.tsv``: that table's coverage tests expect every code to be
an ingest refusal exercised by an ingest test. Moving these rows there is a follow-up.
Reads and writes nothing. Raises ``KeyError`` only for a code missing from the table (a bug).
"""

from __future__ import annotations

from types import MappingProxyType

from standards.finding import Finding, Status

__all__ = ["TRANSFER_CODES", "transfer_finding"]

_F, _P, _M = Status.FAIL, Status.PASS, Status.MANUAL_REVIEW

# code: (default status, DA/T 70 indicator, zh, en)
TRANSFER_CODES = MappingProxyType(
    {
        "EEP_MALFORMED": (_F, "YJ-1-5", "封装包无法解析：{error}", "EEP cannot be parsed: {error}"),
        "EEP_SCHEMA": (
            _F,
            "YJ-1-5",
            "封装包不符合模式：{error}",
            "EEP violates its schema: {error}",
        ),
        "EEP_SIGNATURE_VALID": (_P, "YJ-1-1", "{which}有效", "{which} is valid"),
        "EEP_SIGNATURE_INVALID": (
            _F,
            "YJ-1-1",
            "{which}无效：{reason}",
            "{which} is invalid: {reason}",
        ),
        "EEP_SIGNER_TRUSTED": (_P, "YJ-1-1", "签名人为受信任密钥", "signer is the trusted key"),
        "EEP_SIGNER_UNTRUSTED": (
            _F,
            "YJ-1-1",
            "签名人不是受信任密钥",
            "signer is not the trusted key",
        ),
        "EEP_SIGNER_TRUST_UNKNOWN": (
            _M,
            "YJ-1-1",
            "未提供受信任密钥，签名人待人工确认",
            "no trusted key given: the signer needs review",
        ),
        "EEP_CONTENT_DIGEST_MISMATCH": (
            _F,
            "YJ-1-1",
            "{algorithm} 摘要不一致：{path}",
            "{algorithm} digest differs: {path}",
        ),
        "EEP_CONTENT_UNDECODABLE": (
            _F,
            "YJ-1-1",
            "编码数据不是有效的 Base64：{path}",
            "编码数据 is not valid Base64: {path}",
        ),
        "EEP_EXTERNAL_MISSING": (
            _F,
            "YJ-2-1",
            "外部文件缺失：{path}",
            "external file missing: {path}",
        ),
        "EEP_EXTERNAL_UNSAFE": (
            _F,
            "YJ-1-5",
            "外部文件路径不安全：{path}",
            "unsafe external file path: {path}",
        ),
        "EEP_CONTENT_VERIFIED": (
            _P,
            "YJ-1-1",
            "{count} 个文档的摘要均一致",
            "digests of all {count} documents match",
        ),
        "TRANSFER_ITEM_REFUSED": (
            _F,
            "YJ-1-1",
            "移交前检测未通过，不予移交：{archive_id}",
            "pre-transfer checks failed, item not transferred: {archive_id}",
        ),
        "TRANSFER_ITEM_ENCRYPTED": (
            _F,
            "YJ-3-4",
            "含加密文件，不予移交：{archive_id}",
            "holds encrypted files, item not transferred: {archive_id}",
        ),
        "TRANSFER_ITEM_COMPRESSED": (
            _F,
            "YJ-3-4",
            "含压缩文件，不予移交：{archive_id}",
            "holds compressed files, item not transferred: {archive_id}",
        ),
        "PKG_PART_MISSING": (_F, "YJ-1-5", "移交包缺少：{path}", "transfer package lacks: {path}"),
        "PKG_PART_MALFORMED": (
            _F,
            "YJ-1-5",
            "移交包文件无法读取：{path}：{error}",
            "transfer package file unreadable: {path}: {error}",
        ),
        "PKG_MANIFEST_SIGNATURE": (
            _F,
            "YJ-1-1",
            "移交清单签名无效：{reason}",
            "transfer manifest signature invalid: {reason}",
        ),
        "PKG_DIGEST_MISMATCH": (
            _F,
            "YJ-1-1",
            "文件摘要与清单不一致：{path}",
            "file digest differs from the manifest: {path}",
        ),
        "PKG_FILE_MISSING": (
            _F,
            "YJ-2-1",
            "清单所列文件缺失：{path}",
            "file in the manifest is missing: {path}",
        ),
        "PKG_EXTRA_FILE": (
            _F,
            "YJ-2-4",
            "清单外的文件：{path}",
            "file not in the manifest: {path}",
        ),
        "SHEET_DIGEST_MISMATCH": (
            _F,
            "YJ-1-1",
            "登记表摘要与封装包不一致：{path}",
            "registration digest sheet differs from the EEP: {path}",
        ),
        "CATALOGUE_MISMATCH": (
            _F,
            "YJ-2-4",
            "文件目录与内容不一致：{path}",
            "catalogue differs from contents: {path}",
        ),
        "CATALOGUE_MATCHES": (
            _P,
            "YJ-2-4",
            "文件目录与 {count} 个封装包一致",
            "catalogue matches the {count} EEPs",
        ),
        "ACCESSION_UNPACK_FAILED": (
            _F,
            "YJ-1-5",
            "无法从封装包取出办件包：{error}",
            "cannot take the case package out of the EEP: {error}",
        ),
        "ACCESSION_REFUSED": (
            _F,
            "YJ-1-5",
            "接收方归档未通过（{codes}）",
            "the receiver's ingest refused it ({codes})",
        ),
        "ACCESSION_INGESTED": (
            _P,
            "YJ-1-5",
            "已归档为 {archive_id}（档号 {archival_code}，{outcome}）",
            "archived as {archive_id} (archival code {archival_code}, {outcome})",
        ),
        "ACCESSION_GD_CHECKED": (
            _P,
            "YJ-1-5",
            "接收方归档检测（GD）：{summary}",
            "the receiver's archiving checks (GD): {summary}",
        ),
    }
)


def transfer_finding(
    code: str,
    status: Status | None = None,
    *,
    path: str = "",
    expected: str = "",
    found: str = "",
    tool: str = "transfer",
    **fmt: object,
) -> Finding:
    """A ``Finding`` of ``code`` with both messages filled from ``fmt`` (missing names stay)."""
    default, dat70, zh, en = TRANSFER_CODES[code]
    values = {"path": path, **{k: str(v) for k, v in fmt.items()}}

    class _Keep(dict[str, str]):
        def __missing__(self, key: str) -> str:
            return "{" + key + "}"

    return Finding(
        code=code,
        status=status or default,
        message=en.format_map(_Keep(values)),
        dat70=dat70,
        path=path,
        expected=expected,
        found=found,
        tool=tool,
        detail={"zh": zh.format_map(_Keep(values))},
    )

"""Names, identifiers and texts of the DA/T 48-2009 electronic-file encapsulation package (EEP).

The structure is the standard's appendix schema as transcribed in ``standards/data/eep.xsd``
(namespace ``http://www.saac.gov.cn/standards/ERM/encapsulation``); where that transcription and
the official text of DA/T 48-2009 differ, the official text wins. The standard's fixed wordings
(封装包格式描述, 封装包类型描述 of a 原始型 package, 编码描述) are read from that schema, so a
correction there corrects every package written afterwards. 签名规则 is ours: it states exactly
which bytes are signed and how. Reads: ``eep.xsd`` (once). Raises ``EepError``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

from package.signature import ALGORITHM_OIDS, ECDSA_P256_SHA256, SM2_SIGNER_ID, SM2_WITH_SM3
from standards.errors import DataFileError
from standards.schemas import schema_path

from ..errors import EepError

__all__ = [
    "ALGORITHM_OIDS",
    "EEP_NAMESPACE",
    "EEP_SCHEMA",
    "EEP_VERSION",
    "MANIFEST_FILE_NAME",
    "MANIFEST_ID",
    "OID_ALGORITHMS",
    "ORIGINAL_TYPE",
    "SIGNATURE_ID",
    "StandardTexts",
    "coding_ids",
    "document_id",
    "q",
    "signature_rule",
    "standard_texts",
]

EEP_NAMESPACE = "http://www.saac.gov.cn/standards/ERM/encapsulation"
EEP_SCHEMA = "eep.xsd"
EEP_VERSION = "2009"
ORIGINAL_TYPE = "原始型"
#: 签名标识符 of the one 电子签名 (修改层 0, 签名 1), an XML ID
SIGNATURE_ID = "修改0-签名1"
#: 文档标识符 and 计算机文件名 of the document listing every other document's logical path,
#: size and digests (the last 文档 of 文件数据)
MANIFEST_ID = "MANIFEST"
MANIFEST_FILE_NAME = "eep-manifest.tsv"
OID_ALGORITHMS = {oid: name for name, oid in ALGORITHM_OIDS.items()}
_XS = "{http://www.w3.org/2001/XMLSchema}"
_ORIGINAL_MARK = "原始封装"

_ALGORITHM_RULES = {
    SM2_WITH_SM3: (
        "签名算法：SM2（GB/T 32918.2-2016），对杂凑值 e = SM3(Z ‖ M)"
        "（SM3 见 GB/T 32905-2016）签名，"
        f"签名者标识为缺省值 {SM2_SIGNER_ID.decode('ascii')}，M 为上述字节"
    ),
    ECDSA_P256_SHA256: (
        "签名算法：ECDSA（FIPS 186-4，曲线 P-256），对 M 的 SHA-256 杂凑值签名，M 为上述字节"
    ),
}
_RULE = (
    "签名对象：本文件中{target}按 Canonical XML 1.0（W3C 2001-03-15，不含注释）规范化后的 UTF-8 "
    "字节；本文件已按该规范形式写出此元素（含其命名空间声明），即文件中自“<{name}”起至与之对应的"
    "“</{name}>”止的原始字节。{algorithm}。签名结果为 DER 编码的 SEQUENCE {{r, s}} 的 Base64 "
    "编码；证书为 DER 编码的 X.509 证书的 Base64 编码，签名人证书在前，其后依次为签发者证书。"
)


def q(name: str) -> str:
    """The qualified (Clark) name of an EEP element."""
    return "{" + EEP_NAMESPACE + "}" + name


def document_id(number: int) -> str:
    """文档标识符 of the ``number``-th document (from 1): an XML ID such as ``DOC0001``."""
    return f"DOC{number:04d}"


def coding_ids(document: str) -> tuple[str, str, str]:
    """(文档数据ID, 编码ID, 编码数据ID) of a document's one coding: XML IDs derived from its
    文档标识符, unique in the package."""
    return f"{document}-DATA", f"{document}-ENC", f"{document}-B64"


def signature_rule(algorithm: str, target: str) -> str:
    """签名规则 of a signature over the element ``target`` (被签名对象 or 电子签名)."""
    where = (
        f"“{target}”元素"
        if target == "被签名对象"
        else f"签名标识符为“{SIGNATURE_ID}”的“电子签名”元素"
    )
    try:
        return _RULE.format(target=where, name=target, algorithm=_ALGORITHM_RULES[algorithm])
    except KeyError as exc:
        raise EepError(f"no 签名规则 for algorithm {algorithm!r}") from exc


@dataclass(frozen=True)
class StandardTexts:
    """The fixed wordings of DA/T 48-2009 a 原始型 package carries."""

    format_description: str  # 封装包格式描述 (the schema's default)
    type_description: str  # 封装包类型描述 of a 原始型 package (one of the schema's enumeration)
    coding_description: str  # 编码描述 (the schema's default)


def _element(schema: etree._Element, name: str) -> etree._Element:
    found = schema.find(f".//{_XS}element[@name='{name}']")
    if found is None:
        raise EepError(f"{EEP_SCHEMA} does not define {name}")
    return found


@lru_cache(maxsize=1)
def standard_texts() -> StandardTexts:
    """The standard's wordings as ``eep.xsd`` states them; raises ``EepError`` when absent."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    try:
        schema = etree.parse(str(schema_path(EEP_SCHEMA)), parser).getroot()
    except (DataFileError, OSError, etree.XMLSyntaxError) as exc:
        raise EepError(f"cannot read {EEP_SCHEMA}: {exc}") from exc
    kinds = [
        str(e.get("value"))
        for e in _element(schema, "封装包类型描述").iter(f"{_XS}enumeration")
        if _ORIGINAL_MARK in str(e.get("value"))
    ]
    texts = (
        _element(schema, "封装包格式描述").get("default") or "",
        kinds[0] if len(kinds) == 1 else "",
        _element(schema, "编码描述").get("default") or "",
    )
    if not all(texts):
        raise EepError(f"{EEP_SCHEMA} lacks a fixed wording of DA/T 48 (default or enumeration)")
    return StandardTexts(*texts)

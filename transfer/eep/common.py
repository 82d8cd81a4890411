"""Names and shared pieces of the DA/T 48-2009 electronic-file encapsulation package (EEP).

The structure follows the domain brief (DOMAIN.md §6): root ``电子文件封装包`` with
``封装包格式描述``, ``版本``, ``被签名对象``, ``电子签名块`` and ``锁定签名``, in namespace
``http://www.saac.gov.cn/standards/ERM/encapsulation``. No official XSD of DA/T 48 was at hand;
``standards/data/eep.xsd`` is written from this structure. Reads and writes nothing.
"""

from __future__ import annotations

from lxml import etree

from package.signature import ECDSA_P256_SHA256, SM2_WITH_SM3

__all__ = [
    "ALGORITHM_OIDS",
    "EEP_NAMESPACE",
    "EEP_SCHEMA",
    "LOCK_ID",
    "OID_ALGORITHMS",
    "SIGNATURE_ID",
    "canonical",
    "q",
    "safe_parse",
]

EEP_NAMESPACE = "http://www.saac.gov.cn/standards/ERM/encapsulation"
EEP_SCHEMA = "eep.xsd"
SIGNATURE_ID = "修改0-签名1"
LOCK_ID = "锁定签名"
ALGORITHM_OIDS = {
    SM2_WITH_SM3: "1.2.156.10197.1.501",  # SM2 签名算法 with SM3
    ECDSA_P256_SHA256: "1.2.840.10045.4.3.2",  # ecdsa-with-SHA256
}
OID_ALGORITHMS = {oid: name for name, oid in ALGORITHM_OIDS.items()}
SM3_OID = "1.2.156.10197.1.401"


def q(name: str) -> str:
    """The qualified (Clark) name of an EEP element."""
    return "{" + EEP_NAMESPACE + "}" + name


def canonical(element: etree._Element) -> bytes:
    """Canonical XML 1.0 (no comments) of ``element``: the bytes that are signed."""
    return bytes(etree.tostring(element, method="c14n", exclusive=False, with_comments=False))


def safe_parse(data: bytes) -> etree._Element:
    """Parse EEP bytes with no DTD, entities or network; raises ``etree.XMLSyntaxError``."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True
    )
    root = etree.fromstring(data, parser)
    if root.getroottree().docinfo.doctype:
        raise etree.XMLSyntaxError("DOCTYPE not allowed", None, 0, 0)
    return root

"""A built EEP is DA/T 48-2009 as transcribed in ``eep.xsd``: valid, every required element in its
place, the standard's fixed wordings, every file inside as Base64, XML IDs, and signed bytes that
are the canonical form of the signed element — no application needed."""

from __future__ import annotations

import base64
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from asn1crypto import pem
from lxml import etree

from package.digest import digest_bytes
from package.signature import ECDSA_P256_SHA256, generate_key, load_signer
from samples.sm2_authority import issue_certificate, new_root
from standards.schemas import load_schema, schema_path
from transfer import EepError
from transfer.eep import EEP_NAMESPACE, BuiltEep, EepOptions, build_eep, verify_eep

from .eep_kit import CA_VALID, CREATED, UNIT, Unit, case_files, eep, source, unit

NS = "{" + EEP_NAMESPACE + "}"
XS = "{http://www.w3.org/2001/XMLSchema}"

#: The children of each element that DA/T 48 requires (1 or 1..n), in the standard's order
#: (dat48-eep-structure.md), checked against the schema below and then against a built package.
REQUIRED = {
    "电子文件封装包": ["封装包格式描述", "版本", "被签名对象"],
    "被签名对象": ["封装包类型", "封装包类型描述", "封装包创建时间", "封装包创建单位"],
    "封装内容": ["文件实体块", "业务实体块", "机构人员实体块"],
    "文件实体块": ["文件实体"],
    "文件实体": [
        "聚合层次",
        "来源",
        "电子文件号",
        "档号",
        "内容描述",
        "形式特征",
        "存储位置",
        "权限管理",
        "文件数据",
    ],
    "来源": ["立档单位名称"],
    "档号": ["年度", "保管期限"],
    "内容描述": ["题名", "责任者", "日期", "密级"],
    "形式特征": ["文件组合类型"],
    "存储位置": ["脱机载体编号"],
    "文件数据": ["文档"],
    "文档": ["文档标识符", "文档数据"],
    "文档数据": ["编码"],
    "编码": ["电子属性", "编码描述", "反编码关键字", "编码数据"],
    "电子属性": ["计算机文件名", "计算机文件大小"],
    "业务实体块": ["业务实体"],
    "业务实体": [
        "业务标识符",
        "机构人员标识符",
        "文件标识符",
        "业务状态",
        "业务行为",
        "行为时间",
    ],
    "机构人员实体块": ["机构人员实体"],
    "机构人员实体": ["机构人员标识符", "机构人员名称"],
    "电子签名块": ["电子签名"],
    "电子签名": ["签名标识符", "签名规则", "签名结果", "证书块", "签名算法标识"],
    "锁定签名": ["被锁定签名标识符", "签名规则", "签名结果", "证书块", "签名算法标识"],
    "证书块": ["证书"],
}
#: optional in the standard, always written by us
ALWAYS = {
    "电子文件封装包": ["电子签名块", "锁定签名"],
    "被签名对象": ["封装内容"],
    "档号": ["全宗号", "机构或问题", "室编件号"],
    "文档": ["文档序号", "文档主从声明", "题名"],
    "电子签名": ["签名时间", "签名人"],
    "锁定签名": ["签名时间", "签名人"],
}
FORMAT_DESCRIPTION = (
    "本EEP根据中华人民共和国档案行业标准DA/T48-2009《基于XML的电子文件封装规范》生成"
)
TYPE_DESCRIPTION = "本封装包包含电子文件数据及其元数据，原始封装，未经修改"
NCNAME = re.compile(r"[^\W\d][\w.\-]*")


@pytest.fixture(scope="module")
def who(tmp_path_factory: pytest.TempPathFactory) -> Unit:
    return unit(tmp_path_factory.mktemp("key"))


@pytest.fixture(scope="module")
def built(who: Unit, tmp_path_factory: pytest.TempPathFactory) -> BuiltEep:
    return eep(tmp_path_factory.mktemp("eep"), who)


@pytest.fixture(scope="module")
def tree(built: BuiltEep) -> etree._Element:
    return etree.parse(str(built.path)).getroot()


def _schema_children(name: str) -> list[str]:
    """Required children of ``name`` per eep.xsd: direct sequence particles with minOccurs ≥ 1."""
    schema = etree.parse(str(schema_path("eep.xsd"))).getroot()
    declared = schema.find(f".//{XS}element[@name='{name}']")
    assert declared is not None, name
    kind = declared.find(f"{XS}complexType")
    if kind is None:
        kind = schema.find(f"{XS}complexType[@name='{declared.get('type')}']")
    assert kind is not None, name
    sequence = kind.find(f".//{XS}sequence")
    assert sequence is not None, name
    return [
        e.get("name", "") for e in sequence.findall(f"{XS}element") if e.get("minOccurs") != "0"
    ]


@pytest.mark.parametrize("parent", sorted(REQUIRED))
def test_the_table_is_the_schema(parent: str) -> None:
    assert _schema_children(parent) == REQUIRED[parent]


@pytest.mark.parametrize("parent", sorted(REQUIRED))
def test_every_required_element_is_present_in_order(tree: etree._Element, parent: str) -> None:
    expected = REQUIRED[parent] + ALWAYS.get(parent, [])
    order = [n for n in _all_children(parent) if n in expected]
    nodes = [tree] if tree.tag == NS + parent else list(tree.iter(NS + parent))
    assert nodes, parent
    for node in nodes:
        names = [etree.QName(c).localname for c in node if isinstance(c.tag, str)]
        seen = [n for i, n in enumerate(names) if n in expected and (i == 0 or names[i - 1] != n)]
        assert seen == order, (parent, names)


def _all_children(parent: str) -> list[str]:
    schema = etree.parse(str(schema_path("eep.xsd"))).getroot()
    declared = schema.find(f".//{XS}element[@name='{parent}']")
    assert declared is not None
    kind = declared.find(f"{XS}complexType")
    if kind is None:
        kind = schema.find(f"{XS}complexType[@name='{declared.get('type')}']")
    assert kind is not None
    return [str(e.get("name")) for e in kind.iter(f"{XS}element")]


def test_valid_against_the_schema_with_every_file_inside(
    built: BuiltEep, tree: etree._Element
) -> None:
    schema = load_schema("eep.xsd")
    assert schema.validate(tree.getroottree()), schema.error_log
    data = built.path.read_bytes()
    assert b"\xe5\xa4\x96\xe9\x83\xa8\xe6\x96\x87\xe4\xbb\xb6" not in data  # 外部文件 nowhere
    assert not list(built.path.parent.glob("*.files"))
    decoded = {
        str(node.getparent().findtext(f"{NS}电子属性/{NS}计算机文件名")): base64.b64decode(
            "".join((node.text or "").split())
        )
        for node in tree.iter(NS + "编码数据")
    }
    for path, content in case_files().items():
        assert decoded[path.rsplit("/", 1)[-1]] == content
    assert built.documents == len(case_files())
    assert built.digests == digest_bytes(data)


def test_fixed_texts_are_the_standards(tree: etree._Element) -> None:
    assert tree.findtext(NS + "封装包格式描述") == FORMAT_DESCRIPTION
    assert tree.findtext(NS + "版本") == "2009"
    signed = tree.find(NS + "被签名对象")
    assert signed is not None and signed.get("eep版本") == "2009"
    assert signed.findtext(NS + "封装包类型") == "原始型"
    assert signed.findtext(NS + "封装包类型描述") == TYPE_DESCRIPTION
    assert signed.findtext(NS + "封装包创建时间") == CREATED.isoformat()
    assert {n.text for n in tree.iter(NS + "聚合层次")} == {"文件"}
    assert {n.text for n in tree.iter(NS + "业务状态")} == {"历史行为"}
    assert tree.findtext(f".//{NS}文件组合类型") == "组合文件"
    descriptions = {n.text for n in tree.iter(NS + "编码描述")}
    assert len(descriptions) == 1 and "RFC 2045" in str(descriptions.pop())
    for coding in tree.iter(NS + "编码"):
        name = str(coding.findtext(f"{NS}电子属性/{NS}计算机文件名"))
        assert coding.findtext(NS + "反编码关键字") == name.rsplit(".", 1)[1]
    roles = [n.text for n in tree.iter(NS + "文档主从声明")]
    assert roles == ["主文档", "主文档", "附属文档", "附属文档"]


def test_only_standard_elements_and_case_facts_in_notes(tree: etree._Element) -> None:
    names = {etree.QName(n).localname for n in tree.iter() if isinstance(n.tag, str)}
    for invented in ("档号全文", "门类代码", "件号", "文档数", "政务服务信息", "摘要", "所属机构"):
        assert invented not in names
    notes = [n.text for n in tree.iter(NS + "附注")]
    assert "档号：Z109-WS·2024-D30-BGS-0007" in notes
    assert "申请人证件：身份证 310*************34" in notes  # masked
    assert tree.findtext(f".//{NS}档号/{NS}室编件号") == "7"
    assert tree.findtext(f".//{NS}存储位置/{NS}脱机载体编号") == "在线"
    systems = [n.text for n in tree.iter(NS + "信息系统描述")]
    assert systems == ["办理系统：一网通办受理平台", "归档系统：earchive 1.0"]


def test_identifiers_are_xml_ids_and_the_lock_names_the_signature(tree: etree._Element) -> None:
    ids = [n.text or "" for n in tree.iter(NS + "文档标识符", NS + "签名标识符")]
    ids += [str(v) for n in tree.iter() for k, v in n.attrib.items() if k.endswith("ID")]
    assert ids and all(NCNAME.fullmatch(i) for i in ids), ids
    assert len(set(ids)) == len(ids)
    assert len(tree.findall(f"{NS}电子签名块/{NS}电子签名")) == 1
    signature_id = tree.findtext(f"{NS}电子签名块/{NS}电子签名/{NS}签名标识符")
    assert tree.findtext(f"{NS}锁定签名/{NS}被锁定签名标识符") == signature_id
    record = tree.findtext(f".//{NS}电子文件号")
    assert {n.text for n in tree.iter(NS + "文件标识符")} == {record}
    agents = {n.text for n in tree.iter(NS + "机构人员标识符")}
    listed = {n.findtext(NS + "机构人员标识符") for n in tree.iter(NS + "机构人员实体")}
    assert agents == listed


def test_signed_bytes_are_the_canonical_form(built: BuiltEep, tree: etree._Element) -> None:
    # two canonicalisers other than ours: lxml's on the parsed element, the standard library's
    # on the raw bytes (lxml's C14N 1.0 of a sub-element is unusable here: it renders the
    # inherited default namespace as xmlns="" or fails; for this content C14N 2.0 is the same)
    data = built.path.read_bytes()
    for name in ("被签名对象", "电子签名"):
        element = next(tree.iter(NS + name))
        canonical = etree.tostring(element, method="c14n2")
        assert data.count(canonical) == 1
        start = data.index(f"<{name} ".encode())
        end = data.index(f"</{name}>".encode(), start) + len(f"</{name}>".encode())
        raw = data[start:end].decode("utf-8")
        assert ET.canonicalize(raw).encode("utf-8") == canonical == raw.encode("utf-8")


def test_signature_block_names_the_unit_and_carries_its_chain(
    who: Unit, tree: etree._Element
) -> None:
    for node in (tree.find(f"{NS}电子签名块/{NS}电子签名"), tree.find(NS + "锁定签名")):
        assert node is not None
        assert node.findtext(NS + "签名人") == UNIT
        assert node.findtext(NS + "签名算法标识") == "1.2.156.10197.1.501"
        certs = [base64.b64decode(c.text or "") for c in node.iter(NS + "证书")]
        assert certs == list(who.certificates)
        rule = str(node.findtext(NS + "签名规则"))
        assert "Canonical XML 1.0" in rule and "1234567812345678" in rule


def test_an_ecdsa_key_still_signs(tmp_path: Path) -> None:
    signer = load_signer(generate_key(tmp_path / "k", ECDSA_P256_SHA256))
    root, root_key = new_root("earchive 测试单位证书CA", CA_VALID)
    cert = issue_certificate(
        subject=("单位", UNIT),
        subject_spki=bytes(pem.unarmor(signer.public_key_pem.encode())[2]),
        issuer=("earchive 测试单位证书CA", "earchive 测试电子印章系统"),
        issuer_spki=root_key.spki_der,
        issuer_sign=root_key.sign,
        not_before=CA_VALID[0],
        not_after=CA_VALID[1],
        ca=False,
    )
    options = EepOptions(UNIT, CREATED, UNIT, (cert, root))
    built = build_eep(source(), signer, tmp_path / "e.eep.xml", options)
    findings = verify_eep(built.path, trust_roots=[root])
    assert [f.code for f in findings if f.failed] == []
    assert [f.code for f in findings].count("EEP_CERTIFICATE_TRUSTED") == 2


def test_refusals(who: Unit, tmp_path: Path) -> None:
    other = unit(tmp_path / "other")
    wrong = EepOptions(UNIT, CREATED, UNIT, other.certificates)
    with pytest.raises(EepError, match="signing key"):
        build_eep(source(), who.signer, tmp_path / "a.eep.xml", wrong)
    with pytest.raises(EepError, match="certificates"):
        build_eep(source(), who.signer, tmp_path / "a.eep.xml", EepOptions(UNIT, CREATED, UNIT, ()))
    naive = EepOptions(UNIT, CREATED.replace(tzinfo=None), UNIT, who.certificates)
    with pytest.raises(EepError, match="timezone"):
        build_eep(source(), who.signer, tmp_path / "a.eep.xml", naive)
    damaged = source()
    files = damaged.metadata["files"]
    files[0]["sha256"] = "0" * 64
    with pytest.raises(EepError, match="damaged"):
        build_eep(damaged, who.signer, tmp_path / "a.eep.xml", who.options())
    assert not list(tmp_path.glob("*a.eep.xml*"))  # the partial file is gone
    built = eep(tmp_path, who)
    with pytest.raises(EepError, match="exists"):
        eep(tmp_path, who)
    assert built.path.is_file()

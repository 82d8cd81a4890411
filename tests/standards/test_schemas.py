"""case.xsd compiles, agrees with the code tables and documents every element."""

from __future__ import annotations

from lxml import etree

from standards.codes import code_tables, formats
from standards.schemas import CASE_NAMESPACE, case_schema, schema_path

XS = "{http://www.w3.org/2001/XMLSchema}"


def _schema_doc() -> etree._ElementTree:
    return etree.parse(str(schema_path("case.xsd")))


def _enumeration(type_name: str) -> list[str]:
    doc = _schema_doc()
    found = doc.xpath(
        f"//xs:simpleType[@name='{type_name}']//xs:enumeration/@value",
        namespaces={"xs": XS[1:-1]},
    )
    return [str(v) for v in found]


def test_schema_compiles_and_is_cached() -> None:
    assert case_schema() is case_schema()
    root = _schema_doc().getroot()
    assert root.get("targetNamespace") == CASE_NAMESPACE


def test_enumerations_match_the_code_tables() -> None:
    tables = code_tables()
    assert _enumeration("TaskType") == list(tables.task_types)
    assert _enumeration("Result") == list(tables.results)
    assert _enumeration("ApplicantType") == list(tables.applicant_types)
    assert _enumeration("StepCode") == list(tables.step_codes)
    assert _enumeration("Sharing") == list(tables.sharing)
    assert _enumeration("SecurityClassification") == [
        *tables.security_allowed,
        *tables.security_refused,
    ]
    assert _enumeration("Format") == list(formats())


def test_every_element_is_documented_in_chinese() -> None:
    doc = _schema_doc()
    undocumented = []
    for element in doc.iter(f"{XS}element"):
        name = element.get("name")
        if name in ("step", "file"):  # documented on their types
            continue
        text = "".join(
            element.xpath("xs:annotation/xs:documentation/text()", namespaces={"xs": XS[1:-1]})
        )
        if not text or text.isascii():
            undocumented.append(name)
    assert undocumented == []


def test_da_t_46_elements_are_named() -> None:
    text = schema_path("case.xsd").read_text(encoding="utf-8")
    for marker in (
        "题名（DA/T 46 M22）",
        "密级（DA/T 46 M38）",
        "格式信息（DA/T 46 M47）",
        "电子文件号（DA/T 46 M7）",
        "计算机文件大小，字节（DA/T 46 M49）",
    ):
        assert marker in text

"""Structured application data (an online form as XML) in the namespace ``FORM_NS``."""

from __future__ import annotations

import random

from lxml import etree

from .plan import CasePlan, FileSpec

__all__ = ["FORM_NS", "render_xml"]

FORM_NS = "urn:earchive:samples:application-form:1"


def _sub(parent: etree._Element, tag: str, text: str = "", **attrs: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{FORM_NS}}}{tag}", attrs)
    if text:
        node.text = text
    return node


def render_xml(plan: CasePlan, spec: FileSpec, rng: random.Random) -> bytes:
    """The form ``spec`` as UTF-8 XML: item, applicant, form fields and declaration."""
    root = etree.Element(f"{{{FORM_NS}}}application", nsmap={None: FORM_NS}, version="1")
    _sub(root, "title", spec.title)
    task = _sub(root, "task", code=plan.item.task_code, version=plan.item.version)
    task.text = plan.item.task_name
    _sub(root, "project_id", plan.project_id)
    applicant = _sub(root, "applicant", type=plan.applicant.type)
    _sub(applicant, "name", plan.applicant.name)
    _sub(applicant, "id", plan.applicant.id_number, type=plan.applicant.id_type)
    _sub(applicant, "address", plan.applicant.address)
    if plan.person is not None and plan.applicant.type == "自然人":
        _sub(applicant, "gender", plan.person.gender)
        _sub(applicant, "birth_date", plan.person.birth_date.isoformat())
    elif plan.person is not None:
        _sub(applicant, "legal_representative", plan.person.name)
    if plan.person is not None:
        _sub(applicant, "phone", plan.person.phone)
    fields = _sub(root, "fields")
    if plan.item.task_code == "JZ-BL-003":
        values = {
            "居住地址": plan.applicant.address,
            "居住事由": rng.choice(("就业", "就读", "投靠亲属", "经商")),
            "居住起始日期": f"{plan.receive_time.year - rng.randint(1, 4)}-0{rng.randint(1, 9)}-01",
            "联系电话": plan.person.phone if plan.person else "",
        }
    else:
        values = {
            "参保单位": plan.applicant.name,
            "参保险种": "养老、医疗、失业、工伤、生育",
            "参保人数": str(rng.randint(3, 260)),
            "缴费起始年月": f"{plan.receive_time:%Y-%m}",
        }
    for name, value in values.items():
        _sub(fields, "field", value, name=name)
    _sub(root, "declaration", "本人（单位）承诺所填信息真实、准确、完整。", accepted="true")
    _sub(root, "submitted", spec.created.isoformat())
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))

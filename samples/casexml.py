"""Writing ``case.xml`` (namespace ``urn:earchive:case:1``) in the contract's element order."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from lxml import etree

from package.digest import Digests
from standards.case import CaseRecord, Certificate, FileEntry

from .plan import CasePlan

__all__ = ["CASE_NS", "case_record", "case_xml"]

CASE_NS = "urn:earchive:case:1"


def case_record(plan: CasePlan, measured: Mapping[str, Digests]) -> CaseRecord:
    """The record of ``plan`` with each file's size and digests taken from ``measured``."""
    files = tuple(
        FileEntry(
            path=spec.path,
            material_code=spec.material_code,
            title=spec.title,
            format=spec.format,
            size=measured[spec.path].size,
            created=spec.created,
            sm3=measured[spec.path].sm3,
            sha256=measured[spec.path].sha256,
            signed=bool(spec.sealed_by),
            licence=spec.licence,
        )
        for spec in plan.files
    )
    item = plan.item
    return CaseRecord(
        electronic_record_code=plan.electronic_record_code,
        region_code=plan.region_code,
        fonds_identifier=item.fonds_identifier,
        fonds_name=item.fonds_name,
        organization_code=item.organization_code,
        task_code=item.task_code,
        task_name=item.task_name,
        task_type=item.task_type,
        project_id=plan.project_id,
        project_name=plan.project_name,
        accept_number=plan.accept_number,
        applicant=plan.applicant,
        receive_department=plan.receive_department,
        receive_time=plan.receive_time,
        transact_time=plan.transact_time,
        result=plan.result,
        security_classification=plan.security_classification,
        sharing=plan.sharing,
        source_system=plan.source_system,
        submitted_at=plan.submitted_at,
        process=plan.process,
        files=files,
        declared_file_count=len(files),
        task_version=item.version,
        result_certificate=plan.result_certificate,
    )


def _time(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def _add(parent: etree._Element, tag: str, text: str) -> etree._Element:
    node = etree.SubElement(parent, f"{{{CASE_NS}}}{tag}")
    node.text = text
    return node


def _certificate(parent: etree._Element, tag: str, cert: Certificate) -> None:
    node = etree.SubElement(parent, f"{{{CASE_NS}}}{tag}")
    _add(node, "type", cert.type)
    _add(node, "number", cert.number)
    _add(node, "issuer", cert.issuer)


def _file(parent: etree._Element, entry: FileEntry) -> None:
    node = etree.SubElement(parent, f"{{{CASE_NS}}}file")
    for tag, text in (
        ("path", entry.path),
        ("material_code", entry.material_code),
        ("title", entry.title),
        ("format", entry.format),
        ("size", str(entry.size)),
        ("created", _time(entry.created)),
        ("sm3", entry.sm3),
    ):
        _add(node, tag, text)
    if entry.sha256:
        _add(node, "sha256", entry.sha256)
    _add(node, "signed", "true" if entry.signed else "false")
    if entry.licence is not None:
        _certificate(node, "licence", entry.licence)


def case_xml(record: CaseRecord) -> bytes:
    """UTF-8 bytes of ``case.xml`` for ``record`` (deterministic for equal records)."""
    root = etree.Element(f"{{{CASE_NS}}}case", nsmap={None: CASE_NS}, version="1")
    for tag in (
        "electronic_record_code",
        "region_code",
        "fonds_identifier",
        "fonds_name",
        "organization_code",
        "task_code",
        "task_name",
    ):
        _add(root, tag, getattr(record, tag))
    if record.task_version:
        _add(root, "task_version", record.task_version)
    for tag in ("task_type", "project_id", "project_name", "accept_number"):
        _add(root, tag, getattr(record, tag))
    applicant = etree.SubElement(root, f"{{{CASE_NS}}}applicant")
    a = record.applicant
    for tag, text in (
        ("name", a.name),
        ("type", a.type),
        ("id_type", a.id_type),
        ("id_number", a.id_number),
        ("address", a.address),
        ("legal_representative", a.legal_representative),
    ):
        if text:
            _add(applicant, tag, text)
    _add(root, "receive_department", record.receive_department)
    _add(root, "receive_time", _time(record.receive_time))
    _add(root, "transact_time", _time(record.transact_time))
    _add(root, "result", record.result)
    if record.result_certificate is not None:
        _certificate(root, "result_certificate", record.result_certificate)
    for tag in ("security_classification", "sharing", "source_system"):
        _add(root, tag, getattr(record, tag))
    _add(root, "submitted_at", _time(record.submitted_at))
    process = etree.SubElement(root, f"{{{CASE_NS}}}process")
    for step in record.process:
        node = etree.SubElement(process, f"{{{CASE_NS}}}step")
        _add(node, "code", step.code)
        _add(node, "actor", step.actor)
        _add(node, "department", step.department)
        _add(node, "time", _time(step.time))
        if step.opinion:
            _add(node, "opinion", step.opinion)
    files = etree.SubElement(root, f"{{{CASE_NS}}}files", count=str(len(record.files)))
    for entry in record.files:
        _file(files, entry)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True))

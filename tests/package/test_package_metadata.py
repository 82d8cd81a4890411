"""archival.xml: DA/T 46 names and M-numbers, XSD-valid, read back safely."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from importlib import resources

import pytest
from lxml import etree

from package import (
    AIP_NAMESPACE,
    ArchivalInfo,
    Digests,
    MetadataError,
    archival_metadata_xml,
    file_facts,
    read_archival_metadata,
)
from package.metadata import SignatureFacts, dat46_numbers
from standards.case import CaseRecord

NS = {"a": AIP_NAMESPACE}


@pytest.fixture
def xml(case: CaseRecord, info: ArchivalInfo, measured: dict[str, Digests]) -> bytes:
    return archival_metadata_xml(case, info, file_facts(case, measured))


def schema() -> etree.XMLSchema:
    xsd = resources.files("package").joinpath("schemas/aip-metadata.xsd").read_bytes()
    return etree.XMLSchema(etree.fromstring(xsd))


def test_valid_against_xsd(xml: bytes) -> None:
    doc = etree.fromstring(xml)
    validator = schema()
    assert validator.validate(doc), validator.error_log


def test_xsd_rejects_a_broken_document(xml: bytes) -> None:
    doc = etree.fromstring(xml)
    size = doc.find(".//a:file/a:size", NS)
    assert size is not None
    size.text = "-1"
    assert not schema().validate(doc)


def test_dat46_names_and_numbers(xml: bytes, case: CaseRecord, info: ArchivalInfo) -> None:
    doc = etree.fromstring(xml)
    archive = doc.find("a:archive", NS)
    assert archive is not None

    def field(name: str) -> etree._Element:
        node = archive.find(f"a:{name}", NS)
        assert node is not None, name
        return node

    assert (field("title").text, field("title").get("dat46")) == (case.project_name, "M22")
    assert (field("author").text, field("author").get("dat46")) == (case.receive_department, "M32")
    assert field("date").get("dat46") == "M33"
    assert field("securityClassification").get("dat46") == "M38"
    assert (field("retentionPeriod").text, field("retentionPeriod").get("dat46")) == ("D30", "M12")
    assert field("retentionPeriod").get("years") == "30"
    assert field("archivalCode").text == info.archival_code
    assert field("electronicRecordCode").text == case.electronic_record_code
    numbers = dat46_numbers()
    for node in doc.iter():
        name = etree.QName(node).localname
        assert node.get("dat46") == numbers.get(name), name


def test_per_file_facts_are_measured(xml: bytes, measured: dict[str, Digests]) -> None:
    doc = etree.fromstring(xml)
    files = doc.findall(".//a:file", NS)
    assert len(files) == 4
    by_path = {f.findtext("a:path", namespaces=NS): f for f in files}
    pdf = by_path["original/A/申请表.pdf"]
    assert pdf.find("a:path", NS).get("dat46") == "M48"
    assert pdf.find("a:format", NS).get("dat46") == "M47"
    assert pdf.find("a:size", NS).get("dat46") == "M49"
    assert pdf.findtext("a:sm3", namespaces=NS) == measured["A/申请表.pdf"].sm3
    assert pdf.findtext("a:sha256", namespaces=NS) == measured["A/申请表.pdf"].sha256


def test_read_back(xml: bytes, case: CaseRecord, info: ArchivalInfo) -> None:
    data = read_archival_metadata(xml)
    assert data["archival_code"] == info.archival_code
    assert data["archive_id"] == info.archive_id
    assert data["object_id"] == info.object_id
    assert data["retention_period"] == "D30" and data["retention_years"] == 30
    assert data["ingested_at"] == info.ingested_at
    assert data["title"] == case.project_name
    assert data["transact_time"] == case.transact_time
    assert data["applicant"] == {
        "name": case.applicant.name,
        "type": case.applicant.type,
        "idType": case.applicant.id_type,
        "idNumber": case.applicant.id_number,
        "address": case.applicant.address,
        "legalRepresentative": case.applicant.legal_representative,
    }
    files = data["files"]
    assert isinstance(files, list) and len(files) == 4
    assert {f["path"] for f in files} >= {"original/C/准予许可决定书.pdf"}
    assert isinstance(data["process"], list) and len(data["process"]) == 3


def test_permanent_retention_has_no_years(
    case: CaseRecord, info: ArchivalInfo, measured: dict[str, Digests]
) -> None:
    permanent = replace(info, retention_code="Y", retention_years=None)
    xml = archival_metadata_xml(case, permanent, file_facts(case, measured))
    assert schema().validate(etree.fromstring(xml))
    assert read_archival_metadata(xml)["retention_years"] is None


def test_naive_time_refused(
    case: CaseRecord, info: ArchivalInfo, measured: dict[str, Digests]
) -> None:
    with pytest.raises(MetadataError):
        archival_metadata_xml(
            case, replace(info, ingested_at=datetime(2024, 1, 1)), file_facts(case, measured)
        )


def test_missing_measurement_refused(case: CaseRecord) -> None:
    with pytest.raises(MetadataError):
        file_facts(case, {})


@pytest.mark.parametrize(
    "data",
    [
        b"not xml",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]>'
        b'<archivalPackage xmlns="urn:earchive:aip:1">&e;</archivalPackage>',
        b'<other xmlns="urn:earchive:aip:1"/>',
        b'<archivalPackage xmlns="urn:earchive:aip:1"/>',
    ],
)
def test_read_refuses_malformed(data: bytes) -> None:
    with pytest.raises(MetadataError):
        read_archival_metadata(data)


def test_signatures_are_dat46_m57_groups(
    case: CaseRecord, info: ArchivalInfo, measured: dict[str, Digests]
) -> None:
    """Each signature found in a file, and the archive's own package signature, is an 电子签名
    group (M57) with its members M58–M64, valid against the XSD and read back."""
    found = SignatureFacts(
        rule="PDF 数字签名（adbe.pkcs7.detached），签名域 Sig1",
        signed_at=datetime(2024, 5, 8, 10, 0, tzinfo=UTC),
        signer="某市市场监督管理局",
        value=b"\x30\x45signature",
        certificate=b"\x30\x82certificate",
        reference="CN=Test CA; serial 7",
        algorithm="1.2.156.10197.1.501",
    )
    path = "C/准予许可决定书.pdf"
    own = replace(found, rule="SM2 签名，对象为 metadata/manifest.txt", value=b"")
    xml = archival_metadata_xml(case, info, file_facts(case, measured, {path: [found]}), own)
    doc = etree.fromstring(xml)
    assert schema().validate(doc), schema().error_log
    groups = doc.findall(".//a:file/a:signatures/a:signature", NS)
    assert len(groups) == 1 and groups[0].get("dat46") == "M57"
    numbers = {etree.QName(c).localname: c.get("dat46") for c in groups[0]}
    assert numbers == {
        "signatureRule": "M58",
        "signatureTime": "M59",
        "signer": "M60",
        "signatureValue": "M61",
        "certificate": "M62",
        "certificateReference": "M63",
        "signatureAlgorithm": "M64",
    }
    package = doc.find("a:archive/a:packageSignature", NS)
    assert package is not None and package.get("dat46") == "M57"
    assert package.find("a:signatureValue", NS) is None  # its value is in manifest.sig.json
    signed_flag = doc.find(".//a:file/a:signed", NS)
    assert signed_flag is not None and signed_flag.get("dat46") is None  # declared, not M57
    data = read_archival_metadata(xml)
    files = {str(f["path"]): f for f in data["files"]}  # type: ignore[union-attr]
    (read,) = files["original/" + path]["signatures"]  # type: ignore[misc]
    assert read["signer"] == "某市市场监督管理局" and read["signatureAlgorithm"].endswith("501")
    assert data["package_signature"]["signer"] == "某市市场监督管理局"  # type: ignore[index]

"""case.xml: safe parsing, schema errors collected, the CaseRecord built."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from case_package_builder import ERC, CasePackage

from ingest.casexml import parse_case
from standards.finding import Status


def codes(findings: tuple[object, ...]) -> list[str]:
    return [f.code for f in findings]  # type: ignore[attr-defined]


def test_valid_case_becomes_a_record() -> None:
    pkg = CasePackage()
    pkg.fields["process"][0]["time"] = "2024-03-01T09:00:00"  # no offset: +08:00
    pkg.fields["submitted_at"] = "2024-03-06T02:00:00Z"
    case, findings = parse_case(pkg.xml())
    assert findings == ()
    assert case is not None
    assert case.electronic_record_code == ERC
    assert case.applicant.legal_representative == "张三"
    assert case.receive_time == datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))
    assert case.process[0].time.utcoffset() == timedelta(hours=8)
    assert case.submitted_at == datetime(2024, 3, 6, 2, 0, tzinfo=UTC)
    assert [s.code for s in case.process] == ["1", "2", "3", "4"]
    assert case.process[1].opinion == "材料齐全，予以受理"
    assert case.declared_file_count == 4 and len(case.files) == 4
    licence = case.files[1].licence
    assert licence is not None and licence.type == "营业执照"
    assert case.files[0].signed is False and case.files[0].size == len(pkg.files[0]["content"])
    assert case.result_certificate is None and case.task_version == "1.0"
    assert case.year == 2024


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE case [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<case xmlns="urn:earchive:case:1" version="1">
<electronic_record_code>&xxe;</electronic_record_code></case>
"""

LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10)
        for i in range(1, 10)
    )
    + b']>\n<case xmlns="urn:earchive:case:1" version="1">&lol9;</case>'
)


@pytest.mark.parametrize("data", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_doctype_is_refused_and_nothing_is_resolved(data: bytes) -> None:
    case, findings = parse_case(data)
    assert case is None
    assert codes(findings) == ["XML_DTD_FORBIDDEN"]
    assert "root:" not in repr(findings)  # /etc/passwd never read


def test_harmless_doctype_is_refused_too() -> None:
    data = CasePackage().xml().replace(b"?>\n", b"?>\n<!DOCTYPE case>\n", 1)
    case, findings = parse_case(data)
    assert case is None and codes(findings) == ["XML_DTD_FORBIDDEN"]


def test_doctype_in_a_comment_is_not_a_doctype() -> None:
    data = CasePackage().xml().replace(b"?>\n", b"?>\n<!-- <!DOCTYPE x> -->\n", 1)
    case, findings = parse_case(data)
    assert findings == () and case is not None


def test_malformed_xml_reports_its_line() -> None:
    data = b'<?xml version="1.0"?>\n<case xmlns="urn:earchive:case:1">\n<a></b>\n</case>'
    case, findings = parse_case(data)
    assert case is None
    assert codes(findings) == ["XML_MALFORMED"]
    assert findings[0].detail["line"] == "3"


@pytest.mark.parametrize(
    "data",
    [
        CasePackage().xml().replace(b"UTF-8", b"GBK", 1),
        "<?xml version='1.0'?><case>中文办件</case>".encode("gbk"),
        "<?xml version='1.0'?><case/>".encode("utf-16"),
    ],
    ids=["declared-gbk", "gbk-bytes", "utf-16"],
)
def test_not_utf8_is_refused(data: bytes) -> None:
    case, findings = parse_case(data)
    assert case is None and codes(findings) == ["XML_NOT_UTF8"]


def test_schema_errors_are_all_collected_with_lines() -> None:
    pkg = CasePackage()
    pkg.fields["region_code"] = "31011"  # 5 digits
    pkg.fields["process"][1]["code"] = "5"  # not a step code
    case, findings = parse_case(pkg.xml())
    assert case is None
    assert codes(findings) == ["XML_SCHEMA", "XML_SCHEMA"]
    assert "region_code" in findings[0].detail["error"]
    assert "code" in findings[1].detail["error"]
    assert all(f.status is Status.FAIL and f.dat70 == "GD-1-2" for f in findings)
    assert all(int(f.detail["line"]) >= 1 for f in findings)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("electronic_record_code", "含中文"),
        ("electronic_record_code", "A" * 65),
        ("fonds_identifier", "s001"),
        ("organization_code", "A"),
        ("task_type", "行政检查"),
        ("result", "通过"),
        ("security_classification", "普通"),
        ("sharing", "1"),
        ("receive_time", "2024-03-01T09:30:00"),  # offset required
        ("transact_time", "2024-03-05"),
        ("submitted_at", "yesterday"),
        ("project_name", "   "),
        ("accept_number", None),  # required element missing
    ],
)
def test_contract_types_are_enforced_by_the_schema(field: str, value: str | None) -> None:
    pkg = CasePackage()
    pkg.fields[field] = value
    case, findings = parse_case(pkg.xml())
    assert case is None
    assert codes(findings) and set(codes(findings)) == {"XML_SCHEMA"}


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("sm3", "abc"),
        ("size", "-1"),
        ("format", "ODT"),  # DOCX is admitted since the contract's extension (docs/formats.md)
        ("material_code", "D1"),
        ("path", "D/x.pdf"),
        ("sha256", "z" * 64),
    ],
)
def test_file_types_are_enforced_by_the_schema(key: str, value: str) -> None:
    pkg = CasePackage()
    pkg.files[0][key] = value
    case, findings = parse_case(pkg.xml())
    assert case is None and set(codes(findings)) == {"XML_SCHEMA"}


def test_wrong_root_or_version_is_a_schema_error() -> None:
    data = CasePackage().xml()
    for bad in (
        data.replace(b'version="1"', b'version="2"'),
        data.replace(b"urn:earchive:case:1", b"urn:other"),
    ):
        case, findings = parse_case(bad)
        assert case is None and codes(findings)[0] == "XML_SCHEMA"


def test_schema_valid_but_unrepresentable_time() -> None:
    pkg = CasePackage()
    pkg.fields["submitted_at"] = "12024-03-06T10:00:00+08:00"
    case, findings = parse_case(pkg.xml())
    assert case is None
    assert codes(findings) == ["XML_VALUE_RANGE"]
    assert findings[0].detail["element"] == "submitted_at"


def test_end_of_day_24_00_is_the_next_midnight() -> None:
    pkg = CasePackage()
    pkg.fields["submitted_at"] = "2024-03-06T24:00:00+08:00"
    case, findings = parse_case(pkg.xml())
    assert findings == () and case is not None
    assert case.submitted_at == datetime(2024, 3, 7, tzinfo=timezone(timedelta(hours=8)))

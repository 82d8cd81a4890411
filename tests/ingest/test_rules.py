"""Semantic rules: one fixture per finding, named by the finding; each changes one thing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from case_package_builder import XML_BYTES, CasePackage, image_bytes, pdf_bytes, sha256, sm3

from ingest.casexml import parse_case
from ingest.measure import measure_all
from ingest.rules import check_case
from ingest.unpack import Limits, package_name, unpack
from standards.finding import Finding, Status
from standards.findings import finding_code


def run(pkg: CasePackage, tmp_path: Path, *, name: str | None = None) -> tuple[Finding, ...]:
    """Unpack a directory package, parse case.xml, measure and apply the rules."""
    source = pkg.write_dir(tmp_path / "in", name)
    unpacked = unpack(source, tmp_path / "work", Limits())
    assert unpacked.root is not None, unpacked.findings
    case, parse_findings = parse_case((unpacked.root / "case.xml").read_bytes())
    assert case is not None, parse_findings
    measured = measure_all(unpacked.root)
    return unpacked.findings + check_case(case, unpacked.root, measured, package_name(source))


def _flip_last_byte(pkg: CasePackage) -> None:
    entry = pkg.files[0]
    original: bytes = entry["content"]
    entry["sm3"], entry["sha256"] = sm3(original), sha256(original)
    entry["content"] = original[:-1] + bytes([original[-1] ^ 0xFF])


def _set(**changes: object) -> Callable[[CasePackage], None]:
    def apply(pkg: CasePackage) -> None:
        pkg.fields.update(changes)

    return apply


def _file(index: int, **changes: object) -> Callable[[CasePackage], None]:
    def apply(pkg: CasePackage) -> None:
        pkg.files[index].update(changes)

    return apply


def _steps(*keep: str, **times: str) -> Callable[[CasePackage], None]:
    def apply(pkg: CasePackage) -> None:
        steps = [s for s in pkg.fields["process"] if not keep or s["code"] in keep]
        for step in steps:
            step["time"] = times.get(f"t{step['code']}", step["time"])
        pkg.fields["process"] = steps

    return apply


def _licence_item(pkg: CasePackage) -> None:
    pkg.fields.update(task_code="QY-SL-001", task_name="企业设立登记", task_type="行政许可")


def _drop_file(index: int) -> Callable[[CasePackage], None]:
    def apply(pkg: CasePackage) -> None:
        del pkg.files[index]

    return apply


def _person(number: str) -> Callable[[CasePackage], None]:
    def apply(pkg: CasePackage) -> None:
        pkg.fields["applicant"].update(type="自然人", id_type="居民身份证", id_number=number)
        pkg.fields["applicant"].pop("legal_representative")

    return apply


MUTATIONS: dict[str, tuple[Callable[[CasePackage], None], list[str]]] = {
    "FILE_COUNT_MISMATCH": (lambda p: setattr(p, "count", 5), ["FILE_COUNT_MISMATCH"]),
    "FILE_UNDECLARED": (
        lambda p: p.extra.update({"C/extra.pdf": pdf_bytes()}),
        ["FILE_COUNT_MISMATCH", "FILE_UNDECLARED"],
    ),
    "FILE_MISSING": (_file(0, absent=True), ["FILE_COUNT_MISMATCH", "FILE_MISSING"]),
    "FILE_SIZE_MISMATCH": (_file(0, size=1), ["FILE_SIZE_MISMATCH"]),
    "FILE_SM3_MISMATCH": (_file(0, sm3="0" * 64), ["FILE_SM3_MISMATCH"]),
    "FILE_SHA256_MISMATCH": (_file(0, sha256="F" * 64), ["FILE_SHA256_MISMATCH"]),
    "FILE_SM3_MISMATCH-flipped-byte": (
        _flip_last_byte,
        ["FILE_SHA256_MISMATCH", "FILE_SM3_MISMATCH"],
    ),
    "FILE_FORMAT_MISMATCH-pdfa-level": (_file(2, content=pdf_bytes()), ["FILE_FORMAT_MISMATCH"]),
    "FILE_FORMAT_MISMATCH-pdfa-1b-vs-2b": (
        _file(2, content=pdf_bytes("1B")),
        ["FILE_FORMAT_MISMATCH"],
    ),
    "FILE_FORMAT_MISMATCH-png-as-jpeg": (
        _file(3, content=image_bytes("PNG")),
        ["FILE_FORMAT_MISMATCH"],
    ),
    "FILE_FORMAT_MISMATCH-pdf-as-xml": (_file(1, content=pdf_bytes()), ["FILE_FORMAT_MISMATCH"]),
    "FILE_FORMAT_UNACCEPTED": (
        _file(0, content=b"plain text, not a PDF"),
        ["FILE_FORMAT_UNACCEPTED"],
    ),
    "FILE_EMPTY": (_file(0, content=b""), ["FILE_EMPTY"]),
    "FILE_PATH_INVALID": (
        _file(0, path="A/../case.xml", absent=True),
        ["FILE_COUNT_MISMATCH", "FILE_PATH_INVALID"],
    ),
    "DUPLICATE_PATH": (
        lambda p: p.files.append(dict(p.files[0], absent=True)),
        ["DUPLICATE_PATH", "FILE_COUNT_MISMATCH"],
    ),
    "MATERIAL_FOLDER_MISMATCH": (
        _file(3, path="C/办结通知书.jpg"),
        ["MATERIAL_FOLDER_MISMATCH"],
    ),
    "MATERIAL_REQUIRED_MISSING": (_drop_file(3), ["MATERIAL_REQUIRED_MISSING"]),
    "TIME_ORDER": (
        _set(transact_time="2024-03-01T09:00:00+08:00"),
        ["STEP_TIME_OUTSIDE", "STEP_TIME_OUTSIDE", "STEP_TIME_OUTSIDE", "TIME_ORDER"],
    ),
    "STEP_ORDER": (_steps(t3="2024-03-05T17:00:00+08:00"), ["STEP_ORDER", "STEP_TIME_OUTSIDE"]),
    "STEP_ORDER-banjie-before-shouli": (
        _steps(t4="2024-03-01T09:10:00+08:00"),
        ["STEP_ORDER", "STEP_ORDER", "STEP_TIME_OUTSIDE"],
    ),
    "STEP_TIME_OUTSIDE": (_steps(t4="2024-03-05T17:00:00+08:00"), ["STEP_TIME_OUTSIDE"]),
    "STEP_REQUIRED_MISSING": (_steps("1", "3", "4"), ["STEP_REQUIRED_MISSING"]),
    "STEP_REQUIRED_MISSING-both": (
        _steps("1", "3"),
        ["STEP_REQUIRED_MISSING", "STEP_REQUIRED_MISSING"],
    ),
    "SUBMITTED_BEFORE_TRANSACT": (
        _set(submitted_at="2024-03-05T10:00:00+08:00"),
        ["SUBMITTED_BEFORE_TRANSACT"],
    ),
    "SECURITY_REFUSED": (_set(security_classification="机密"), ["SECURITY_REFUSED"]),
    "SECURITY_REFUSED-top-secret": (_set(security_classification="绝密"), ["SECURITY_REFUSED"]),
    "CERTIFICATE_REQUIRED": (
        _licence_item,
        ["CERTIFICATE_REQUIRED", *["MATERIAL_REQUIRED_MISSING"] * 5],
    ),
    "ID_NUMBER_INVALID-uscc": (
        lambda p: p.fields["applicant"].update(id_number="91350100M000100Y44"),
        ["ID_NUMBER_INVALID"],
    ),
    "ID_NUMBER_INVALID-resident": (_person("110105194912310021"), ["ID_NUMBER_INVALID"]),
    "TASK_UNKNOWN": (_set(task_code="XX-UNKNOWN-9"), ["TASK_UNKNOWN"]),
}


@pytest.mark.parametrize("fixture", sorted(MUTATIONS))
def test_each_fixture_produces_exactly_its_findings(fixture: str, tmp_path: Path) -> None:
    mutate, expected = MUTATIONS[fixture]
    pkg = CasePackage()
    mutate(pkg)
    findings = run(pkg, tmp_path)
    assert sorted(f.code for f in findings) == sorted(expected)
    for finding in findings:
        assert finding.status is finding_code(finding.code).status
    assert fixture.split("-")[0] in {f.code for f in findings}


def test_valid_package_has_no_findings(tmp_path: Path) -> None:
    assert run(CasePackage(), tmp_path) == ()


@pytest.mark.parametrize(
    "change",
    [
        _set(result="不予"),  # B13 only required when granted
        _person("11010519491231002X"),
        lambda p: (_licence_item(p), p.fields.update(task_code="SP-JY-002", result="退回")),
        _set(security_classification="秘密"),
        _steps(t1="2024-02-28T09:00:00+08:00"),  # 收件 may precede 受理
    ],
)
def test_conforming_variants_pass(change: Callable[[CasePackage], object], tmp_path: Path) -> None:
    pkg = CasePackage()
    change(pkg)
    findings = run(pkg, tmp_path)
    assert [f for f in findings if f.code != "MATERIAL_REQUIRED_MISSING"] == []


def test_certificate_present_satisfies_the_rule(tmp_path: Path) -> None:
    pkg = CasePackage()
    _licence_item(pkg)
    pkg.fields["result_certificate"] = {"type": "营业执照", "number": "N1", "issuer": "市监局"}
    codes = {f.code for f in run(pkg, tmp_path)}
    assert "CERTIFICATE_REQUIRED" not in codes


def test_package_name_must_equal_the_electronic_record_code(tmp_path: Path) -> None:
    findings = run(CasePackage(), tmp_path, name="OTHER-0001")
    assert [(f.code, f.expected, f.found) for f in findings] == [
        ("PKG_NAME_MISMATCH", CasePackage().fields["electronic_record_code"], "OTHER-0001")
    ]


def test_evidence_of_a_digest_mismatch(tmp_path: Path) -> None:
    pkg = CasePackage()
    _flip_last_byte(pkg)
    sm3_finding = next(f for f in run(pkg, tmp_path) if f.code == "FILE_SM3_MISMATCH")
    assert sm3_finding.path == "A/参保登记表.pdf"
    assert sm3_finding.dat70 == "GD-1-1"
    assert sm3_finding.expected == sm3(pdf_bytes())
    assert sm3_finding.found == sm3(pkg.files[0]["content"])


def test_unmeasured_files_are_measured_by_the_rules(tmp_path: Path) -> None:
    pkg = CasePackage()
    pkg.files[0]["sm3"] = "1" * 64
    root = pkg.write_dir(tmp_path)
    case, _ = parse_case((root / "case.xml").read_bytes())
    assert case is not None
    findings = check_case(case, root, {}, None)
    assert [f.code for f in findings] == ["FILE_SM3_MISMATCH"]


def test_uppercase_declared_digests_match(tmp_path: Path) -> None:
    pkg = CasePackage()
    pkg.files[1]["sm3"] = sm3(XML_BYTES).upper()
    pkg.files[1]["sha256"] = sha256(XML_BYTES).upper()
    assert run(pkg, tmp_path) == ()


def test_warnings_do_not_fail(tmp_path: Path) -> None:
    pkg = CasePackage()
    _set(task_code="XX-1")(pkg)
    findings = run(pkg, tmp_path)
    assert findings and all(f.status is Status.WARN for f in findings)

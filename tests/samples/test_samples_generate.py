"""End-to-end checks of generated packages against the case-package contract."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from lxml import etree
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from package.digest import digest_file
from preservation.formats import identify
from preservation.seals import check_ofd, ses
from samples import (
    SMALL_PROFILE,
    GenerateResult,
    credit_code_is_valid,
    generate,
    id_number_is_valid,
)

NS = "{urn:earchive:case:1}"
CASE_ORDER = (
    "electronic_record_code",
    "region_code",
    "fonds_identifier",
    "fonds_name",
    "organization_code",
    "task_code",
    "task_name",
    "task_version",
    "task_type",
    "project_id",
    "project_name",
    "accept_number",
    "applicant",
    "receive_department",
    "receive_time",
    "transact_time",
    "result",
    "result_certificate",
    "security_classification",
    "sharing",
    "source_system",
    "submitted_at",
    "process",
    "files",
)
OPTIONAL = {"task_version", "result_certificate"}
APPLICANT_ORDER = ("name", "type", "id_type", "id_number", "address", "legal_representative")
STEP_ORDER = ("code", "actor", "department", "time", "opinion")
FILE_ORDER = (
    "path",
    "material_code",
    "title",
    "format",
    "size",
    "created",
    "sm3",
    "sha256",
    "signed",
    "licence",
)
XSD = Path(__file__).resolve().parents[2] / "standards" / "data" / "case.xsd"


@pytest.fixture(scope="module")
def result(tmp_path_factory: pytest.TempPathFactory) -> GenerateResult:
    return generate(5, tmp_path_factory.mktemp("gen"), seed=7, size_profile=SMALL_PROFILE)


@pytest.fixture(scope="module")
def unpacked(result: GenerateResult, tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    root = tmp_path_factory.mktemp("unpacked")
    dirs = []
    for package in result.packages:
        target = root / package.stem
        with zipfile.ZipFile(package) as zf:
            zf.extractall(target)
        dirs.append(target)
    return dirs


def _case(root: Path) -> etree._Element:
    return etree.fromstring((root / "case.xml").read_bytes())


def _local(tags: Iterator[str] | list[str]) -> list[str]:
    return [t.removeprefix(NS) for t in tags]


def _in_order(found: list[str], order: tuple[str, ...]) -> bool:
    positions = [order.index(t) for t in found]
    return positions == sorted(positions) and len(set(found)) == len(found)


def test_packages_written_with_trust_root(result: GenerateResult) -> None:
    assert len(result.packages) == 5
    assert result.trust_root.name == "seal-root.pem" and result.trust_root.parent.name == "trust"
    for package in result.packages:
        assert package.suffix == ".zip" and package.is_file()


def test_zip_structure_and_utf8_flag(result: GenerateResult) -> None:
    for package in result.packages:
        with zipfile.ZipFile(package) as zf:
            infos = zf.infolist()
            case = etree.fromstring(zf.read("case.xml"))
        code = case.findtext(f"{NS}electronic_record_code")
        assert package.name == f"{code}.zip"
        tops = {i.filename.split("/")[0] for i in infos}
        assert tops <= {"case.xml", "A", "B", "C"} and "case.xml" in tops
        for info in infos:
            if not info.filename.isascii():  # Chinese names: UTF-8 with flag bit 11
                assert info.flag_bits & 0x800, info.filename
            assert not info.flag_bits & 0x1, "encrypted entry"
            assert ".." not in info.filename and not info.filename.startswith("/")
        assert any(not i.filename.isascii() for i in infos)


def test_case_xml_element_order(unpacked: list[Path]) -> None:
    for root in unpacked:
        case = _case(root)
        assert case.tag == f"{NS}case" and case.get("version") == "1"
        tags = _local([c.tag for c in case])
        assert _in_order(tags, CASE_ORDER)
        assert set(CASE_ORDER) - OPTIONAL <= set(tags)
        applicant = case.find(f"{NS}applicant")
        assert applicant is not None
        assert _in_order(_local([c.tag for c in applicant]), APPLICANT_ORDER)
        for step in case.iter(f"{NS}step"):
            assert _in_order(_local([c.tag for c in step]), STEP_ORDER)
        for file in case.iter(f"{NS}file"):
            assert _in_order(_local([c.tag for c in file]), FILE_ORDER)


def test_case_xml_validates_against_schema(unpacked: list[Path]) -> None:
    if not XSD.exists():
        pytest.skip(f"{XSD} does not exist yet (written by the standards package)")
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    for root in unpacked:
        doc = etree.parse(str(root / "case.xml"))
        assert schema.validate(doc), schema.error_log


def test_declared_sizes_digests_and_counts_match(unpacked: list[Path]) -> None:
    for root in unpacked:
        case = _case(root)
        files = case.find(f"{NS}files")
        assert files is not None
        entries = files.findall(f"{NS}file")
        on_disk = sorted(
            p.relative_to(root).as_posix()
            for folder in "ABC"
            for p in (root / folder).rglob("*")
            if p.is_file()
        )
        assert int(files.get("count", "-1")) == len(entries) == len(on_disk)
        assert sorted(e.findtext(f"{NS}path") or "" for e in entries) == on_disk
        for entry in entries:
            path = entry.findtext(f"{NS}path") or ""
            measured = digest_file(root / path)
            assert int(entry.findtext(f"{NS}size") or -1) == measured.size
            assert entry.findtext(f"{NS}sm3") == measured.sm3
            assert entry.findtext(f"{NS}sha256") == measured.sha256
            assert path.startswith((entry.findtext(f"{NS}material_code") or "?")[0] + "/")


def test_times_in_order(unpacked: list[Path]) -> None:
    for root in unpacked:
        case = _case(root)
        times = [s.findtext(f"{NS}time") or "" for s in case.iter(f"{NS}step")]
        assert times == sorted(times) and all(t.endswith("+08:00") for t in times)
        receive, transact = case.findtext(f"{NS}receive_time"), case.findtext(f"{NS}transact_time")
        assert receive and transact and receive <= transact
        assert (case.findtext(f"{NS}submitted_at") or "") > transact
        for created in case.iter(f"{NS}created"):
            assert receive <= (created.text or "") <= transact
        codes = [s.findtext(f"{NS}code") for s in case.iter(f"{NS}step")]
        assert "2" in codes and "4" in codes


def test_identifiers_have_valid_check_digits(unpacked: list[Path]) -> None:
    for root in unpacked:
        case = _case(root)
        kind = case.findtext(f"{NS}applicant/{NS}type")
        number = case.findtext(f"{NS}applicant/{NS}id_number") or ""
        if kind == "法人":
            assert credit_code_is_valid(number), number
        else:
            assert id_number_is_valid(number), number


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler pdftotext not installed")
def test_pdftotext_extracts_chinese(unpacked: list[Path]) -> None:
    receipt = next(unpacked[0].glob("B/B1-*.pdf"))
    text = subprocess.run(
        ["pdftotext", str(receipt), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "收件凭证" in text and "业务流水号" in text


def test_signed_pdf_validates_against_written_root(
    result: GenerateResult, unpacked: list[Path]
) -> None:
    _, _, der = pem.unarmor(result.trust_root.read_bytes())
    context = ValidationContext(trust_roots=[asn1_x509.Certificate.load(der)], allow_fetching=False)
    signed = [
        root / (f.findtext(f"{NS}path") or "")
        for root in unpacked
        for f in _case(root).iter(f"{NS}file")
        if f.findtext(f"{NS}signed") == "true" and f.findtext(f"{NS}format") != "OFD"
    ]
    assert signed
    for path in signed[:3]:
        reader = PdfFileReader(io.BytesIO(path.read_bytes()))
        assert len(reader.embedded_signatures) == 1
        status = validate_pdf_signature(reader.embedded_signatures[0], context)
        assert status.intact and status.valid and status.trusted, str(status)
        assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE


def test_licences_are_sealed_ofd_verified_against_sm2_root(
    result: GenerateResult, unpacked: list[Path]
) -> None:
    assert result.sm2_trust_root is not None
    assert result.sm2_trust_root == result.trust_root.parent / "seal-root-sm2.pem"
    _, _, root = pem.unarmor(result.sm2_trust_root.read_bytes())
    licences = []
    for case_root in unpacked:
        for f in _case(case_root).iter(f"{NS}file"):
            if f.findtext(f"{NS}material_code") == "C2":
                assert f.findtext(f"{NS}format") == "OFD" and f.findtext(f"{NS}signed") == "true"
                path = f.findtext(f"{NS}path") or ""
                assert path.endswith(".ofd")
                licences.append(case_root / path)
            elif f.findtext(f"{NS}material_code") == "C1":
                assert f.findtext(f"{NS}format") == "PDF"
    assert licences
    for path in licences:
        assert identify(path).name == "OFD"
        outcome = check_ofd(path, [root], datetime.now(UTC))
        assert outcome.intact and outcome.valid and outcome.trusted, outcome.all_findings()
        assert ses.seal_version(zipfile.ZipFile(path).read("Doc_0/Signs/Sign_0/Seal.esl")) == 4


def _normalised(case_xml: bytes) -> bytes:
    """case.xml with size/digests of signed files blanked (signatures are not reproducible)."""
    case = etree.fromstring(case_xml)
    for file in case.iter(f"{NS}file"):
        if file.findtext(f"{NS}signed") == "true":
            for tag in ("sm3", "sha256"):
                node = file.find(f"{NS}{tag}")
                assert node is not None
                node.text = "-"
    return bytes(etree.tostring(case))


def test_same_seed_is_deterministic(tmp_path: Path) -> None:
    first = generate(2, tmp_path / "one", seed=3, size_profile=SMALL_PROFILE, as_zip=False)
    second = generate(
        2,
        tmp_path / "two",
        seed=3,
        size_profile=SMALL_PROFILE,
        as_zip=False,
        trust_dir=tmp_path / "one",
    )
    assert [p.name for p in first.packages] == [p.name for p in second.packages]
    for a, b in zip(first.packages, second.packages, strict=True):
        assert _normalised((a / "case.xml").read_bytes()) == _normalised(
            (b / "case.xml").read_bytes()
        )
        signed = {
            f.findtext(f"{NS}path")
            for f in _case(a).iter(f"{NS}file")
            if f.findtext(f"{NS}signed") == "true"
        }
        for path in sorted(p.relative_to(a).as_posix() for p in a.rglob("*") if p.is_file()):
            if path not in signed and path != "case.xml":
                assert (a / path).read_bytes() == (b / path).read_bytes(), path
    assert first.trust_root.read_bytes() == second.trust_root.read_bytes()


def test_different_seeds_differ(tmp_path: Path) -> None:
    a = generate(1, tmp_path / "a", seed=1, size_profile=SMALL_PROFILE, as_zip=False)
    b = generate(1, tmp_path / "b", seed=2, size_profile=SMALL_PROFILE, as_zip=False)
    assert (a.packages[0] / "case.xml").read_bytes() != (b.packages[0] / "case.xml").read_bytes()


def test_refusals_and_corrections_appear(tmp_path: Path) -> None:
    seen: list[Path] = []
    out = generate(
        20, tmp_path / "many", seed=11, size_profile=SMALL_PROFILE, workers=2, on_case=seen.append
    )
    assert sorted(seen) == sorted(out.packages) and len(out.packages) == 20
    refused = corrected = 0
    for package in out.packages:
        with zipfile.ZipFile(package) as zf:
            case = etree.fromstring(zf.read("case.xml"))
            names = zf.namelist()
        codes = {f.findtext(f"{NS}material_code") for f in case.iter(f"{NS}file")}
        if case.findtext(f"{NS}result") == "不予":
            refused += 1
            assert "B14" in codes and not any(c and c.startswith("C") for c in codes)
            assert case.find(f"{NS}result_certificate") is None
            assert "C/" in names
        if "11" in {s.findtext(f"{NS}code") for s in case.iter(f"{NS}step")}:
            corrected += 1
            assert "B18" in codes
    assert refused >= 1 and corrected >= 1

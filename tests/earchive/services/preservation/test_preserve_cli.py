"""Preservation copies and OCR end to end through the real command line and the real tools: a
case with a DOCX, an XLSX, a plain PDF and a scan is accepted; ``earchive normalise`` writes one
new signed version holding the originals unchanged plus PDF/A-2b copies (valid by the PDF/A
check, linked by a relation and a migration event) and the scan's OCR text, which search finds;
the BagIt export verifies, ocfl-py finds the storage root valid, and ``rebuild`` keeps it all."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lxml import etree
from ocfl.storage_root import StorageRoot

from package.digest import digest_file
from preservation.checks.pdfa import Verdict, validate_pdfa
from preservation.formats import identify
from samples.office import docx_bytes, plain_pdf_bytes, scan_png, xlsx_bytes
from tests.earchive.conftest import Cli
from tests.ingest.case_package_builder import CasePackage

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("soffice", "gs", "tesseract", "pdftoppm")),
    reason="LibreOffice, Ghostscript, poppler or Tesseract missing (scripts/setup.sh)",
)
NS = {"a": "urn:earchive:aip:1"}
SCAN_WORD = "翡翠湾"  # only in the scan's pixels: nothing else in the case carries it


def office_case() -> CasePackage:
    pkg = CasePackage()
    pkg.file("A/参保登记表.pdf")["content"] = plain_pdf_bytes(
        ["社会保险参保登记表", "单位名称 某某科技"]
    )
    pkg.files += [
        {"path": "A/申请书.docx", "material_code": "A1", "title": "参保申请书", "format": "DOCX",
         "content": docx_bytes(["参保申请书", "申请单位：某某科技有限公司", "缴费基数：八千元"])},
        {"path": "A/人员清单.xlsx", "material_code": "A1", "title": "参保人员清单",
         "format": "XLSX", "content": xlsx_bytes([["姓名", "岗位"], ["赵六", "会计"]])},
        {"path": "A/承诺书.png", "material_code": "A1", "title": "承诺书扫描件", "format": "PNG",
         "content": scan_png(["承诺书", f"本单位地址位于{SCAN_WORD}路八号"])},
    ]  # fmt: skip
    return pkg


def test_normalise_copies_ocr_search_export_verify_rebuild(cli: Cli, tmp_path: Path) -> None:
    pkg = office_case()
    [accepted] = cli.json_lines("ingest", str(pkg.write_zip(tmp_path)))
    assert accepted["status"] == "accepted", accepted
    archive_id = str(accepted["id"])
    assert cli.json_lines("search", SCAN_WORD) == []

    [report] = cli.json_lines("normalise", archive_id)
    assert report["version"] == 2
    assert sorted(report["derived"]) == [
        "derived/A/人员清单.xlsx.pdf",
        "derived/A/参保登记表.pdf.pdf",
        "derived/A/承诺书.png.ocr.txt",
        "derived/A/申请书.docx.pdf",
        *sorted(d for d in report["derived"] if d.startswith("derived/B/")),
    ]
    codes = {(f["code"], f["path"]) for f in report["findings"]}
    assert ("PRESERVATION_COPY_MADE", "original/A/申请书.docx") in codes
    assert ("OCR_TEXT_MADE", "original/A/承诺书.png") in codes
    assert not any(f["status"] == "MANUAL_REVIEW" for f in report["findings"])

    # a word only the scan's pixels carry is found, and survives a rebuild from storage
    assert [r["id"] for r in cli.json_lines("search", SCAN_WORD)] == [archive_id]
    before = cli.json_lines("show", archive_id)[0]
    cli.run("rebuild")
    assert [r["id"] for r in cli.json_lines("search", SCAN_WORD)] == [archive_id]
    after = cli.json_lines("show", archive_id)[0]
    assert after["versions"] == before["versions"]  # the derived version's time survives

    # the BagIt export holds originals unchanged, valid PDF/A copies with their events
    bag = tmp_path / "bag"
    cli.run("export", archive_id, str(bag), "--as", "bagit")
    cli.run("verify", str(bag))
    data = bag / "data"
    for path, content in pkg.disk_files().items():
        assert (data / "original" / path).read_bytes() == content
    archival = etree.parse(str(data / "metadata" / "archival.xml")).getroot()
    assert archival.findtext("a:archive/a:version", namespaces=NS) == "2"
    for name in ("申请书.docx", "人员清单.xlsx", "参保登记表.pdf"):
        copy = data / "derived" / "A" / f"{name}.pdf"
        assert identify(copy).name == "PDF/A-2b"
        assert validate_pdfa(copy, "2b", signed=False).verdict is Verdict.VALID
        [node] = archival.xpath(
            f"a:derivatives/a:derivative[a:path='derived/A/{name}.pdf']", namespaces=NS
        )
        assert node.findtext("a:entityIdentifier", namespaces=NS) == f"original/A/{name}"
        event = node.find("a:migrationEvent", NS)
        tools = [t.findtext("a:name", namespaces=NS) for t in event.findall("a:tool", NS)]
        assert tools == (["gs"] if name.endswith(".pdf") else ["soffice", "gs"])
        before = digest_file(data / "original" / "A" / name)
        after = digest_file(copy)
        assert event.findtext("a:before/a:sha256", namespaces=NS) == before.sha256
        assert event.findtext("a:after/a:sm3", namespaces=NS) == after.sm3
        assert "2026" in event.findtext("a:actionMandate", namespaces=NS)
    ocr_text = (data / "derived" / "A" / "承诺书.png.ocr.txt").read_text("utf-8")
    assert SCAN_WORD in ocr_text.replace(" ", "")

    # the 四性 check (BC) admits the listed derived files and finds every copy valid PDF/A
    checks = cli.json_lines("check", archive_id, "--stage", "bc", check=False)
    assert not [c for c in checks if c.get("finding") == "PACKAGE_STRUCTURE_INVALID"]
    refused = {"FILE_DOES_NOT_OPEN", "FILE_FORMAT_UNACCEPTED", "PDFA_INVALID"}
    assert not [c for c in checks if c.get("finding") in refused]  # office files open
    valid = {c["path"] for c in checks if c.get("finding") == "PDFA_VALID"}
    assert {
        f"derived/A/{n}.pdf" for n in ("申请书.docx", "人员清单.xlsx", "参保登记表.pdf")
    } <= valid

    root = StorageRoot(str(cli.home / "storage"))
    assert root.validate(check_digests=True, log_warnings=False)
    assert root.good_objects == root.num_objects == 1

    # a second run has nothing left to do
    [again] = cli.json_lines("normalise", archive_id)
    assert again["version"] is None and again["derived"] == []


def test_a_missing_tool_is_manual_review_and_a_signed_file_is_never_normalised(
    cli: Cli, tmp_path: Path
) -> None:
    pkg = CasePackage()
    pkg.file("A/参保登记表.pdf")["signed"] = "true"
    pkg.files.append(
        {"path": "A/申请书.docx", "material_code": "A1", "title": "参保申请书",
         "format": "DOCX", "content": docx_bytes(["参保申请书"])}
    )  # fmt: skip
    [accepted] = cli.json_lines("ingest", str(pkg.write_zip(tmp_path)))
    no_tools = tmp_path / "no-tools"
    no_tools.mkdir()
    proc = cli.run(
        "normalise", str(accepted["id"]), "--no-ocr", "--json",
        check=False, extra_env={"PATH": str(no_tools)},
    )  # fmt: skip
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout.splitlines()[-1])
    assert report["version"] is None and report["derived"] == []
    found = {f["path"]: f for f in report["findings"]}
    manual = found["original/A/申请书.docx"]
    assert manual["code"] == "PRESERVATION_COPY_MANUAL" and manual["status"] == "MANUAL_REVIEW"
    assert "soffice is not installed" in manual["message"]
    assert found["original/A/参保登记表.pdf"]["code"] == "PRESERVATION_SIGNED_KEPT"
    assert cli.json_lines("show", str(accepted["id"]))[0]["version"] == 1


def test_the_fonds_setting_queues_copies_that_ingest_and_the_indexer_work_off(
    cli: Cli, tmp_path: Path
) -> None:
    from earchive.core.archive import Archive
    from earchive.settings import Settings
    from ingest.derived_version import NORMALISE_JOB
    from ingest.work_queue import pending_count
    from tests.earchive.units import PASSPHRASE

    pkg = CasePackage()
    pkg.files.append(
        {"path": "A/申请书.docx", "material_code": "A1", "title": "参保申请书",
         "format": "DOCX", "content": docx_bytes(["参保申请书"])}
    )  # fmt: skip
    other = {"EARCHIVE_NORMALISE_FONDS": "G002"}  # another fonds: nothing is owed
    lines = cli.json_lines("ingest", str(pkg.write_zip(tmp_path)), extra_env=other)
    plain = next(line for line in lines if "status" in line)
    assert {"preservation_jobs": 0} in lines
    assert cli.json_lines("show", str(plain["id"]))[0]["version"] == 1

    # the CLI's ingest works off the jobs it queued before it returns
    second = pkg.copy()
    second.fields["electronic_record_code"] = "310115-S001-SBCB-2024-000002"
    owed = {"EARCHIVE_NORMALISE_FONDS": "R005"}
    lines = cli.json_lines("ingest", str(second.write_zip(tmp_path)), extra_env=owed)
    accepted = next(line for line in lines if "status" in line)
    assert {"preservation_jobs": 1} in lines
    assert cli.json_lines("show", str(accepted["id"]))[0]["version"] == 2

    # an ingest that does not drain (the API's upload, a worker) leaves a durable job …
    third = pkg.copy()
    third.fields["electronic_record_code"] = "310115-S001-SBCB-2024-000003"
    settings = Settings(home=cli.home, normalise_fonds="R005", key_passphrase=PASSPHRASE)
    archive = Archive(settings)
    [result] = list(archive.ingest([third.write_zip(tmp_path)]))
    assert pending_count(archive.writer, NORMALISE_JOB) == 1
    archive.engine.dispose()
    # … that the indexer works off with the index jobs
    cli.run("indexer", "--once", extra_env=owed)
    assert pending_count(archive.writer, NORMALISE_JOB) == 0
    assert cli.json_lines("show", result.id)[0]["version"] == 2

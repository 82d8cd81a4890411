"""Preservation copies and OCR by the real tools, on files made here.

Needs LibreOffice, Ghostscript, poppler and Tesseract with chi_sim (scripts/setup.sh installs
them); without one, the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from preservation.checks.pdfa import Verdict, validate_pdfa
from preservation.conversion import (
    ConversionLimits,
    ToolFailedError,
    make_copy,
    ocr_file,
    run_tool,
)
from preservation.formats import identify
from preservation.text import extract_text
from samples.office import docx_bytes, plain_pdf_bytes, scan_pdf_bytes, scan_png, xlsx_bytes
from standards.format_policy import format_policy

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("soffice", "gs", "tesseract", "pdftoppm")),
    reason="LibreOffice, Ghostscript, poppler or Tesseract missing (scripts/setup.sh)",
)
LIMITS = ConversionLimits(seconds=120)


def _copy(tmp_path: Path, name: str, data: bytes):  # type: ignore[no-untyped-def]
    original = tmp_path / name
    original.write_bytes(data)
    kind = identify(original).name
    work = tmp_path / f"work-{name}"
    work.mkdir()
    return original, make_copy(original, kind, format_policy().for_format(kind), work, LIMITS)


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("申请书.docx", docx_bytes(["营业执照申请书", "经营范围：餐饮服务"]), "经营范围"),
        ("清单.xlsx", xlsx_bytes([["项目", "金额"], ["注册资本", 100000]]), "注册资本"),
        ("许可.pdf", plain_pdf_bytes(["食品经营许可证", "许可编号 JY31011500001"]), "许可编号"),
    ],
)
def test_copy_is_valid_pdfa_keeps_the_text_and_leaves_the_original(
    tmp_path: Path, name: str, data: bytes, words: str
) -> None:
    original, outcome = _copy(tmp_path, name, data)
    assert not outcome.manual, outcome.reason
    assert identify(outcome.path).name == "PDF/A-2b"
    assert validate_pdfa(outcome.path, "2b", signed=False).verdict is Verdict.VALID
    assert words in extract_text(outcome.path, "PDF").text
    assert original.read_bytes() == data
    tools = [step.tool for step in outcome.steps]
    assert tools == (["soffice", "gs"] if name.endswith(("docx", "xlsx")) else ["gs"])
    assert all(step.version and step.options for step in outcome.steps)


def test_a_missing_tool_is_a_reason_not_a_skip(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    _original, outcome = _copy(tmp_path, "a.docx", docx_bytes(["无工具"]))
    assert outcome.manual and "soffice is not installed" in outcome.reason


def test_a_broken_document_keeps_the_tool_message(tmp_path: Path) -> None:
    _original, outcome = _copy(tmp_path, "bad.pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n")
    assert outcome.manual and outcome.reason


def test_a_hanging_tool_is_killed_at_its_time_out(tmp_path: Path) -> None:
    loop = tmp_path / "loop.ps"
    loop.write_text("{ } loop\n")
    with pytest.raises(ToolFailedError, match="time-out"):
        run_tool("gs", ["-dBATCH", "-dNOPAUSE", "-sDEVICE=nullpage", str(loop)], timeout=1.5)


def test_ocr_reads_chinese_from_an_image_and_an_image_only_pdf(tmp_path: Path) -> None:
    image, pdf = tmp_path / "scan.png", tmp_path / "scan.pdf"
    image.write_bytes(scan_png(["身份证复印件", "与原件核对一致"]))
    pdf.write_bytes(scan_pdf_bytes(["承诺书", "本人承诺所填内容真实"]))
    assert extract_text(pdf, "PDF").text.strip() == ""  # no text layer: only OCR can read it
    for path, is_pdf, words in ((image, False, "核对一致"), (pdf, True, "所填内容真实")):
        work = tmp_path / f"ocr-{path.suffix}"
        work.mkdir()
        result = ocr_file(path, is_pdf, work, timeout=120, memory_bytes=2 << 30)
        assert words in result.text.replace(" ", "")
        assert result.pages == 1 and 0 < result.confidence <= 100
        assert result.tool.startswith("tesseract ") and "chi_sim" in result.options

"""PDF text comes out of PDFium in process: Chinese through the embedded font's ToUnicode map,
every page in order, bounded; a damaged or locked PDF is a ``TextExtractionError``, not a crash;
several threads at once (the web server) get each their own document's text."""

from __future__ import annotations

import threading
from pathlib import Path

import pikepdf
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from preservation import text as text_module
from preservation.fonts import find_cjk_font, reportlab_font_name
from preservation.text import TextExtractionError, extract_text


def _pdf(path: Path, pages: list[str]) -> Path:
    font = reportlab_font_name(find_cjk_font())
    c = canvas.Canvas(str(path), pagesize=A4)
    for words in pages:
        c.setFont(font, 14)
        c.drawString(72, 760, words)
        c.showPage()
    c.save()
    return path


def test_chinese_text_of_every_page_in_order(tmp_path: Path) -> None:
    pdf = _pdf(
        tmp_path / "a.pdf", ["营业执照 准予登记", "第二页 浦江区市场监督管理局", "No.3 ABC-12"]
    )
    got = extract_text(pdf, "PDF/A-2b")
    assert got.tool == "pdfium"
    assert [p.strip() for p in got.text.split("\f")] == [
        "营业执照 准予登记",
        "第二页 浦江区市场监督管理局",
        "No.3 ABC-12",
    ]


def test_text_stops_at_the_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_module, "MAX_CHARS", 30)
    pdf = _pdf(tmp_path / "long.pdf", [f"第{i}页 不动产权证书 补齐补正通知书" for i in range(50)])
    got = extract_text(pdf, "PDF").text
    assert len(got) == 30
    assert got.startswith("第0页")


def test_truncated_pdf_is_an_extraction_error(tmp_path: Path) -> None:
    whole = _pdf(tmp_path / "whole.pdf", ["准予登记"]).read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(whole[: len(whole) // 3])
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"%PDF-1.7\n" + b"\x00\xff" * 500)
    for bad in (cut, garbage):
        with pytest.raises(TextExtractionError, match="pdfium"):
            extract_text(bad, "PDF")


def test_pdf_locked_by_a_user_password_is_an_extraction_error(tmp_path: Path) -> None:
    plain = _pdf(tmp_path / "plain.pdf", ["准予登记"])
    locked = tmp_path / "locked.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(locked, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(TextExtractionError, match="pdfium"):
        extract_text(locked, "PDF")
    # only an owner password (printing/copying limits): it opens and its text is read
    limited = tmp_path / "limited.pdf"
    with pikepdf.open(plain) as pdf:
        pdf.save(limited, encryption=pikepdf.Encryption(user="", owner="owner"))
    assert "准予登记" in extract_text(limited, "PDF").text


def test_threads_each_get_their_own_text(tmp_path: Path) -> None:
    files = [_pdf(tmp_path / f"{i}.pdf", [f"档号第{i}号 准予登记"]) for i in range(8)]
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def read(i: int) -> None:
        try:
            for _ in range(10):
                results[i] = extract_text(files[i], "PDF").text
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert {i: results[i].strip() for i in range(8)} == {
        i: f"档号第{i}号 准予登记" for i in range(8)
    }

"""Format identification by content, and matching against the declared format."""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import pikepdf
import pytest
from PIL import Image

from preservation.formats import FormatId, archive_kind, declared_matches, identify


def pdf_bytes(pdfa: str = "") -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if pdfa:
        with pdf.open_metadata(set_pikepdf_as_editor=False) as meta:
            meta["pdfaid:part"] = pdfa[0]
            meta["pdfaid:conformance"] = pdfa[1:]
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def ofd_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("OFD.xml", "<ofd:OFD xmlns:ofd='http://www.ofdspec.org/2016'/>")
    return out.getvalue()


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("L", (3, 3)).save(out, kind)
    return out.getvalue()


def _zip() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("x.txt", "x")
    return out.getvalue()


CASES = [
    (pdf_bytes(), "PDF"),
    (pdf_bytes("1B"), "PDF/A-1b"),
    (pdf_bytes("2B"), "PDF/A-2b"),
    (pdf_bytes("2U"), "PDF/A-2u"),
    (b"\x00" * 100 + b"%PDF-1.4\n%%EOF", "PDF"),  # junk before the header, unreadable PDF
    (ofd_bytes(), "OFD"),
    (_zip(), "ZIP"),
    (_image("JPEG"), "JPEG"),
    (_image("PNG"), "PNG"),
    (_image("TIFF"), "TIFF"),
    (b"MM\x00*\x00\x00\x00\x08", "TIFF"),
    (b'\xef\xbb\xbf  <?xml version="1.0"?><a/>', "XML"),
    ("<?xml version='1.0'?><a/>".encode("utf-16"), "XML"),
    (b"\n<licence/>", "XML"),
    (gzip.compress(b"x"), "GZIP"),
    (b"Rar!\x1a\x07\x00rest", "RAR"),
    (b"7z\xbc\xaf\x27\x1c\x00\x04", "7Z"),
    (b"just some text", "UNKNOWN"),
    (b"", "UNKNOWN"),
]


@pytest.mark.parametrize(("data", "name"), CASES)
def test_identify_by_content_whatever_the_name(tmp_path: Path, data: bytes, name: str) -> None:
    path = tmp_path / "misleading.pdf"
    path.write_bytes(data)
    assert identify(path).name == name


def test_pdf_detail_and_family(tmp_path: Path) -> None:
    path = tmp_path / "a"
    path.write_bytes(pdf_bytes("2B"))
    found = identify(path)
    assert found.family == "PDF" and found.mime == "application/pdf"
    assert "pdfaid 2B" in found.detail
    broken = tmp_path / "b"
    broken.write_bytes(b"%PDF-1.7\ngarbage")
    assert "does not open" in identify(broken).detail


@pytest.mark.parametrize(
    ("declared", "found", "ok"),
    [
        ("PDF", "PDF", True),
        ("PDF", "PDF/A-2b", True),
        ("PDF/A-2b", "PDF/A-2b", True),
        ("PDF/A-2b", "PDF/A-2B", True),
        ("PDF/A-2b", "PDF", False),
        ("PDF/A-2b", "PDF/A-1b", False),
        ("PDF/A-1b", "PDF/A-2b", False),
        ("JPEG", "PNG", False),
        ("OFD", "ZIP", False),
        ("XML", "XML", True),
    ],
)
def test_declared_matches(declared: str, found: str, ok: bool) -> None:
    assert declared_matches(declared, FormatId(found, "")) is ok


def test_archive_kind() -> None:
    assert archive_kind(b"PK\x03\x04rest") == "ZIP"
    assert archive_kind(gzip.compress(b"")) == "GZIP"
    assert archive_kind(b"%PDF-") is None
    assert FormatId("GZIP", "").is_archive and not FormatId("OFD", "").is_archive


def test_office_documents_are_identified_by_content(tmp_path: Path) -> None:
    from samples.office import docx_bytes, xlsx_bytes

    cases = {
        "x.bin": (docx_bytes(["正文"]), "DOCX"),
        "y.bin": (xlsx_bytes([["a", 1]]), "XLSX"),
        "z.bin": (b"{\\rtf1\\ansi hello}", "RTF"),
    }
    for name, (data, expected) in cases.items():
        (tmp_path / name).write_bytes(data)
        assert identify(tmp_path / name).name == expected
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    (tmp_path / "plain.zip").write_bytes(other.getvalue())
    assert identify(tmp_path / "plain.zip").name == "ZIP"  # OOXML of no known kind stays a ZIP
    assert declared_matches("WPS", FormatId("DOC", "application/msword"))
    assert declared_matches("ET", FormatId("XLS", "application/vnd.ms-excel"))
    assert not declared_matches("DOCX", FormatId("XLSX", "x"))


@pytest.mark.skipif(
    not __import__("shutil").which("soffice"), reason="LibreOffice missing (scripts/setup.sh)"
)
def test_ole2_word_and_excel_files_are_identified_by_their_streams(tmp_path: Path) -> None:
    import subprocess

    from samples.office import docx_bytes, xlsx_bytes

    (tmp_path / "a.docx").write_bytes(docx_bytes(["正文"]))
    (tmp_path / "b.xlsx").write_bytes(xlsx_bytes([["a", 1]]))
    for source, target in (("a.docx", "doc"), ("b.xlsx", "xls")):
        subprocess.run(
            ["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless",
             "--convert-to", target, "--outdir", str(tmp_path), str(tmp_path / source)],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    assert identify(tmp_path / "a.doc").name == "DOC"
    assert identify(tmp_path / "b.xls").name == "XLS"
    from preservation.checks.opening import open_problem

    assert open_problem(tmp_path / "a.doc", "DOC") is None
    assert open_problem(tmp_path / "b.xls", "XLS") is None


def test_office_documents_open_and_damaged_ones_do_not(tmp_path: Path) -> None:
    from preservation.checks.opening import open_problem, opener_tool
    from samples.office import docx_bytes, xlsx_bytes

    good = {
        "a.docx": (docx_bytes(["正文"]), "DOCX"),
        "b.xlsx": (xlsx_bytes([["a", 1]]), "XLSX"),
        "c.rtf": (b"{\\rtf1\\ansi {\\b bold} \\{ literal brace}", "RTF"),
    }
    for name, (data, family) in good.items():
        (tmp_path / name).write_bytes(data)
        assert open_problem(tmp_path / name, family) is None, name
        assert opener_tool(family) != "none"
    (tmp_path / "cut.docx").write_bytes(docx_bytes(["正文"])[:-40])
    assert open_problem(tmp_path / "cut.docx", "DOCX")
    # a whole ZIP (every CRC right) whose main part does not parse, or is missing
    import io
    import zipfile

    for name, parts in {
        "broken.docx": {"word/document.xml": b"<w:document"},
        "empty.docx": {},
    }.items():
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as z:
            z.writestr("[Content_Types].xml", b"<Types/>")
            for part, data in parts.items():
                z.writestr(part, data)
        (tmp_path / name).write_bytes(buffer.getvalue())
        assert open_problem(tmp_path / name, "DOCX"), name
    (tmp_path / "cut.rtf").write_bytes(b"{\\rtf1\\ansi {\\b bold}")
    assert "never closed" in (open_problem(tmp_path / "cut.rtf", "RTF") or "")
    (tmp_path / "x.doc").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    assert open_problem(tmp_path / "x.doc", "DOC")

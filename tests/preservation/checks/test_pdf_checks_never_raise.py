"""Malformed PDFs (truncated, random bytes, flipped bytes, wrong object types, broken XMP) give
the signature and PDF/A checks findings, never an exception (property tests with Hypothesis)."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdf_builders import MOMENT, fill_field, form_pdf, sign, with_xmp
from pyhanko_certvalidator import ValidationContext

from preservation.checks import signatures, usability
from preservation.checks.pdf_signature import read_signatures, signature_findings
from preservation.checks.pdfa import PdfaResult, Verdict, validate_pdfa
from standards.finding import Status

_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
# swaps that give objects the wrong type or shape, keeping the byte count
_WRONG_TYPES = (
    (b"/ByteRange [", b"/ByteRange /"),
    (b"/Type /Sig", b"/Type 1234"),
    (b"/Contents <", b"/Contents ("),
    (b"/SubFilter /", b"/SubFilter 1"),
    (b"/Fields [", b"/Fields <"),
    (b"/Metadata ", b"/Metadata("),
    (b"rdf:Description", b"rdf:Descriptiom"),
    (b"pdfaid:part", b"pdfaid:p(rt"),
    (b"rdf:Bag", b"rdf:Seq"),
    (b"endobj", b"endobk"),
    (b"stream", b"strean"),
    (b"xref", b"xreg"),
)


@cache
def _signed() -> bytes:
    return fill_field(sign(form_pdf(), "Sig1"), "Remark", "filled")


@cache
def _pdfa() -> bytes:
    described = (
        '<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/">'
        "<tiff:ResolutionUnit>2</tiff:ResolutionUnit></rdf:Description>"
    )
    return with_xmp("1b", described)


def _mutations(base: Callable[[], bytes]) -> st.SearchStrategy[bytes]:
    def truncated(cut: int) -> bytes:
        data = base()
        return data[: cut % (len(data) + 1)]

    def flipped(positions: list[int]) -> bytes:
        data = bytearray(base())
        for pos in positions:
            data[pos % len(data)] ^= 0xFF
        return bytes(data)

    def retyped(index: int) -> bytes:
        data = base()
        old, new = _WRONG_TYPES[index % len(_WRONG_TYPES)]
        return data.replace(old, new)

    return st.one_of(
        st.integers(min_value=0).map(truncated),
        st.lists(st.integers(min_value=0), min_size=1, max_size=8).map(flipped),
        st.integers(min_value=0).map(retyped),
        st.binary(max_size=2048),
        st.binary(max_size=512).map(lambda junk: base()[:600] + junk + base()[-200:]),
    )


@pytest.fixture(autouse=True)
def _quiet_pyhanko(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.CRITICAL, logger="pyhanko")


@_SETTINGS
@given(data=_mutations(_signed))
def test_signature_check_gives_findings_for_any_bytes(data: bytes) -> None:
    vc = ValidationContext(trust_roots=[], allow_fetching=False, moment=MOMENT)
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / "file.pdf"
        local.write_bytes(data)
        pdf = read_signatures("original/file.pdf", local, vc)
    found = signature_findings(pdf, have_roots=True, declared=True)
    assert found and all(f.message for f in found)


@_SETTINGS
@given(data=st.one_of(_mutations(_pdfa), _mutations(_signed)))
def test_pdfa_check_gives_a_verdict_for_any_bytes(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / "file.pdf"
        local.write_bytes(data)
        result = validate_pdfa(local, "1b", signed=b"/ByteRange" in data)
    assert isinstance(result, PdfaResult)
    assert result.verdict is not Verdict.UNVERIFIED or result.reason


def _context(files: dict[str, Path | Exception]) -> SimpleNamespace:
    """Just what the PDF checks read from a check context, with one file that breaks."""

    def local(path: str) -> Path:
        found = files[path]
        if isinstance(found, Exception):
            raise found
        return found

    facts = SimpleNamespace(format=SimpleNamespace(family="PDF", name="PDF/A-1b"))
    return SimpleNamespace(
        originals=lambda: list(files),
        paths=tuple(files),  # no metadata/archival.xml: no derived files to judge
        facts=lambda path: facts,
        local=local,
        trust_dir=None,
        clock=lambda: MOMENT,
        memo=lambda key, compute: compute(),
        case=None,
    )


def test_one_broken_file_does_not_stop_the_others(tmp_path: Path) -> None:
    good = tmp_path / "good.pdf"
    good.write_bytes(_pdfa())
    signed = tmp_path / "signed.pdf"
    signed.write_bytes(_signed())
    ctx = _context(
        {
            "original/good.pdf": good,
            "original/signed.pdf": signed,
            "original/gone.pdf": OSError("storage went away"),
        }
    )
    sig = signatures.pdf_signatures(ctx)  # type: ignore[arg-type]
    broken = [f for f in sig if f.path == "original/gone.pdf"]
    assert [(f.code, f.status) for f in broken] == [
        ("PDF_SIGNATURES_UNCHECKED", Status.MANUAL_REVIEW)
    ]
    assert any(f.code == "PDF_SIGNATURE_REVISIONS_ALLOWED" for f in sig)
    pdfa = {f.path: f for f in usability.pdfa(ctx)}  # type: ignore[arg-type]
    assert pdfa["original/gone.pdf"].code == "PDFA_UNVERIFIED"
    assert "storage went away" in pdfa["original/gone.pdf"].message
    assert pdfa["original/good.pdf"].code == "PDFA_VALID"

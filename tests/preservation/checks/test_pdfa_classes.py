"""Each class of PDF/A file gives its verdict, on files generated here (no sample folder needed).

Conforming files our old rules refused (XMP properties of the predefined 2004/2005 schemas,
extension schemas, UTF-16 packets in PDF/A-1, device colour with a ``/Default…`` space) pass;
files breaking a clause the validator does not check (file header, data after %%EOF, stream
Length, object spacing, wrong XMP value types, DeviceGray without an OutputIntent) fail with
that clause's rule; what nothing here decides is UNVERIFIED, never VALID.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pikepdf.pdfa
import pytest
from pdf_builders import broken_binary_comment, pdfa_blank, sign, with_xmp

from preservation.checks import pdfa as pdfa_module
from preservation.checks.pdfa import Verdict, validate_pdfa

TIFF_EXIF = """<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/">
 <tiff:ResolutionUnit>2</tiff:ResolutionUnit>
 <tiff:PrimaryChromaticities><rdf:Seq><rdf:li>640/1000</rdf:li><rdf:li>330/1000</rdf:li>
 </rdf:Seq></tiff:PrimaryChromaticities></rdf:Description>
<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"
 exif:GPSLatitude="67,19,26S" exif:Saturation="2"/>"""
WRONG_TYPE = """<rdf:Description rdf:about="" xmlns:tiff="http://ns.adobe.com/tiff/1.0/">
 <tiff:ImageLength>256/1</tiff:ImageLength></rdf:Description>"""
CUSTOM = """<rdf:Description rdf:about="" xmlns:case="urn:earchive:case:1#" case:number="A-1"/>"""
EXTENSION = """<rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
 <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
  <pdfaSchema:schema>Case</pdfaSchema:schema>
  <pdfaSchema:namespaceURI>urn:earchive:case:1#</pdfaSchema:namespaceURI>
  <pdfaSchema:prefix>case</pdfaSchema:prefix>
  <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
   <pdfaProperty:name>number</pdfaProperty:name>
   <pdfaProperty:valueType>Text</pdfaProperty:valueType>
   <pdfaProperty:category>external</pdfaProperty:category>
   <pdfaProperty:description>case number</pdfaProperty:description>
  </rdf:li></rdf:Seq></pdfaSchema:property>
 </rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>"""
PHOTOSHOP = """<rdf:Description rdf:about="" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/">
 <photoshop:SupplementalCategories><rdf:Bag><rdf:li>archive</rdf:li></rdf:Bag>
 </photoshop:SupplementalCategories></rdf:Description>"""


def _edit(flavour: str, change: Callable[[pikepdf.Pdf], None]) -> bytes:
    with pikepdf.open(io.BytesIO(pdfa_blank(flavour))) as pdf:
        change(pdf)
        out = io.BytesIO()
        pdf.save(out, **pikepdf.pdfa.resolve_save_kwargs(flavour))
        return out.getvalue()


def _paint_gray(default_gray: bool) -> Callable[[pikepdf.Pdf], None]:
    """A filled square in the initial colour (DeviceGray), and no OutputIntent."""

    def change(pdf: pikepdf.Pdf) -> None:
        del pdf.Root["/OutputIntents"]
        page = pdf.pages[0]
        page.obj.Contents = pdf.make_stream(b"0 0 10 10 re f\n")
        if default_gray:
            cal = pikepdf.Array([pikepdf.Name.CalGray, pikepdf.Dictionary(WhitePoint=[1, 1, 1])])
            page.obj.Resources = pikepdf.Dictionary(ColorSpace=pikepdf.Dictionary(DefaultGray=cal))

    return change


def _utf16(flavour: str) -> bytes:
    data = with_xmp(flavour, "")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        text = pdf.Root.Metadata.read_bytes().decode("utf-8").lstrip("\ufeff")
        pdf.Root.Metadata.write(text.encode("utf-16"))
        out = io.BytesIO()
        pdf.save(out, **pikepdf.pdfa.resolve_save_kwargs(flavour))
        return out.getvalue()


def _replace(data: bytes, old: bytes, new: bytes) -> bytes:
    assert len(old) == len(new) and old in data  # offsets stay valid
    return data.replace(old, new, 1)


def _wrong_length(flavour: str) -> bytes:
    """The metadata stream (never compressed in PDF/A) declares one byte less than it holds."""
    data = pdfa_blank(flavour)
    match = re.search(rb"/Type /Metadata /Length (\d+)", data)
    assert match is not None
    shorter = str(int(match[1]) - 1).encode().rjust(len(match[1]), b"0")
    return data[: match.start(1)] + shorter + data[match.end(1) :]


@dataclass(frozen=True)
class Case:
    name: str
    flavour: str
    build: Callable[[], bytes]
    verdict: Verdict
    rule: str = ""  # a rule the verdict must name


CASES = (
    Case("conforming_1b", "1b", lambda: pdfa_blank("1b"), Verdict.VALID),
    Case("conforming_2b", "2b", lambda: pdfa_blank("2b"), Verdict.VALID),
    Case("xmp_tiff_exif_1b", "1b", lambda: with_xmp("1b", TIFF_EXIF), Verdict.VALID),
    Case("xmp_photoshop_bag_2b", "2b", lambda: with_xmp("2b", PHOTOSHOP), Verdict.VALID),
    Case(
        "xmp_extension_schema_1b", "1b", lambda: with_xmp("1b", CUSTOM + EXTENSION), Verdict.VALID
    ),
    Case("xmp_utf16_packet_1b", "1b", lambda: _utf16("1b"), Verdict.VALID),
    Case(
        "xmp_utf16_packet_2b", "2b", lambda: _utf16("2b"), Verdict.INVALID, "ISO_19005_2:6.6.2.1-5"
    ),
    Case(
        "xmp_wrong_value_type_1b",
        "1b",
        lambda: with_xmp("1b", WRONG_TYPE),
        Verdict.INVALID,
        "ISO_19005_1:6.7.9-3",
    ),
    Case(
        "xmp_undefined_property_1b",
        "1b",
        lambda: with_xmp("1b", CUSTOM),
        Verdict.INVALID,
        "ISO_19005_1:6.7.9-2",
    ),
    Case(
        "xmp_undefined_property_2b",
        "2b",
        lambda: with_xmp("2b", CUSTOM),
        Verdict.INVALID,
        "ISO_19005_2:6.6.2.3.1-1",
    ),
    Case(
        "xmp_extension_wrong_prefix_2b",
        "2b",
        lambda: with_xmp("2b", CUSTOM + EXTENSION.replace("pdfaProperty", "myProperty")),
        Verdict.INVALID,
        "ISO_19005_2:6.6.2.3.3-7",
    ),
    Case(
        "header_binary_comment_1b",
        "1b",
        lambda: broken_binary_comment(pdfa_blank("1b")),
        Verdict.INVALID,
        "ISO_19005_1:6.1.2-2",
    ),
    Case(
        "header_not_at_offset_0_2b",
        "2b",
        lambda: b"junk\n" + pdfa_blank("2b"),
        Verdict.INVALID,
        "ISO_19005_2:6.1.2-1",
    ),
    Case(
        "data_after_eof_1b",
        "1b",
        lambda: pdfa_blank("1b") + b"trailing bytes\n",
        Verdict.INVALID,
        "ISO_19005_1:6.1.3-3",
    ),
    Case(
        "stream_length_wrong_1b",
        "1b",
        lambda: _wrong_length("1b"),
        Verdict.INVALID,
        "ISO_19005_1:6.1.7-1",
    ),
    Case(
        "endobj_spacing_2b",
        "2b",
        lambda: _replace(pdfa_blank("2b"), b"endobj\n", b"endobj "),
        Verdict.INVALID,
        "ISO_19005_2:6.1.9-1",
    ),
    Case(
        "device_gray_without_output_intent_2b",
        "2b",
        lambda: _edit("2b", _paint_gray(default_gray=False)),
        Verdict.INVALID,
        "ISO_19005_2:6.2.4.3-4",
    ),
    Case(
        "device_gray_with_default_gray_2b",
        "2b",
        lambda: _edit("2b", _paint_gray(default_gray=True)),
        Verdict.VALID,
    ),
    Case("level_a_claim_on_level_b_file", "1a", lambda: pdfa_blank("1b"), Verdict.UNVERIFIED),
    Case("unknown_flavour", "4f", lambda: pdfa_blank("2b"), Verdict.UNVERIFIED),
)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_pdfa_class_gives_its_verdict(case: Case, tmp_path: Path) -> None:
    path = tmp_path / "file.pdf"
    path.write_bytes(case.build())
    result = validate_pdfa(path, case.flavour, signed=False)
    assert result.verdict is case.verdict, (result.rules, result.reason)
    if case.rule:
        assert case.rule in result.rules


def test_the_validator_alone_refused_the_predefined_xmp_properties() -> None:
    """The false positive our XMP rules correct: pikepdf.pdfa refuses TIFF/EXIF properties."""
    report = pikepdf.pdfa.validate_written(io.BytesIO(with_xmp("1b", TIFF_EXIF)), "1b")
    assert report.verdict == "fail"
    assert {f.rule for f in report.findings} == {"ISO_19005_1:6.7.9-2"}


def test_signed_pdfa_is_judged_in_its_revision_before_the_signature(tmp_path: Path) -> None:
    path = tmp_path / "signed.pdf"
    path.write_bytes(sign(pdfa_blank("2b"), "Sig1"))
    assert validate_pdfa(path, "2b", signed=True).verdict is Verdict.VALID


def test_an_unexpected_error_is_unverified_never_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("validator exploded")

    monkeypatch.setattr(pdfa_module, "_issues", broken)
    path = tmp_path / "file.pdf"
    path.write_bytes(pdfa_blank("1b"))
    result = validate_pdfa(path, "1b", signed=False)
    assert result.verdict is Verdict.UNVERIFIED
    assert "validator exploded" in result.reason

"""The format policy table: every declarable format has a row, non-archival rows name a copy."""

from __future__ import annotations

import re

from standards.codes import formats
from standards.format_policy import format_policy


def test_every_declarable_format_has_a_policy_row() -> None:
    policy = format_policy()
    assert set(policy.rows) == set(formats())
    assert re.fullmatch(r"\d{4}\.\d+", policy.version)


def test_office_documents_and_plain_pdf_get_a_pdfa_copy_and_archival_formats_none() -> None:
    policy = format_policy()
    for name in ("DOC", "DOCX", "WPS", "RTF", "XLS", "XLSX", "ET", "PDF"):
        row = policy.for_format(name)
        assert row is not None and row.needs_copy and row.normalise_to == "PDF/A-2b", name
    assert policy.for_format("DOCX").tool == "libreoffice"
    assert policy.for_format("PDF").tool == "ghostscript"
    for name in ("PDF/A-2b", "OFD", "TIFF", "XML"):
        assert not policy.for_format(name).needs_copy, name
    assert policy.for_format("pdf/a-2B") is policy.for_format("PDF/A-2b")
    assert policy.for_format("TIFF").rendition == "png"
    assert (
        policy.for_format("JPEG").ocr == "yes" and policy.for_format("PDF").ocr == "if-image-only"
    )

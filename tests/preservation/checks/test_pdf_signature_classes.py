"""Each class of signed PDF gives its verdict, on PDFs generated here (no sample folder needed).

Countersigned and form-filled PDFs pass by pyHanko's modification analysis; a page swapped, a
certified document form-filled against its DocMDP level, bytes after the last revision, and the
coverage anomalies and malformed signatures pyHanko reports FAIL with pyHanko's reason; intact,
valid and trusted stay separate verdicts.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from pdf_builders import (
    MOMENT,
    append_after_last_revision,
    document_timestamp,
    fill_field,
    form_pdf,
    pki,
    sign,
    swap_first_page,
)
from pyhanko.sign import fields
from pyhanko_certvalidator import ValidationContext

from preservation.checks.pdf_signature import (
    PdfSignatures,
    SignatureReport,
    read_signatures,
    signature_findings,
)
from standards.finding import Finding, Status


@pytest.fixture(autouse=True)
def _quiet_pyhanko(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """pyHanko logs every untrusted chain at ERROR; the findings carry what matters."""
    caplog.set_level(logging.CRITICAL, logger="pyhanko")
    yield


def _signed() -> bytes:
    return sign(form_pdf(), "Sig1")


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[], bytes]
    fail_codes: frozenset[str]  # the FAIL codes the file must give (empty: no FAIL at all)
    signatures: int
    passes: frozenset[str] = frozenset()


CASES = (
    Case("signed_once", _signed, frozenset(), 1),
    Case(
        "form_filled_after_signing",
        lambda: fill_field(_signed(), "Remark", "approved"),
        frozenset(),
        1,
        frozenset({"PDF_SIGNATURE_REVISIONS_ALLOWED"}),
    ),
    Case(
        "signed_twice",
        lambda: sign(_signed(), "Sig2"),
        frozenset(),
        2,
        frozenset({"PDF_SIGNATURE_REVISIONS_ALLOWED"}),
    ),
    Case(
        "page_swapped_after_signing",
        lambda: swap_first_page(_signed()),
        frozenset({"PDF_SIGNATURE_MODIFIED"}),
        1,
    ),
    Case(
        "bytes_appended_after_last_revision",
        lambda: append_after_last_revision(_signed()),
        frozenset({"PDF_SIGNATURE_COVERAGE"}),
        1,
    ),
    Case(
        "certified_no_changes_then_form_filled",
        lambda: fill_field(sign(form_pdf(), "Cert", fields.MDPPerm.NO_CHANGES), "Remark", "x"),
        frozenset({"PDF_SIGNATURE_MODIFIED"}),
        1,
    ),
    Case(
        "timestamped_then_document_timestamp",
        lambda: document_timestamp(sign(form_pdf(), "Sig1", timestamped=True)),
        frozenset(),
        2,
        frozenset({"PDF_SIGNATURE_REVISIONS_ALLOWED"}),
    ),
    Case(
        "trailer_cut_off",
        lambda: _signed()[:-40],
        frozenset({"PDF_SIGNATURE_UNREADABLE"}),
        0,
    ),
)


def _findings(tmp_path: Path, data: bytes, trusted: bool = False) -> tuple[PdfSignatures, list]:
    local = tmp_path / "file.pdf"
    local.write_bytes(data)
    roots = [pki().root] if trusted else []
    vc = ValidationContext(trust_roots=roots, allow_fetching=False, moment=MOMENT)
    pdf = read_signatures("original/file.pdf", local, vc)
    return pdf, signature_findings(pdf, have_roots=True, declared=True)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_signed_pdf_class_gives_its_verdict(case: Case, tmp_path: Path) -> None:
    pdf, found = _findings(tmp_path, case.build())
    assert len(pdf.reports) == case.signatures
    failed = {f.code for f in found if f.status is Status.FAIL}
    assert failed == case.fail_codes, [(f.code, f.message) for f in found]
    assert case.passes <= {f.code for f in found if f.status is Status.PASS}
    for f in found:
        if f.code in ("PDF_SIGNATURE_MODIFIED", "PDF_SIGNATURE_COVERAGE"):
            assert f.detail["reason"], f  # pyHanko's own reason is kept
    if not case.fail_codes:  # intact and valid, only trust is undecided (root not in the store)
        assert {f.code for f in found} >= {"PDF_SIGNATURE_INTACT", "PDF_SIGNATURE_VALID"}
        assert {f.status for f in found if f.code == "PDF_SIGNATURE_UNTRUSTED"} == {
            Status.MANUAL_REVIEW
        }


def test_bytes_appended_name_the_coverage_anomaly(tmp_path: Path) -> None:
    _, found = _findings(tmp_path, append_after_last_revision(_signed()))
    coverage = next(f for f in found if f.code == "PDF_SIGNATURE_COVERAGE")
    assert coverage.detail["coverage"] == "APPENDED_BYTES"


def test_form_filled_pdf_by_a_trusted_signer_passes_entirely(tmp_path: Path) -> None:
    _, found = _findings(tmp_path, fill_field(_signed(), "Remark", "ok"), trusted=True)
    assert {f.status for f in found} == {Status.PASS}
    assert "PDF_SIGNATURE_TRUSTED" in {f.code for f in found}


def test_unsigned_pdf_declared_signed_is_missing_its_signature(tmp_path: Path) -> None:
    _, found = _findings(tmp_path, form_pdf())
    assert [f.code for f in found] == ["PDF_SIGNATURE_MISSING"]


_GOOD = SignatureReport(
    path="original/a.pdf",
    field="Sig1",
    intact=True,
    valid=True,
    trusted=False,
    coverage="ENTIRE_REVISION",
    modification_level="FORM_FILLING",
    docmdp_ok=True,
    trust_problem="NO_CERTIFICATE_CHAIN_FOUND",
    signer="Test signer",
    algorithm="ecdsa",
    digest="sha256",
)

# (name, report, code that must appear, its status); judgement of what pyHanko reports
JUDGEMENTS = (
    ("allowed_revisions", _GOOD, "PDF_SIGNATURE_REVISIONS_ALLOWED", Status.PASS),
    ("untrusted_is_review", _GOOD, "PDF_SIGNATURE_UNTRUSTED", Status.MANUAL_REVIEW),
    (
        "tail_uncovered",
        replace(_GOOD, coverage="CONTIGUOUS_BLOCK_FROM_START", modification_level="OTHER"),
        "PDF_SIGNATURE_COVERAGE",
        Status.FAIL,
    ),
    (
        "unclear_byte_range",
        replace(_GOOD, coverage="UNCLEAR"),
        "PDF_SIGNATURE_COVERAGE",
        Status.FAIL,
    ),
    (
        "other_modification",
        replace(_GOOD, modification_level="OTHER", docmdp_ok=False),
        "PDF_SIGNATURE_MODIFIED",
        Status.FAIL,
    ),
    (
        "docmdp_undetermined",
        replace(_GOOD, docmdp_ok=None),
        "PDF_SIGNATURE_MODIFIED",
        Status.MANUAL_REVIEW,
    ),
    ("tampered", replace(_GOOD, intact=False), "PDF_SIGNATURE_TAMPERED", Status.FAIL),
    ("invalid", replace(_GOOD, valid=False), "PDF_SIGNATURE_INVALID", Status.FAIL),
    (
        "disallowed_algorithm",
        replace(_GOOD, coverage="ENTIRE_FILE", trust_problem="CRYPTO_CONSTRAINTS_FAILURE"),
        "PDF_SIGNATURE_ALGORITHM_REFUSED",
        Status.MANUAL_REVIEW,
    ),
    (
        "malformed",
        SignatureReport(
            "original/a.pdf", "Sig1", error="eContent [FORMAT_FAILURE]", malformed=True
        ),
        "PDF_SIGNATURE_MALFORMED",
        Status.FAIL,
    ),
    (
        "unverifiable",
        SignatureReport("original/a.pdf", "Sig1", error="NotImplementedError: sm2"),
        "PDF_SIGNATURE_UNVERIFIABLE",
        Status.MANUAL_REVIEW,
    ),
)


@pytest.mark.parametrize(
    ("name", "report", "code", "status"), JUDGEMENTS, ids=[j[0] for j in JUDGEMENTS]
)
def test_judgement_of_each_pyhanko_verdict(
    name: str, report: SignatureReport, code: str, status: Status
) -> None:
    found = signature_findings(PdfSignatures(report.path, (report,)), True, True)
    assert {f.status for f in found if f.code == code} == {status}, found


def test_algorithm_refusal_keeps_intact_and_valid_separate() -> None:
    report = replace(_GOOD, coverage="ENTIRE_FILE", trust_problem="CRYPTO_CONSTRAINTS_FAILURE")
    found: list[Finding] = signature_findings(PdfSignatures(report.path, (report,)), True, True)
    assert {f.code for f in found} >= {"PDF_SIGNATURE_INTACT", "PDF_SIGNATURE_VALID"}
    assert not any(f.failed for f in found)
    refused = next(f for f in found if f.code == "PDF_SIGNATURE_ALGORITHM_REFUSED")
    assert "CRYPTO_CONSTRAINTS_FAILURE" in refused.message and "sha256" in refused.message


def test_an_unexpected_error_is_that_files_review() -> None:
    pdf = PdfSignatures("original/a.pdf", error="RuntimeError: boom", unexpected=True)
    found = signature_findings(pdf, True, True)
    assert [(f.code, f.status) for f in found] == [
        ("PDF_SIGNATURES_UNCHECKED", Status.MANUAL_REVIEW)
    ]

"""Real PDFs from real producers, with the verdict an independent verifier gives them.

Signatures: rows P* of ``seals-labels.tsv`` (pyHanko's own test files): OK must not FAIL;
MODIFIED and COVERAGE must FAIL with that finding; BROKEN and NOT_ACCEPTED must FAIL or go to
MANUAL_REVIEW with pyHanko's reason. None of their roots is in our trust store.
PDF/A: the 200 veraPDF corpus files of ``pdfa/labels.tsv`` (PDF/A-1b and -2b, half conforming):
our judgement agrees with veraPDF's label on at least 90 % of them, never passes a file veraPDF
fails, and never raises. The samples are read from ``$EARCHIVE_REAL_SAMPLES`` (default
``../shared/data/real-samples`` beside the repository) and the tests skip when they are absent.
"""

from __future__ import annotations

import csv
import logging
import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from pdf_builders import MOMENT, pki
from pyhanko_certvalidator import ValidationContext

from preservation.checks.pdf_signature import read_signatures, signature_findings
from preservation.checks.pdfa import Verdict, validate_pdfa
from standards.finding import Finding, Status

ROOT = Path(__file__).resolve().parents[3]
SAMPLES = Path(os.environ.get("EARCHIVE_REAL_SAMPLES", ROOT.parent / "shared/data/real-samples"))
ABSENT = f"real samples not found at {SAMPLES} (set EARCHIVE_REAL_SAMPLES)"
AGREEMENT = 0.90

# the finding a label must produce: (acceptable statuses of the file's worst finding, the code
# that must carry it, words of pyHanko's reason that finding must show)
EXPECTED: dict[str, tuple[frozenset[Status], str, str]] = {
    "MODIFIED": (frozenset({Status.FAIL}), "PDF_SIGNATURE_MODIFIED", ""),
    "COVERAGE": (frozenset({Status.FAIL}), "PDF_SIGNATURE_COVERAGE", ""),
    "BROKEN": (
        frozenset({Status.FAIL, Status.MANUAL_REVIEW}),
        "PDF_SIGNATURE_MALFORMED",
        "FORMAT_FAILURE",
    ),
    "NOT_ACCEPTED": (
        frozenset({Status.FAIL, Status.MANUAL_REVIEW}),
        "PDF_SIGNATURE_ALGORITHM_REFUSED",
        "CRYPTO_CONSTRAINTS_FAILURE",
    ),
}
_ORDER = [Status.PASS, Status.NOT_APPLICABLE, Status.WARN, Status.MANUAL_REVIEW, Status.FAIL]


def _rows(name: str) -> list[dict[str, str]]:
    table = SAMPLES / name
    if not table.is_file():
        return []
    with table.open(encoding="utf-8", newline="") as fp:
        return list(csv.DictReader(fp, delimiter="\t"))


SIGNED = [r for r in _rows("seals-labels.tsv") if r["id"].startswith("P")]


@pytest.fixture(autouse=True)
def _quiet_pyhanko(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    caplog.set_level(logging.CRITICAL, logger="pyhanko")
    yield


def _worst(found: list[Finding]) -> Status:
    return max((f.status for f in found), key=_ORDER.index)


@pytest.mark.skipif(not SIGNED, reason=ABSENT)
@pytest.mark.parametrize("row", SIGNED, ids=[r["id"] for r in SIGNED])
def test_signed_sample_gets_its_label(row: dict[str, str]) -> None:
    # a trust store that holds a root, but none of these signers' roots
    vc = ValidationContext(trust_roots=[pki().root], allow_fetching=False, moment=MOMENT)
    pdf = read_signatures(f"original/{row['id']}.pdf", SAMPLES / row["file"], vc)
    found = signature_findings(pdf, have_roots=True, declared=True)
    label, worst = row["expected"], _worst(found)
    summary = [(f.code, f.status.value, f.message) for f in found if f.status is not Status.PASS]
    if label == "OK":
        assert worst is not Status.FAIL, summary
        # intact and valid, only trust undecided: an unknown root is review, never a failure
        assert {f.code for f in found} >= {"PDF_SIGNATURE_INTACT", "PDF_SIGNATURE_VALID"}
        assert {f.status for f in found if f.code == "PDF_SIGNATURE_UNTRUSTED"} <= {
            Status.MANUAL_REVIEW
        }
        return
    statuses, code, reason = EXPECTED[label]
    assert worst in statuses, summary
    hits = [f for f in found if f.code == code and f.status in statuses]
    assert hits, summary
    assert all(reason in f.message and f.detail.get("reason") for f in hits), summary


PDFA = _rows("pdfa/labels.tsv")


def judge_pdfa() -> tuple[list[tuple[str, str, Verdict, str]], float]:
    """Every corpus file: (file, veraPDF label, our verdict, our reason), and the seconds taken."""
    started = time.perf_counter()
    judged = []
    for row in PDFA:
        result = validate_pdfa(SAMPLES / "pdfa" / row["file"], row["flavour"][-2:], signed=False)
        reason = result.reason or ", ".join(result.rules)
        judged.append((row["file"], row["verapdf_label"], result.verdict, reason))
    return judged, time.perf_counter() - started


def _agrees(label: str, verdict: Verdict) -> bool:
    return verdict is (Verdict.VALID if label == "pass" else Verdict.INVALID)


@pytest.mark.skipif(not PDFA, reason=ABSENT)
def test_pdfa_judgement_agrees_with_verapdf() -> None:
    judged, elapsed = judge_pdfa()
    assert all(isinstance(verdict, Verdict) for _, _, verdict, _ in judged)  # never an error
    misses = [j for j in judged if not _agrees(j[1], j[2])]
    false_passes = [j for j in judged if j[2] is Verdict.VALID and j[1] != "pass"]
    assert false_passes == []
    assert 1 - len(misses) / len(judged) >= AGREEMENT, misses
    assert elapsed < 60, f"{elapsed:.1f} s for {len(judged)} files"


if __name__ == "__main__":  # the measurement itself: python tests/.../test_real_pdf_samples.py
    rows, seconds = judge_pdfa()
    for file, label, verdict, reason in rows:
        if not _agrees(label, verdict):
            print(f"{file}\t{label}\t{verdict.value}\t{reason}")
    agree = sum(_agrees(label, verdict) for _, label, verdict, _ in rows)
    passed = sum((v is Verdict.VALID) == (label == "pass") for _, label, v, _ in rows)
    print(f"agreement {agree}/{len(rows)} (PASS iff pass: {passed}/{len(rows)}) in {seconds:.1f} s")

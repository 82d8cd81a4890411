"""The verdict table for the real-world samples: each signed/sealed file of
``$EARCHIVE_REAL_SAMPLES`` (default ``../shared/data/real-samples``) with its label and what the
verifiers say (intact / valid / trusted, and the findings that decide it), and the PDF/A corpus'
agreement with veraPDF's labels.

    .venv/bin/python bench/real_samples.py [--markdown]

Trust: OFD seals against no root (every chain is then MANUAL_REVIEW, never PASS); PDF signatures
against a trust store holding an unrelated root, as the tests do. Reads the samples; writes
nothing.
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import sys
from datetime import UTC, datetime
from pathlib import Path

from pyhanko_certvalidator import ValidationContext

from preservation.checks.pdf_signature import read_signatures, signature_findings
from preservation.checks.pdfa import Verdict, validate_pdfa
from preservation.seals import check_ofd
from standards.finding import Finding, Status

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = Path(os.environ.get("EARCHIVE_REAL_SAMPLES") or ROOT.parent / "shared/data/real-samples")
AT = datetime(2026, 9, 1, tzinfo=UTC)
_ORDER = [Status.PASS, Status.NOT_APPLICABLE, Status.WARN, Status.MANUAL_REVIEW, Status.FAIL]


def _deciding(found: list[Finding]) -> str:
    worst = [f for f in found if f.status in (Status.FAIL, Status.MANUAL_REVIEW)]
    codes = sorted({f"{f.code}:{f.status.value}" for f in worst})
    return ", ".join(codes[:4]) + (" …" if len(codes) > 4 else "") or "all PASS"


def _ofd(row: dict[str, str]) -> tuple[str, str]:
    result = check_ofd(SAMPLES / row["file"], (), AT)
    flags = "intact" if result.intact else "NOT intact"
    flags += ", valid" if result.valid else ", not valid"
    return flags, _deciding(result.all_findings())


def _pdf(row: dict[str, str]) -> tuple[str, str]:
    vc = ValidationContext(trust_roots=[], allow_fetching=False, moment=AT)
    pdf = read_signatures(f"original/{row['id']}.pdf", SAMPLES / row["file"], vc)
    found = signature_findings(pdf, have_roots=True, declared=True)
    worst = max((f.status for f in found), key=_ORDER.index, default=Status.PASS)
    return worst.value, _deciding(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args()
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    labels = SAMPLES / "seals-labels.tsv"
    if not labels.is_file():
        sys.exit(f"no samples at {SAMPLES}")
    with labels.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    sep = " | " if args.markdown else "\t"
    print(sep.join(("id", "file", "label", "our verdict", "deciding findings")))
    for row in rows:
        verdict, why = _ofd(row) if row["kind"] == "ofd" else _pdf(row)
        print(sep.join((row["id"], Path(row["file"]).name, row["expected"], verdict, why)))
    with (SAMPLES / "pdfa/labels.tsv").open(encoding="utf-8") as fh:
        pdfa = list(csv.DictReader(fh, delimiter="\t"))
    agree = 0
    for row in pdfa:
        result = validate_pdfa(SAMPLES / "pdfa" / row["file"], row["flavour"][-2:], signed=False)
        want = Verdict.VALID if row["verapdf_label"] == "pass" else Verdict.INVALID
        agree += result.verdict is want
    print(f"PDF/A agreement with veraPDF: {agree}/{len(pdfa)}")


if __name__ == "__main__":
    main()

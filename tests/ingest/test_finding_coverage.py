"""Every refusal reason of ingest has a test that produces it (ocfl-py style rule table)."""

from __future__ import annotations

from pathlib import Path

from standards.datafiles import read_tsv
from standards.findings import finding_codes

HERE = Path(__file__).resolve().parent
# produced by other stages or only by environment failures (an unreadable disk)
NOT_INGEST_REFUSALS = {
    "PKG_UNREADABLE",
    "INGEST_ACCEPTED",
    "INGEST_DUPLICATE",
    "INGEST_NEW_VERSION",
    "INDEX_DEFERRED",
}

# codes of the 四性 check engine (tests/preservation/checks exercise them), and the
# preservation-stage (BC) codes of fixity audits and replicas (tests/preservation/test_audit.py)
CHECK_ENGINE_CODES = {row["code"] for row in read_tsv("check-findings.tsv")} | {
    row["code"] for row in read_tsv("findings.tsv") if row["dat70"].startswith("BC-")
}


def test_each_code_is_exercised_by_an_ingest_test() -> None:
    text = "".join(
        p.read_text(encoding="utf-8") for p in HERE.glob("test_*.py") if p != Path(__file__)
    )
    missing = sorted(
        code
        for code in finding_codes()
        if code not in NOT_INGEST_REFUSALS | CHECK_ENGINE_CODES and f'"{code}' not in text
    )
    assert missing == []

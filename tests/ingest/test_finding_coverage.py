"""Every refusal reason of ingest has a test that produces it (ocfl-py style rule table)."""

from __future__ import annotations

from pathlib import Path

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

# codes of the other stages (check engine, audits, package, transfer, seals): their own tests
OTHER_STAGES = {code for code, entry in finding_codes().items() if entry.stage != "ingest"}


def test_each_code_is_exercised_by_an_ingest_test() -> None:
    # the ingest tests, and those that drive the pipeline through the application
    tests = [*HERE.glob("test_*.py"), *(HERE.parent / "earchive" / "core").glob("test_ingest_*.py")]
    text = "".join(p.read_text(encoding="utf-8") for p in tests if p != Path(__file__))
    missing = sorted(
        code
        for code in finding_codes()
        if code not in NOT_INGEST_REFUSALS | OTHER_STAGES and f'"{code}' not in text
    )
    assert missing == []

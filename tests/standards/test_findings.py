"""The finding-code table and ``make``."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

from standards.errors import FindingTemplateError, UnknownFindingCodeError
from standards.finding import Status
from standards.findings import finding_code, finding_codes, make

ROOT = Path(__file__).resolve().parents[2]


def _gd_indicators() -> set[str]:
    path = ROOT / "standards" / "data" / "dat70-indicators.tsv"
    with path.open(encoding="utf-8") as fh:
        return {f"{r['stage']}-{r['code']}" for r in csv.DictReader(fh, delimiter="\t")}


def test_every_row_is_complete_and_tied_to_a_real_indicator() -> None:
    indicators = _gd_indicators()
    assert len(finding_codes()) >= 50
    for entry in finding_codes().values():
        assert entry.zh and entry.en and entry.note, entry.code
        assert entry.dat70 == "" or entry.dat70 in indicators, entry.code
        assert entry.placeholders == {
            f for f in entry.placeholders if f.isidentifier() and f != "zh"
        }


def test_refusal_codes_have_an_indicator() -> None:
    # check-engine codes get the indicator of the item they run under; the others name theirs:
    # ingest refusals are GD, audits and AIP verification BC, transfer YJ
    prefix = {"ingest": "GD-", "audit": "BC-", "package": "BC-", "transfer": "YJ-", "seal": "GD-"}
    for entry in finding_codes().values():
        if entry.status is Status.FAIL and entry.stage != "check":
            assert entry.dat70.startswith(prefix[entry.stage]), entry.code


def test_make_fills_both_languages_and_keeps_evidence() -> None:
    finding = make(
        "FILE_SM3_MISMATCH", path="A/x.pdf", expected="aa", found="bb", tool="package.digest"
    )
    assert finding.code == "FILE_SM3_MISMATCH"
    assert finding.status is Status.FAIL
    assert finding.dat70 == "GD-1-1"
    assert finding.message == "SM3 digest differs from the declared one: A/x.pdf"
    assert finding.detail["zh"] == "SM3 摘要不一致：A/x.pdf"
    assert (finding.path, finding.expected, finding.found, finding.tool) == (
        "A/x.pdf",
        "aa",
        "bb",
        "package.digest",
    )


def test_make_uses_the_table_status_unless_told() -> None:
    assert make("TASK_UNKNOWN", task="X").status is Status.WARN
    assert make("TASK_UNKNOWN", Status.FAIL, task="X").status is Status.FAIL
    finding = make("XML_SCHEMA", line=3, error="bad")
    assert finding.message == "case.xml does not follow the schema (line 3): bad"
    assert finding.detail == {"line": "3", "error": "bad", "zh": finding.detail["zh"]}


def test_unknown_code_and_missing_placeholder_raise_project_errors() -> None:
    with pytest.raises(UnknownFindingCodeError):
        make("NO_SUCH_CODE")
    with pytest.raises(UnknownFindingCodeError):
        finding_code("no_such_code")
    with pytest.raises(FindingTemplateError):
        make("XML_SCHEMA", line=3)
    with pytest.raises(FindingTemplateError):
        make("FILE_EMPTY", zh="x")


def _codes_used_in(package: str) -> set[str]:
    used: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "make"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                used.add(node.args[0].value)
    return used


def test_every_code_the_ingest_stage_uses_is_in_the_table() -> None:
    used = _codes_used_in("ingest")
    assert {"ZIP_SLIP", "XML_SCHEMA", "FILE_SM3_MISMATCH"} <= used
    assert used <= set(finding_codes())

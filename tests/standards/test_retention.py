"""Retention per service item: versioned rule table, first match wins, default rule."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from standards.case import Applicant, CaseRecord, Step
from standards.errors import RetentionTableError
from standards.retention import RetentionDecision, RetentionTable, retention_years

TZ = timezone(timedelta(hours=8))
WHEN = datetime(2024, 3, 1, 9, 0, tzinfo=TZ)


def case(task_code: str = "QY-SL-001", result: str = "准予") -> CaseRecord:
    return CaseRecord(
        electronic_record_code="X1",
        region_code="310115",
        fonds_identifier="S001",
        fonds_name="f",
        organization_code="DJK",
        task_code=task_code,
        task_name="t",
        task_type="行政许可",
        project_id="p",
        project_name="n",
        accept_number="a",
        applicant=Applicant("某公司", "法人", "统一社会信用代码", "91350100M000100Y43"),
        receive_department="d",
        receive_time=WHEN,
        transact_time=WHEN,
        result=result,
        security_classification="公开",
        sharing="01",
        source_system="s",
        submitted_at=WHEN,
        process=(Step("2", "a", "d", WHEN), Step("4", "a", "d", WHEN)),
        files=(),
        declared_file_count=0,
    )


@pytest.mark.parametrize(
    ("task", "code", "years"),
    [
        ("QY-SL-001", "Y", None),
        ("BDC-DJ-005", "Y", None),
        ("JS-GH-006", "Y", None),
        ("CS-YX-004", "Y", None),
        ("SP-JY-002", "D30", 30),
        ("SB-CB-007", "D30", 30),
        ("JZ-BL-003", "D10", 10),
    ],
)
def test_shipped_table_per_item(task: str, code: str, years: int | None) -> None:
    table = RetentionTable.load()
    decision = table.retention_for(case(task))
    assert (decision.code, decision.years) == (code, years)
    assert decision.rule_id == f"R-{task}"
    assert decision.table_version == table.table_version == "2024.1"


@pytest.mark.parametrize("result", ["不予", "退回", "撤回"])
def test_refusals_are_kept_ten_years_whatever_the_item(result: str) -> None:
    decision = RetentionTable.load().retention_for(case("QY-SL-001", result))
    assert decision == RetentionDecision("D10", 10, "R-REFUSED", "2024.1")


def test_unknown_item_takes_the_default_rule() -> None:
    decision = RetentionTable.load().retention_for(case("XX-UNKNOWN"))
    assert (decision.code, decision.rule_id) == ("D30", "R-DEFAULT")


def _table(rules: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {
        "table_version": "t1",
        "effective_date": "2025-01-01",
        "rules": rules,
        "default": {"id": "D", "retention": "D30"},
        **extra,
    }


def test_first_matching_rule_wins_and_conditions_use_nested_fields() -> None:
    table = RetentionTable.from_mapping(
        _table(
            [
                {
                    "id": "natural",
                    "task_code": "*",
                    "when": {"applicant.type": ["自然人"]},
                    "retention": "D10",
                },
                {"id": "item", "task_code": "QY-SL-001", "retention": "Y"},
                {"id": "late", "task_code": "QY-SL-001", "retention": "D30"},
            ]
        )
    )
    company = case()
    person = replace(company, applicant=replace(company.applicant, type="自然人"))
    assert table.retention_for(company).rule_id == "item"
    assert table.retention_for(person).rule_id == "natural"
    assert table.effective_date.isoformat() == "2025-01-01"


@pytest.mark.parametrize(
    "raw",
    [
        _table([{"id": "a", "task_code": "X", "retention": "P"}]),
        _table([{"id": "a", "task_code": "X", "retention": "Y", "when": {"colour": ["red"]}}]),
        _table([{"id": "a", "task_code": "X", "retention": "Y", "when": {"result": "准予"}}]),
        _table([{"id": "D", "task_code": "X", "retention": "Y"}]),
        _table([{"task_code": "X", "retention": "Y"}]),
        _table([], effective_date="soon"),
        _table([], table_version=""),
        {"table_version": "t", "effective_date": "2025-01-01", "rules": []},
        [],
    ],
)
def test_broken_tables_are_refused(raw: object) -> None:
    with pytest.raises(RetentionTableError):
        RetentionTable.from_mapping(raw)


def test_retention_years() -> None:
    assert retention_years("Y") is None
    assert retention_years("D30") == 30
    with pytest.raises(RetentionTableError):
        retention_years("D0")

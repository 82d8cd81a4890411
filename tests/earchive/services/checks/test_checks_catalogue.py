"""The DA/T 70 catalogue as data, its generated doc table, and the engine's never-PASS rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from earchive.services.checks.service import CheckOptions, check_archive
from preservation.checks import registry
from preservation.checks.doc import items_markdown
from standards.dat70 import STAGES, Mode, dat70_indicators, dat70_items
from standards.finding import Status
from tests.earchive.services.checks.check_cases import Home, find_file

ROOT = Path(__file__).resolve().parents[4]


def test_every_indicator_has_items_and_49_indicators() -> None:
    indicators = dat70_indicators()
    assert len(indicators) == 49
    assert {i.indicator for i in dat70_items().values()} == set(indicators)


def test_non_automatic_items_give_a_reason() -> None:
    for item in dat70_items().values():
        assert item.mode is Mode.AUTOMATIC or item.reason


def test_every_automatic_item_has_a_check_and_nothing_else_does() -> None:
    items, checks = dat70_items(), registry()
    automatic = {code for code, item in items.items() if item.mode is Mode.AUTOMATIC}
    assert automatic == set(checks)


def test_generated_doc_is_current() -> None:
    doc = (ROOT / "docs" / "dat70-items.md").read_text(encoding="utf-8")
    assert doc == items_markdown(), "run: python -m preservation.checks.doc > docs/dat70-items.md"


@pytest.mark.parametrize("stage", [s.lower() for s in STAGES])
def test_no_engine_no_pass_and_every_item_answers(stage: str, home: Home) -> None:
    result = home.ingest(find_file(home, "", True, "PDF")[0])
    run = check_archive(home.archive, result.id, stage, CheckOptions(antivirus=None))
    virus = [r.finding for r in run.results if r.item.endswith(("-4-1-1", "-4-1-2"))]
    assert virus and all(f.status is Status.MANUAL_REVIEW for f in virus)
    expected = {code for code, item in dat70_items().items() if item.stage == stage.upper()}
    answered = {r.item for r in run.results if r.finding.message}
    assert answered == expected
    for r in run.results:
        assert r.finding.dat70 == dat70_items()[r.item].indicator
        if dat70_items()[r.item].mode is not Mode.AUTOMATIC:
            assert r.finding.status is not Status.PASS

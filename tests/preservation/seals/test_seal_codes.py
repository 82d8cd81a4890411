"""The seal finding codes are data ready for the findings table."""

from __future__ import annotations

import re

from preservation.seals import codes as c
from standards.finding import Status


def test_rows_are_tsv_ready_and_complete() -> None:
    names = [row[0] for row in c.FINDING_ROWS]
    assert len(names) == len(set(names))
    constants = {v for k, v in vars(c).items() if k.startswith("OFD_") and isinstance(v, str)}
    assert constants == set(names)
    for code, status, dat70, zh, en, note in c.FINDING_ROWS:
        assert re.fullmatch(r"OFD_[A-Z_]+", code)
        assert isinstance(status, Status) and dat70 == "GD-1-1"
        for text in (zh, en, note):
            assert "\t" not in text and "\n" not in text
        values = {"path": "p", "expected": "e", "found": "f", "reason": "r"}
        zh.format_map(values), en.format_map(values)


def test_pass_messages_replace_the_problem_text() -> None:
    passed = c.finding(c.OFD_SEAL_EXPIRED, Status.PASS, path="Signature.xml")
    failed = c.finding(c.OFD_SEAL_EXPIRED, path="Signature.xml")
    assert failed.status is Status.FAIL and "expired" in failed.message
    assert passed.status is Status.PASS and "not expired" in passed.message
    assert passed.dat70 == "GD-1-1" and passed.tool == c.TOOL and "zh" in passed.detail

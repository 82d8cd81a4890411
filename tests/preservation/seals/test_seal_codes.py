"""The seal finding codes are rows of the one finding table (stage ``seal``), each made the one
way, with a PASS wording where the problem text would read wrong."""

from __future__ import annotations

import re

from preservation.seals import codes as c
from standards.finding import Status
from standards.findings import finding_codes


def test_every_seal_code_is_a_row_of_the_table() -> None:
    constants = {v for k, v in vars(c).items() if k.startswith("OFD_") and isinstance(v, str)}
    rows = {code: entry for code, entry in finding_codes().items() if entry.stage == "seal"}
    assert constants == set(rows)
    for code, entry in rows.items():
        assert re.fullmatch(r"OFD_[A-Z_]+", code)
        assert entry.dat70 == "GD-1-1" and entry.zh and entry.en and entry.note
        values = {"path": "p", "expected": "e", "found": "f", "reason": "r"}
        entry.zh.format_map(values), entry.en.format_map(values)
    assert set(c.PASS_MESSAGES) <= set(rows)


def test_pass_messages_replace_the_problem_text() -> None:
    passed = c.finding(c.OFD_SEAL_EXPIRED, Status.PASS, path="Signature.xml")
    failed = c.finding(c.OFD_SEAL_EXPIRED, path="Signature.xml")
    assert failed.status is Status.FAIL and "expired" in failed.message
    assert passed.status is Status.PASS and "not expired" in passed.message
    assert passed.dat70 == "GD-1-1" and passed.tool == c.TOOL and "zh" in passed.detail

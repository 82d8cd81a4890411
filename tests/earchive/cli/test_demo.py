"""``earchive demo`` — the main job — on a few cases, without serving: sample cases generated,
ingested, 四性-checked, searchable, a transfer package of one unit signed off, signed by the
unit's certificate and accepted by the bureau's check; run twice on the same home, the second
run adds nothing and what the first signed still verifies."""

from __future__ import annotations

import json

from tests.earchive.conftest import Cli


def test_demo_end_to_end_and_again(cli: Cli) -> None:
    first = cli.run("demo", "--cases", "4", "--no-serve")
    text = first.stdout
    assert "archive holds 4 archives" in text, text
    assert "四性检测" in text and "the bureau's check of that package: accepted" in text
    assert "signed off" in text and "demo-admin" in text
    hits = cli.json_lines("search", "申请")
    assert hits, "the demo's archives are searchable"
    second = cli.run("demo", "--cases", "4", "--no-serve")
    assert "archive holds 4 archives" in second.stdout  # nothing ingested twice
    audit = cli.json_lines("audit")
    assert audit and not [f for f in audit if f.get("status") == "FAIL"]
    first_id = str(hits[0]["id"])
    checks = cli.json_lines("check", first_id, "--stage", "bc")
    untrusted = [c for c in checks if c.get("finding") == "AIP_SIGNATURE_UNTRUSTED"]
    assert not untrusted, json.dumps(untrusted[:1], ensure_ascii=False)

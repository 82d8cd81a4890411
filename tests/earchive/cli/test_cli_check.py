"""``earchive check``: JSON lines per finding, exit codes, and the JSON/HTML/PDF report."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.earchive.conftest import Cli


def _ids(cli: Cli, zips: list[Path]) -> list[str]:
    return [r["id"] for r in cli.json_lines("ingest", *map(str, zips))]  # type: ignore[misc]


def test_check_json_report_and_exit_codes(cli: Cli, sample_cases: Path, tmp_path: Path) -> None:
    env = {"EARCHIVE_TRUST_DIR": str(sample_cases / "trust")}
    zips = sorted(sample_cases.glob("*.zip"))[:2]
    ids = _ids(cli, zips)
    lines = cli.json_lines("check", ids[0], "--stage", "gd", extra_env=env)
    assert lines and all({"id", "code", "status", "message"} <= set(x) for x in lines)
    assert {x["id"] for x in lines} == {ids[0]}
    assert any(x["code"] == "GD-2-1-1" and x["finding"] == "REGISTRATION_MATCH" for x in lines)
    assert not [x for x in lines if x["status"] == "FAIL"]
    assert all(x["status"] != "PASS" for x in lines if x["code"].startswith("GD-4-1"))

    report = tmp_path / "report"
    cli.run("check", "--all", "--stage", "bc", "--report", str(report), extra_env=env)
    data = json.loads((report / "batch.json").read_text(encoding="utf-8"))
    assert len(data["runs"]) == 2 and data["registration_forms"]
    assert "四性检测报告" in (report / "batch.html").read_text(encoding="utf-8")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", str(report / "batch.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        assert "电子档案四性检测报告" in text and "归档登记表" in text


def test_check_fails_with_exit_1_and_usage_with_2(cli: Cli, sample_cases: Path) -> None:
    ids = _ids(cli, sorted(sample_cases.glob("*.zip"))[:1])
    assert cli.run("check", "--stage", "xx", ids[0], check=False).returncode == 2
    assert cli.run("check", "no-such-archive", check=False).returncode == 1
    proc = cli.run("check", ids[0], "--stage", "bc", "--json", check=False)
    assert proc.returncode in (0, 1)
    statuses = {json.loads(line)["status"] for line in proc.stdout.splitlines()}
    assert proc.returncode == (1 if "FAIL" in statuses else 0)

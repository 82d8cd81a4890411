"""Statistics through the real app and the command line: the page (SVG charts of holdings by
year and 事项, the numbers beside them), ``GET /api/statistics`` over what the caller may see,
the annual summary as PDF and XLSX, and ``earchive stats --json``."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
import sys
from collections import Counter

from openpyxl import load_workbook

from tests.earchive.web.conftest import ClientFactory, Web


def test_statistics_page_and_api(work_client: ClientFactory, work_web: Web) -> None:
    archivist = work_client("archivist")
    years = Counter(str(r.year) for r in work_web.records)
    tasks = Counter(r.task_name for r in work_web.records)
    page = archivist.get("/statistics").text
    assert 'data-testid="stats-total">24<' in page
    year_chart = page.split('data-chart="year"')[1].split("</svg>")[0]
    shown = dict(re.findall(r'data-label="(\d{4})" data-value="(\d+)"', year_chart))
    assert {k: int(v) for k, v in shown.items()} == dict(years)
    task_chart = page.split('data-chart="task"')[1].split("</svg>")[0]
    labels = dict(re.findall(r'data-label="([^"]+)" data-value="(\d+)"', task_chart))
    assert {k: int(v) for k, v in labels.items()} == dict(tasks)
    assert 'role="img"' in year_chart and "<title" in year_chart and "style=" not in page
    body = archivist.get("/api/statistics?year=2026").json()
    assert body["total"] == 24 and body["by_year"]["counts"] == {k: years[k] for k in sorted(years)}
    assert body["annual"]["ingested"]["items"] == 24
    assert sum(r["items"] for r in body["annual"]["holdings"]) == 24
    # a department user counts only its own fonds, and no storage-wide figures
    dept = work_client("dept-g").get("/api/statistics").json()
    mine = [r for r in work_web.records if r.fonds_identifier == "G002" and
            r.security_classification == "公开"]  # fmt: skip
    assert dept["total"] == len(mine) and dept["fixity_by_month"] == {}


def test_annual_summary_files(work_client: ClientFactory) -> None:
    archivist = work_client("archivist")
    pdf = archivist.get("/statistics/annual.pdf?year=2026")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True,
                              check=True).stdout.decode()  # fmt: skip
        for heading in (
            "馆藏档案",
            "本年度归档",
            "向档案馆移交",
            "档案利用",
            "鉴定与销毁",
            "固定性审计",
        ):
            assert heading in text
    book = load_workbook(io.BytesIO(archivist.get("/statistics/annual.xlsx?year=2026").content))
    assert book.sheetnames[0].startswith("馆藏档案") and len(book.sheetnames) == 8
    rows = [[c.value for c in r] for r in book.worksheets[0].iter_rows()]
    assert rows[0] == ["年度", "保管期限", "密级", "件数", "数据量 (GB)"] and rows[-1][3] == 24


def test_stats_command(work_web: Web, tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path_factory.mktemp("stats")
    done = subprocess.run(
        [sys.executable, "-m", "earchive", "stats", "--json", "--year", "2026",
         "--xlsx", str(out / "annual.xlsx")],
        env={**__import__("os").environ, "EARCHIVE_HOME": str(work_web.home)},
        capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["total"] == 24 and body["annual"]["year"] == 2026
    assert (out / "annual.xlsx").stat().st_size > 0


def test_appraisal_counts_retention_ended_by_the_year(
    work_client: ClientFactory, work_web: Web
) -> None:
    """鉴定: archives kept here, counted from their appraisal date (D10 of 2023: 2034)."""
    archivist = work_client("archivist")
    kept = [r for r in work_web.records if r.retention == "D10"]
    assert kept and {r.year for r in kept} == {2023}
    assert archivist.get("/api/statistics?year=2033").json()["annual"]["appraisal_due"] == 0
    assert archivist.get("/api/statistics?year=2034").json()["annual"]["appraisal_due"] == len(kept)


def test_use_is_counted_by_purpose(work_client: ClientFactory, work_web: Web) -> None:
    """利用: 件次 = distinct (user, archive, day), 人次 = distinct (user, day), per purpose."""
    reader = work_client("auditor")
    for record in work_web.records[:2]:
        for _ in range(2):  # the same archive twice the same day is one 件次
            assert reader.get(f"/archives/{record.id}?purpose=年度核查").status_code == 200
    year = work_web.archive.clock().year
    use = work_client("archivist").get(f"/api/statistics?year={year}").json()["annual"]
    assert {"purpose": "年度核查", "visits": 1, "items": 2} in use["use_by_purpose"]

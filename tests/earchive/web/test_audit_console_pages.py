"""The auditor's event log (paged, sorted, filtered by date range, type, actor and archive, with
Chinese labels; CSV export; the printable report as a PDF) and the console's quarantine (sorted
and paged, reasons in words, delete and resubmit, one grouped reminder), through the real app."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import pytest
from fastapi.testclient import TestClient

from tests.earchive.web.conftest import ClientFactory, Web


def _seqs(page: str) -> list[int]:
    return [int(s) for s in re.findall(r'<tr class="outcome-[^"]*" data-seq="(\d+)"', page)]


def test_event_log_pages_sorts_and_filters(client_for: ClientFactory, web: Web) -> None:
    auditor = client_for("auditor")
    archivist = client_for("archivist")
    for _ in range(16):  # access events of a known actor (with the ingests: more than 20)
        assert archivist.get(f"/archives/{web.records[0].id}").status_code == 200
    newest = auditor.get("/audit?size=10").text
    seqs = _seqs(newest)
    assert len(seqs) == 10 and seqs == sorted(seqs, reverse=True)
    oldest = _seqs(auditor.get("/audit?size=10&sort=seq").text)
    assert oldest == sorted(oldest) and oldest[0] == 1
    page2 = _seqs(auditor.get("/audit?size=10&sort=seq&page=2").text)
    assert page2 == list(range(11, 21))
    ingests = auditor.get("/audit?action=ingest&size=50").text
    assert set(re.findall(r'data-action="([a-z_]+)"', ingests)) == {"ingest"}
    assert "归档接收" in ingests and '<option value="ingest" selected>' in ingests
    mine = auditor.get(f"/audit?action=access&object={web.records[0].id}&size=50").text
    assert _seqs(mine) and "用户：archivist" in mine  # details with Chinese labels
    none = auditor.get("/audit?since=2001-01-01&until=2001-01-02").text
    assert _seqs(none) == []
    bad = auditor.get("/audit?since=yesterday")
    assert bad.status_code == 422 and "起始日期 (since)" in bad.text


def test_event_export_and_report(client_for: ClientFactory, web: Web) -> None:
    auditor = client_for("auditor")
    csv = auditor.get("/audit/events.csv?action=ingest").content.decode("utf-8-sig")
    lines = csv.strip().splitlines()
    assert lines[0].startswith("序号,时间,主体,动作") and len(lines) - 1 >= len(web.records)
    assert all(",归档接收," in line for line in lines[1:])
    pdf = auditor.get("/audit/report.pdf?action=ingest")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf.content, capture_output=True,
                              check=True).stdout.decode()  # fmt: skip
        assert "审计报告" in text and "归档接收" in text
    assert client_for("dept-g").get("/audit/report.pdf").status_code == 403


def _refuse(client: TestClient, name: str) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("readme.txt", "not a case package")
    answer = client.post(
        "/api/cases", files={"package": (name, buffer.getvalue(), "application/zip")}
    )
    assert answer.status_code == 422


@pytest.mark.parametrize("count", [3])
def test_quarantine_console(client_for: ClientFactory, count: int) -> None:
    archivist = client_for("archivist")

    def listed() -> list[str]:
        page = archivist.get("/console?size=100&sort=source").text
        return re.findall(r'data-testid="quarantined" data-name="([^"]+)"', page)

    before = set(listed())
    for n in range(count):
        _refuse(archivist, f"refused-{n}.zip")
    after = listed()
    names = [n for n in after if n not in before]
    assert len(names) == count
    feed = archivist.get("/api/reminders").json()["reminders"]
    grouped = [r for r in feed if r["kind"] == "quarantine_open"]
    assert len(grouped) == 1  # one line for them all
    assert grouped[0]["message_zh"].startswith(f"{len(after)} 个办件包被拒收")
    page = archivist.get("/console?size=100&sort=source").text
    shown = re.findall(r"<summary><strong>(refused-\d\.zip)</strong>", page)
    assert shown == [f"refused-{n}.zip" for n in range(count)]
    reasons = re.findall(r'<td class="reason">([^<]+)</td>', page)
    assert reasons and all(re.search(r"[\u4e00-\u9fff]", r) for r in reasons)  # in words
    exported = archivist.get("/console/quarantine.csv?sort=source").content.decode("utf-8-sig")
    lines = exported.strip().splitlines()
    assert lines[0] == "拒收时间,办件包,电子文件号,拒收原因,代码"
    ours = [line.split(",") for line in lines[1:] if ",refused-" in line]
    assert [r[1] for r in ours] == [f"refused-{n}.zip" for n in range(count)]
    assert all(re.search(r"[\u4e00-\u9fff]", r[3]) for r in ours)
    gone = archivist.post(f"/console/quarantine/{names[0]}/delete", data={"reason": "测试删除"},
                          follow_redirects=False)  # fmt: skip
    assert gone.status_code == 303 and gone.headers["location"].startswith("/console?done=deleted")
    again = archivist.post(f"/console/quarantine/{names[1]}/resubmit", follow_redirects=True)
    assert again.status_code == 200 and "已重新提交：被拒收" in again.text
    short = archivist.post(f"/console/quarantine/{names[2]}/delete", data={"reason": "x"})
    assert short.status_code == 422 and "理由 (reason)" in short.text

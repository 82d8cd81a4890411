"""Batch work and the transfer page through the real app: chosen archives re-checked, exported
and added to the transfer batch being prepared, each as a job whose page shows its progress; the
transfer plan filtered, sorted and paged, its status counts adding up, its 移交清单 as XLSX/PDF."""

from __future__ import annotations

import io
import re
import time
import zipfile

from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.earchive.web.conftest import ClientFactory, Web


def _job_done(client: TestClient, location: str) -> str:
    deadline = time.monotonic() + 60
    while True:
        page = client.get(location).text
        status = re.search(r'data-testid="job" data-status="([a-z]+)"', page)
        assert status is not None, page[:2000]
        if status.group(1) not in ("queued", "running"):
            return page
        assert time.monotonic() < deadline, "the batch job did not end"
        time.sleep(0.2)


def test_batch_recheck_runs_as_a_job_with_progress(
    work_client: ClientFactory, work_web: Web
) -> None:
    archivist = work_client("archivist")
    ids = [r.id for r in work_web.records[:3]]

    def gd_runs(archive_id: str) -> int:
        runs = archivist.get(f"/api/archives/{archive_id}/checks").json()
        return sum(1 for r in runs if r["stage"] == "GD")

    before = {i: gd_runs(i) for i in ids}
    started = archivist.post("/batch", data={"action": "recheck", "ids": ids},
                             follow_redirects=False)  # fmt: skip
    assert started.status_code == 303 and started.headers["location"].startswith("/jobs/")
    page = _job_done(archivist, started.headers["location"])
    assert 'data-status="done"' in page and "已处理 3 / 3 件" in page
    assert page.count('href="/archives/') == 3
    job = archivist.get("/api/jobs/" + started.headers["location"].rsplit("/", 1)[1]).json()
    assert job["result"]["done"] == 3 and {i["id"] for i in job["result"]["items"]} == set(ids)
    assert {i: gd_runs(i) for i in ids} == {i: n + 1 for i, n in before.items()}
    # a role without the permission gets no such action and a 403
    dept = work_client("dept-g")
    assert 'value="recheck"' not in dept.get("/").text
    assert dept.post("/batch", data={"action": "recheck", "ids": ids[:1]}).status_code == 403
    none = archivist.post("/batch", data={"action": "recheck"})
    assert none.status_code == 400 and "请先勾选" in none.text


def test_batch_export_and_print(work_client: ClientFactory, work_web: Web) -> None:
    archivist = work_client("archivist")
    ids = [r.id for r in work_web.records[3:5]]
    started = archivist.post("/batch", data={"action": "bagit", "ids": ids},
                             follow_redirects=False)  # fmt: skip
    page = _job_done(archivist, started.headers["location"])
    assert 'data-testid="job-download"' in page
    download = archivist.get(started.headers["location"] + "/download")
    assert download.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert {n.split("/")[0] for n in names} == set(ids)
    assert any(n.endswith("bagit.txt") for n in names)
    # someone else cannot fetch it
    other = work_client("admin")
    assert other.get(started.headers["location"] + "/download").status_code == 404
    # the same two as EEP (DA/T 48) packages, signed with the archive's certificate
    eep = archivist.post("/batch", data={"action": "eep", "ids": ids}, follow_redirects=False)
    assert 'data-testid="job-download"' in _job_done(archivist, eep.headers["location"])
    packed = zipfile.ZipFile(
        io.BytesIO(archivist.get(eep.headers["location"] + "/download").content)
    )
    assert {n.split("/")[0] for n in packed.namelist()} == set(ids)
    assert all(any(n.startswith(i) and n.endswith(".xml") for n in packed.namelist()) for i in ids)
    printed = archivist.post("/batch", data={"action": "print", "ids": ids})
    assert printed.status_code == 200 and 'data-testid="print-list"' in printed.text
    for r in work_web.records[3:5]:
        assert r.archival_code in printed.text


def test_transfer_page_counts_filters_sorts_and_lists(
    work_client: ClientFactory, work_web: Web
) -> None:
    archivist = work_client("archivist")
    page = archivist.get("/transfers?size=10").text
    counts = dict(re.findall(r'data-count="([a-z_]+)">[^<]*<strong>(\d+)</strong>', page))
    total = int(counts.pop("total"))
    assert total == len(work_web.records) == sum(int(n) for n in counts.values())
    assert page.count('<tr class="plan-') == 10 and 'data-testid="pager-plan"' in page
    by_code = archivist.get("/transfers?sort=code&size=100").text
    codes = re.findall(r'data-code="([^"]+)" data-deadline', by_code)
    assert codes == sorted(r.archival_code for r in work_web.records)
    down = re.findall(
        r'data-code="([^"]+)" data-deadline', archivist.get("/transfers?sort=-code&size=100").text
    )
    assert down == codes[::-1]
    status, n = next((s, int(n)) for s, n in counts.items() if int(n))
    only = archivist.get(f"/transfers?status={status}&size=100").text
    assert set(re.findall(r'data-status="([a-z_]+)" data-code', only)) == {status}
    assert len(re.findall(r'data-status="[a-z_]+" data-code', only)) == n
    book = load_workbook(io.BytesIO(archivist.get("/transfers/list.xlsx?sort=code").content))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows[0][:3] == ["序号", "档号", "题名"] and [r[1] for r in rows[1:]] == codes
    pdf = archivist.post("/transfers/chosen", data={"what": "pdf", "ids": [work_web.records[0].id]})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # the batch being prepared: add two, see them, empty it
    ids = [r.id for r in work_web.records[:2]]
    started = archivist.post("/transfers/chosen", data={"what": "draft", "ids": ids},
                             follow_redirects=False)  # fmt: skip
    _job_done(archivist, started.headers["location"])
    draft = archivist.get("/transfers").text.split('data-testid="draft"')[1].split("</section>")[0]
    assert all(r.archival_code in draft for r in work_web.records[:2])
    archivist.post("/transfers/draft/clear")
    assert "待移交批次为空" in archivist.get("/transfers").text

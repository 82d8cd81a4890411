"""The working lists in a real headless Chromium (Selenium, Debian's chromium and chromedriver):
search, quarantine, event log and transfer plan each sort and page through their links, the
search exports as CSV and XLSX download exactly the rows the user sees (masked for a department
user), and a batch re-check of the chosen hits runs as a job whose page shows its progress."""

from __future__ import annotations

import csv
import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.earchive.web.browser_support import serving
from tests.earchive.web.conftest import Web
from tests.earchive.web.selenium_support import (
    NO_BROWSER,
    browser,
    downloaded,
    full_screenshot,
    login,
    screenshot_folder,
    wait_for,
)

pytestmark = NO_BROWSER
By = pytest.importorskip("selenium.webdriver.common.by").By
from selenium.webdriver.support import expected_conditions  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def base_url(work_web: Web, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``work_web`` served, with a dozen refused packages in its quarantine."""
    folder = tmp_path_factory.mktemp("refused")
    for n in range(12):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as zf:
            zf.writestr("readme.txt", f"not a case package {n}")
        (folder / f"refused-{n:02d}.zip").write_bytes(buffer.getvalue())
    list(work_web.archive.ingest([folder]))
    app = work_web.app()
    with serving(app) as url:
        yield url
    app.state.jobs.close()


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(downloads: Path) -> Iterator[Any]:
    with browser(downloads) as d:
        yield d


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_folder(tmp_path_factory, "list-shots")


def _texts(driver: Any, css: str, attribute: str) -> list[str]:
    return [e.get_attribute(attribute) for e in driver.find_elements(By.CSS_SELECTOR, css)]


def _click(driver: Any, css: str) -> None:
    """Click ``css`` and wait until the next page has replaced this one."""
    old = driver.find_element(By.CSS_SELECTOR, "main")
    driver.find_element(By.CSS_SELECTOR, css).click()
    WebDriverWait(driver, 15).until(expected_conditions.staleness_of(old))


def test_each_list_sorts_and_pages(driver: Any, base_url: str, work_web: Web) -> None:
    login(driver, base_url, "archivist")
    every = sorted(r.archival_code for r in work_web.records)
    # search: 档号 ascending, then descending, 10 a page, the second page by the pager
    driver.get(f"{base_url}/?size=10")
    _click(driver, "[data-testid=search-sorts] a[data-sort=code]")
    assert _texts(driver, "[data-testid=hit]", "data-code") == every[:10]
    _click(driver, "[data-testid=search-sorts] a[data-sort=code]")
    assert _texts(driver, "[data-testid=hit]", "data-code") == every[::-1][:10]
    _click(driver, "[data-testid=next-search]")
    assert _texts(driver, "[data-testid=hit]", "data-code") == every[::-1][10:20]
    assert "page=2" in driver.current_url and "sort=-code" in driver.current_url
    # the page jump keeps the order
    field = driver.find_element(By.CSS_SELECTOR, "[data-testid=jump-search] input[name=page]")
    field.clear()
    field.send_keys("3")
    _click(driver, "[data-testid=jump-search] button")
    assert _texts(driver, "[data-testid=hit]", "data-code") == every[::-1][20:]
    # quarantine: by package name, 10 a page, two pages
    driver.get(f"{base_url}/console")
    _click(driver, "[data-testid=quarantine-sorts] a[data-sort=source]")
    first = driver.find_elements(By.CSS_SELECTOR, "[data-testid=quarantined] summary strong")
    assert [e.text for e in first] == [f"refused-{n:02d}.zip" for n in range(10)]
    _click(driver, "[data-testid=next-quarantine]")
    rest = driver.find_elements(By.CSS_SELECTOR, "[data-testid=quarantined] summary strong")
    assert [e.text for e in rest] == ["refused-10.zip", "refused-11.zip"]
    # transfer plan: by 档号 through its column header, then the next page
    driver.get(f"{base_url}/transfers?size=10")
    _click(driver, "[data-testid=transfer-plan] th a[data-sort=code]")
    assert _texts(driver, "[data-testid=transfer-plan] tbody tr", "data-code") == every[:10]
    _click(driver, "[data-testid=next-plan]")
    assert _texts(driver, "[data-testid=transfer-plan] tbody tr", "data-code") == every[10:20]
    # event log (the auditor's): oldest first by its column, then the next page
    login(driver, base_url, "auditor")
    driver.get(f"{base_url}/audit?size=10")
    _click(driver, "[data-testid=events] th a[data-sort=seq]")
    first_seqs = [int(s) for s in _texts(driver, "[data-testid=events] tbody tr", "data-seq")]
    assert first_seqs == list(range(1, 11))
    _click(driver, "[data-testid=next-events]")
    assert [int(s) for s in _texts(driver, "[data-testid=events] tbody tr", "data-seq")] == list(
        range(11, 21)
    )


def test_exports_download_what_the_user_sees(
    driver: Any, base_url: str, downloads: Path, work_web: Web
) -> None:
    login(driver, base_url, "archivist")
    driver.get(f"{base_url}/?sort=code&size=50")
    shown = _texts(driver, "[data-testid=hit]", "data-code")
    before = {p.name for p in downloads.iterdir()}
    driver.find_element(By.CSS_SELECTOR, "[data-testid=export-csv]").click()
    rows = list(
        csv.reader(io.StringIO(downloaded(downloads, ".csv", before).read_text("utf-8-sig")))
    )
    assert [r[0] for r in rows[1:]] == shown == sorted(r.archival_code for r in work_web.records)
    # the department user: its fonds only, natural persons' names masked as on its page
    login(driver, base_url, "dept-g")
    driver.get(f"{base_url}/?sort=code&size=50")
    codes = _texts(driver, "[data-testid=hit]", "data-code")
    names = [
        e.text.split(" ", 1)[1]
        for e in driver.find_elements(By.CSS_SELECTOR, "[data-testid=hit-applicant]")
    ]
    before = {p.name for p in downloads.iterdir()}
    driver.find_element(By.CSS_SELECTOR, "[data-testid=export-xlsx]").click()
    book = load_workbook(downloaded(downloads, ".xlsx", before))
    sheet = [[c.value for c in r] for r in book.active.iter_rows()][1:]
    assert [r[0] for r in sheet] == codes and [r[9] for r in sheet] == names
    mine = {r.archival_code: r for r in work_web.records if r.fonds_identifier == "G002"}
    assert set(codes) <= set(mine)
    people = [r for r in sheet if mine[r[0]].applicant_type == "自然人"]
    assert people and all(r[9] != mine[r[0]].applicant_name and r[9].endswith("*") for r in people)


def test_batch_recheck_runs_as_a_job(
    driver: Any, base_url: str, work_web: Web, shots: Path
) -> None:
    login(driver, base_url, "archivist")
    driver.get(f"{base_url}/?sort=code&size=10")
    boxes = driver.find_elements(By.CSS_SELECTOR, "input.batch-ids")
    for box in boxes[:3]:
        box.click()
    chosen = [b.get_attribute("value") for b in boxes[:3]]
    select = driver.find_element(By.CSS_SELECTOR, "[data-testid=batch-action]")
    select.find_element(By.CSS_SELECTOR, "option[value=recheck]").click()
    driver.find_element(By.CSS_SELECTOR, "[data-testid=batch-submit]").click()
    wait_for(driver, "[data-testid=job]")
    assert "/jobs/" in driver.current_url
    for _ in range(150):  # the page reloads itself every 2 s while the job runs
        status = driver.find_element(By.CSS_SELECTOR, "[data-testid=job]").get_attribute(
            "data-status"
        )
        if status == "done":
            break
        time.sleep(0.2)
    assert status == "done"
    assert driver.find_element(By.CSS_SELECTOR, "[data-testid=job-count]").text == "已处理 3 / 3 件"
    progress = driver.find_element(By.CSS_SELECTOR, "[data-testid=job-progress]")
    assert progress.get_attribute("value") == progress.get_attribute("max") == "3"
    linked = _texts(driver, "[data-testid=job-items] tbody a", "data-archive")
    assert sorted(linked) == sorted(chosen)
    full_screenshot(driver, shots / "job-desktop.png")
    # the same three as a printed list
    driver.get(f"{base_url}/?sort=code&size=10")
    for box in driver.find_elements(By.CSS_SELECTOR, "input.batch-ids")[:3]:
        box.click()
    select = driver.find_element(By.CSS_SELECTOR, "[data-testid=batch-action]")
    select.find_element(By.CSS_SELECTOR, "option[value=print]").click()
    driver.find_element(By.CSS_SELECTOR, "[data-testid=batch-submit]").click()
    wait_for(driver, "[data-testid=print-list]")
    rows = driver.find_elements(By.CSS_SELECTOR, "[data-testid=print-list] tbody tr")
    assert len(rows) == 3
    full_screenshot(driver, shots / "print-list-desktop.png")

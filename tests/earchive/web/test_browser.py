"""The web UI in a real headless Chromium (Debian's, driven by Playwright's sync API).

A uvicorn server on a free loopback port serves the session's small archive. Screenshots go to
a temporary folder (or ``EARCHIVE_SCREENSHOTS`` when set) for a person to look at.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from tests.earchive.web.conftest import Web, password

sync_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import BrowserContext, Page  # noqa: E402

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def base_url(web: Web) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(web.app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    chosen = os.environ.get("EARCHIVE_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=CHROMIUM_FLAGS,
            viewport={"width": 1366, "height": 900},
            accept_downloads=True,
            locale="zh-CN",
        )
        try:
            yield context
        finally:
            context.close()


def _login(page: Page, base_url: str, user: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base_url}/login")
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password(user))
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=who]")


def test_search_open_preview_and_download(
    browser: BrowserContext, base_url: str, web: Web, shots: Path
) -> None:
    page = browser.new_page()
    page.goto(f"{base_url}/archives/{web.one('G002').id}")
    assert "/login?next=" in page.url  # not logged in: the login page, then back here
    page.screenshot(path=str(shots / "01-login.png"))
    _login(page, base_url, "archivist")

    record = web.one("G002")
    keyword = record.task_name[:3]  # e.g. 居住证
    page.goto(base_url + "/")
    page.fill("input[name=q]", keyword)
    page.press("input[name=q]", "Enter")
    page.wait_for_selector("article.hit")
    assert int(page.inner_text("[data-testid=total]")) >= 1
    assert page.locator("p.snippet mark").count() >= 1
    assert page.locator("aside.facets section.facet").count() >= 5
    page.screenshot(path=str(shots / "02-search.png"), full_page=True)

    page.click(f"a.hit-title[href='/archives/{record.id}']")
    page.wait_for_selector("[data-testid=timeline] li")
    assert page.inner_text("[data-testid=case-title]") == record.project_name
    assert "*" not in page.inner_text("[data-testid=applicant-id]")  # archivists see it whole

    with page.expect_response(lambda r: "/files/" in r.url and r.status == 200) as seen:
        page.locator("button.preview[data-kind=pdf]").first.click()
    response = seen.value
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("inline")
    assert page.locator("#preview-frame").is_visible()
    page.wait_for_timeout(1200)  # let the PDF viewer paint for the screenshot
    page.screenshot(path=str(shots / "03-case-preview.png"), full_page=True)

    with page.expect_download() as info:
        page.locator("a.download").first.click()
    download = info.value
    data = Path(download.path()).read_bytes()
    first = web.archive.catalog.files(record.id)[0]
    assert download.suggested_filename == Path(first.path).name
    assert len(data) == first.size
    page.close()


def test_department_cannot_reach_other_fonds_and_sees_masked_ids(
    browser: BrowserContext, base_url: str, web: Web, shots: Path
) -> None:
    page = browser.new_page()
    _login(page, base_url, "dept-g")
    other = web.one("S001")
    response = page.goto(f"{base_url}/archives/{other.id}")
    assert response is not None and response.status == 404
    assert other.project_name not in page.content()
    page.screenshot(path=str(shots / "04-department-404.png"))

    own = web.one("G002")
    page.goto(f"{base_url}/archives/{own.id}")
    shown = page.inner_text("[data-testid=applicant-id]")
    assert "*" in shown
    page.goto(f"{base_url}/")
    assert int(page.inner_text("[data-testid=total]")) == 1
    page.goto(f"{base_url}/archives/{own.id}")
    page.click("text=EN")
    page.wait_for_selector("text=Handling timeline")
    page.screenshot(path=str(shots / "05-department-case-en.png"), full_page=True)
    page.click("text=中文")
    page.close()


def test_console_uploads_with_progress_and_auditor_sees_the_chain(
    browser: BrowserContext, base_url: str, web: Web, shots: Path, tmp_path: Path
) -> None:
    page = browser.new_page()
    _login(page, base_url, "archivist")
    page.goto(f"{base_url}/console")
    broken = tmp_path / "refused-in-browser.zip"
    broken.write_bytes(b"PK\x03\x04 truncated")
    duplicate = sorted(web.samples.glob("*.zip"))[1]
    page.set_input_files("#upload-files", [str(broken), str(duplicate)])
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("#upload-list[data-done=true]")
    statuses = page.eval_on_selector_all(
        "#upload-list li", "items => items.map(i => i.dataset.status)"
    )
    assert sorted(statuses) == ["200", "422"]
    assert "ZIP_CORRUPT" in page.inner_text("#upload-list")
    page.reload()
    assert "refused-in-browser.zip" in page.inner_text("main")
    page.screenshot(path=str(shots / "06-console.png"), full_page=True)

    _login(page, base_url, "auditor")
    page.goto(f"{base_url}/audit?action=access")
    assert "EVENT_LOG_INTACT" in page.inner_text("[data-testid=chain]")
    assert "user:dept-g" in page.inner_text("table.events")
    page.screenshot(path=str(shots / "07-audit.png"), full_page=True)
    page.close()

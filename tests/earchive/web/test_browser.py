"""The web UI in a real headless Chromium (Debian's, driven by Playwright's sync API).

A uvicorn server on a free loopback port serves the session's small archive. Screenshots go to
a temporary folder (or ``EARCHIVE_SCREENSHOTS`` when set) for a person to look at.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.earchive.web.browser_support import (
    NO_CHROMIUM,
    chromium,
    login,
    screenshot_folder,
    serving,
)
from tests.earchive.web.conftest import Web

sync_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import BrowserContext  # noqa: E402

pytestmark = NO_CHROMIUM


@pytest.fixture(scope="module")
def base_url(web: Web) -> Iterator[str]:
    with serving(web.app()) as url:
        yield url


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_folder(tmp_path_factory, "screenshots")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as context:
        yield context


def test_search_open_preview_and_download(
    browser: BrowserContext, base_url: str, web: Web, shots: Path
) -> None:
    page = browser.new_page()
    page.goto(f"{base_url}/archives/{web.one('G002').id}")
    assert "/login?next=" in page.url  # not logged in: the login page, then back here
    page.screenshot(path=str(shots / "01-login.png"))
    login(page, base_url, "archivist")

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
    login(page, base_url, "dept-g")
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
    login(page, base_url, "archivist")
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

    login(page, base_url, "auditor")
    page.goto(f"{base_url}/audit?action=access")
    assert "EVENT_LOG_INTACT" in page.inner_text("[data-testid=chain]")
    assert "user:dept-g" in page.inner_text("table.events")
    page.screenshot(path=str(shots / "07-audit.png"), full_page=True)
    page.close()


def test_api_docs_render_from_local_assets_under_the_csp(
    browser: BrowserContext, base_url: str, shots: Path
) -> None:
    page = browser.new_page()
    violations: list[str] = []
    outside: list[str] = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(base_url) else None)
    page.goto(f"{base_url}/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
    assert "earchive" in page.inner_text(".swagger-ui .info .title")
    assert page.locator(".opblock").count() >= 10  # the operations are listed
    page.screenshot(path=str(shots / "20-api-docs.png"))
    assert violations == [] and outside == []
    page.close()

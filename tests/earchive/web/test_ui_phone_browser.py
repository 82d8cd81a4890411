"""Phones, accessibility and the statistics page in a real headless Chromium (Selenium): at
390 px wide (Chrome's ``mobileEmulation``) no page scrolls sideways — search, case, console,
audit, transfers, statistics; axe-core finds no serious or critical violation on the main pages;
the statistics page charts the holdings by year and 事项. Each page is kept as a screenshot,
desktop and phone (``EARCHIVE_SCREENSHOTS`` to keep them)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.earchive.web.browser_support import serving
from tests.earchive.web.conftest import Web
from tests.earchive.web.selenium_support import (
    NO_BROWSER,
    axe_violations,
    browser,
    full_screenshot,
    login,
    screenshot_folder,
    wait_for,
)

pytestmark = NO_BROWSER
By = pytest.importorskip("selenium.webdriver.common.by").By

#: page name → (user, path); ``{case}`` is an archive of fonds G002.
PAGES = {
    "search": ("archivist", "/?sort=code"),
    "case": ("archivist", "/archives/{case}"),
    "console": ("archivist", "/console"),
    "audit": ("auditor", "/audit"),
    "transfers": ("archivist", "/transfers"),
    "statistics": ("archivist", "/statistics"),
    "search-department": ("dept-g", "/"),
    "applicants": ("archivist", "/applicants"),
    "objections": ("archivist", "/objections"),
}


@pytest.fixture(scope="module")
def base_url(work_web: Web) -> Iterator[str]:
    app = work_web.app()
    with serving(app) as url:
        yield url
    app.state.jobs.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_folder(tmp_path_factory, "ui-shots")


def _path(work_web: Web, page: str) -> str:
    case = next(r.id for r in work_web.records if r.fonds_identifier == "G002")
    return PAGES[page][1].replace("{case}", case)


def _visit(driver: Any, base_url: str, work_web: Web, page: str, who: list[str]) -> None:
    user = PAGES[page][0]
    if not who or who[-1] != user:
        login(driver, base_url, user)
        who.append(user)
    driver.get(base_url + _path(work_web, page))
    wait_for(driver, "main")


def test_phone_width_never_scrolls_sideways(
    base_url: str, work_web: Web, shots: Path, tmp_path: Path
) -> None:
    who: list[str] = []
    with browser(tmp_path, phone=True) as driver:
        for page in PAGES:
            _visit(driver, base_url, work_web, page, who)
            inner = driver.execute_script("return window.innerWidth")
            wide = driver.execute_script("return document.scrollingElement.scrollWidth")
            assert inner == 390, page
            assert wide <= inner, f"{page}: the page is {wide} px wide in a {inner} px window"
            full_screenshot(driver, shots / f"{page}-390.png", phone=True)
        # the header collapsed behind the menu button, which opens it
        driver.get(base_url + _path(work_web, "search"))
        assert driver.execute_script("return window.innerWidth") == 390
        toggle = driver.find_element(By.CSS_SELECTOR, "[data-testid=menu-toggle]")
        nav = driver.find_element(By.CSS_SELECTOR, "#site-menu")
        assert toggle.is_displayed() and not nav.is_displayed()
        toggle.click()
        assert nav.is_displayed() and toggle.get_attribute("aria-expanded") == "true"
        assert driver.find_element(By.CSS_SELECTOR, "[data-testid=who] button").is_displayed()


def test_no_serious_accessibility_violation_and_statistics(
    base_url: str, work_web: Web, shots: Path, tmp_path: Path
) -> None:
    who: list[str] = []
    found: dict[str, list[dict[str, Any]]] = {}
    with browser(tmp_path) as driver:
        for page in PAGES:
            _visit(driver, base_url, work_web, page, who)
            found[page] = axe_violations(driver)
            full_screenshot(driver, shots / f"{page}-desktop.png")
        # the statistics page (the last one visited by the archivist is statistics' neighbour)
        login(driver, base_url, "archivist")
        driver.get(f"{base_url}/statistics")
        years = Counter(str(r.year) for r in work_web.records)
        tasks = Counter(r.task_name for r in work_web.records)
        rows = driver.find_elements(By.CSS_SELECTOR, "svg[data-chart=year] g.row")
        shown = {r.get_attribute("data-label"): int(r.get_attribute("data-value")) for r in rows}
        assert shown == dict(years)
        rows = driver.find_elements(By.CSS_SELECTOR, "svg[data-chart=task] g.row")
        shown = {r.get_attribute("data-label"): int(r.get_attribute("data-value")) for r in rows}
        assert shown == dict(tasks)
        assert driver.find_element(By.CSS_SELECTOR, "[data-testid=stats-total]").text == "24"
        # printed: the header, the forms and the pager stay off the paper, the tables stay
        driver.get(f"{base_url}/transfers")
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        for css in (
            "[data-testid=topbar]",
            "[data-testid=plan-filters]",
            "[data-testid=pager-plan]",
        ):
            assert not driver.find_element(By.CSS_SELECTOR, css).is_displayed(), css
        assert driver.find_element(By.CSS_SELECTOR, "[data-testid=transfer-plan]").is_displayed()
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})
    assert {p: v for p, v in found.items() if v} == {}

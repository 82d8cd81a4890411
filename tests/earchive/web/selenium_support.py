"""What the Selenium browser tests share: Debian's chromium driven through Debian's chromedriver,
both given explicitly (Selenium Manager would otherwise try to download a browser), headless, at
a desktop size or a phone's through Chrome's ``mobileEmulation`` (a headless window is at least
500 px wide); downloads into a folder; logging in through the form; screenshots into
``EARCHIVE_SCREENSHOTS`` when set (a git-ignored folder), else a temporary one; and the
vendored axe-core script (``scripts/setup.sh`` fetches it) run on a page."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
NO_BROWSER = pytest.mark.skipif(
    CHROMIUM is None or CHROMEDRIVER is None,
    reason="Debian's chromium and chromium-driver are not installed (scripts/setup.sh)",
)
FLAGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-sync",
    "--disable-component-update",
    "--lang=zh-CN",
    "--window-size=1366,900",
)
AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
#: The phone of the tests: 390 × 844 CSS pixels (an iPhone 12-14), touch, a phone's agent.
PHONE = {"deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3.0, "touch": True},
         "userAgent": "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X) Mobile"}  # fmt: skip


@contextmanager
def browser(downloads: Path, *, phone: bool = False) -> Iterator[Any]:
    """A headless Chromium (zh-CN) whose downloads land in ``downloads``."""
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False,
         "intl.accept_languages": "zh-CN,zh"},
    )  # fmt: skip
    if phone:
        options.add_experimental_option("mobileEmulation", PHONE)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.execute_cdp_cmd(
        "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def login(driver: Any, base_url: str, user: str) -> None:
    """Log in through the form (every test user's password is ``<name>-password``)."""
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{base_url}/login")
    driver.find_element(By.NAME, "username").send_keys(user)
    driver.find_element(By.NAME, "password").send_keys(f"{user}-password")
    driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait_for(driver, "[data-testid=who]")


def wait_for(driver: Any, css: str, seconds: float = 15) -> Any:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, seconds).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def downloaded(folder: Path, suffix: str, before: set[str], seconds: float = 20) -> Path:
    """The file ending in ``suffix`` that appeared in ``folder`` (besides ``before``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        new = [p for p in folder.iterdir() if p.name not in before and p.name.endswith(suffix)]
        if new:
            return new[0]
        time.sleep(0.1)
    raise AssertionError(f"no {suffix} file downloaded into {folder}")


def screenshot_folder(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    chosen = os.environ.get("EARCHIVE_SCREENSHOTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp(name)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def full_screenshot(driver: Any, path: Path, *, phone: bool = False) -> None:
    """The whole page, not only the window: the viewport grows to the page's height for the
    shot, then returns to the phone's or the desktop window's size."""
    height = int(driver.execute_script("return document.scrollingElement.scrollHeight"))
    width = int(driver.execute_script("return window.innerWidth"))
    metrics = {"width": width, "height": min(height, 6000), "mobile": phone}
    scale = PHONE["deviceMetrics"]["pixelRatio"] if phone else 1  # type: ignore[index]
    # one CSS pixel per image pixel, so a 390 px page is a 390 px wide picture
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride", {**metrics, "deviceScaleFactor": 1}
    )
    driver.save_screenshot(str(path))
    if phone:
        device = PHONE["deviceMetrics"]
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": device["width"], "height": device["height"],  # type: ignore[index]
             "deviceScaleFactor": scale, "mobile": True},
        )  # fmt: skip
    else:
        driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]})
  .then((r) => done(JSON.stringify(r.violations)))
  .catch((e) => done(JSON.stringify([{id: "axe-error", impact: "critical", nodes: [],
                                       help: String(e)}])));
"""


def axe_violations(
    driver: Any, impacts: tuple[str, ...] = ("serious", "critical")
) -> list[dict[str, Any]]:
    """axe-core's violations of the given impacts on the current page (id, impact, targets)."""
    if not AXE.is_file():
        pytest.skip("axe-core is not vendored: run scripts/setup.sh")
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    result = driver.execute_async_script(_RUN_AXE)
    found = json.loads(result)
    return [
        {"id": v["id"], "impact": v.get("impact"), "help": v.get("help"),
         "targets": [n.get("target") for n in v.get("nodes", [])][:5]}
        for v in found if v.get("impact") in impacts
    ]  # fmt: skip

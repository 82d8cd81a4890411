"""The operation pages in a real headless Chromium: the auditor's dashboard (fixity-audit chart,
downloads, reminders), the transfer console (plan, start a transfer, the batch) and re-running the
四性 checks from the case page. Its own archive (``ops_archive``), served by uvicorn on loopback;
screenshots go to ``EARCHIVE_SCREENSHOTS`` when set."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from earchive.services.audit.service import run_audit
from tests.earchive.web.browser_support import (
    NO_CHROMIUM,
    chromium,
    login,
    screenshot_folder,
    serving,
)
from tests.earchive.web.ops_archive import OpsWeb, build_ops_web

sync_api = pytest.importorskip("playwright.sync_api")
from playwright.sync_api import BrowserContext, Page  # noqa: E402

pytestmark = NO_CHROMIUM


@pytest.fixture(scope="module")
def ops(tmp_path_factory: pytest.TempPathFactory) -> OpsWeb:
    """Three fixity audits a day apart, the last after a stored file was corrupted."""
    ops = build_ops_web(tmp_path_factory.mktemp("consoles"))
    for day in (2, 3):
        ops.clock.set(datetime(2026, 6, day, 3, 0, tzinfo=UTC))
        assert not run_audit(ops.archive).failed
    stored = sorted(
        p for p in (ops.home / "storage").rglob("*")
        if p.is_file() and "W003" in str(p) and "/content/original/" in str(p)
        and not p.name.endswith(".xml")
    )[0]  # fmt: skip
    stored.chmod(0o644)
    stored.write_bytes(stored.read_bytes()[:-7])  # truncated on disk
    ops.clock.set(datetime(2026, 6, 4, 3, 0, tzinfo=UTC))
    assert run_audit(ops.archive).failed
    ops.clock.set(datetime(2026, 6, 4, 9, 0, tzinfo=UTC))
    return ops


@pytest.fixture(scope="module")
def base_url(ops: OpsWeb) -> Iterator[str]:
    app = ops.app()
    with serving(app) as url:
        yield url
    app.state.jobs.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return screenshot_folder(tmp_path_factory, "console-shots")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    with chromium(tmp_path_factory.mktemp("chromium-consoles")) as context:
        yield context


def test_auditor_dashboard_chart_downloads_and_reminders(
    ops: OpsWeb, base_url: str, shots: Path, browser: BrowserContext
) -> None:
    page = browser.new_page()
    login(page, base_url, "auditor")
    page.goto(f"{base_url}/audit")
    chart = page.locator("svg.audit-chart")
    assert chart.get_attribute("role") == "img"
    assert "固定性审计" in (chart.locator("title").first.text_content() or "")
    assert chart.locator("g.run").count() == 3
    assert page.locator("[data-testid=audit-runs] tbody tr").count() == 3
    failing = chart.locator("g.outcome-FAIL rect.bar-failed")
    assert failing.count() == 1 and float(failing.get_attribute("height") or 0) > 0
    box = chart.bounding_box()
    assert box is not None and box["width"] > 600 and box["height"] > 150
    w003 = ops.records["W003"].id
    reminder = page.locator("[data-testid=reminders] li[data-kind=fixity_failed]")
    assert reminder.count() == 1 and w003 in reminder.inner_text()
    # transfers are due in 2027, further away than the 90-day horizon: no transfer reminder yet
    assert page.locator("[data-testid=reminders] li[data-kind^=transfer]").count() == 0
    page.screenshot(path=str(shots / "11-auditor-dashboard.png"), full_page=True)
    with page.expect_download() as info:
        page.click("[data-testid=ledger-csv]")
    assert info.value.suggested_filename == "fixity-ledger.csv"
    body = Path(info.value.path()).read_text(encoding="utf-8")
    assert body.startswith("location,archive_id") and f"{w003}," in body and "FAIL" in body
    # start one more audit from the dashboard: the job is shown, the chart has one more run
    page.fill("[data-testid=start-audit] input[name=limit]", "2")
    page.click("[data-testid=start-audit] button[type=submit]")
    page.wait_for_selector("[data-testid=audit-job]")
    for _ in range(60):
        if "已完成" in page.inner_text("[data-testid=audit-job]"):
            break
        page.wait_for_timeout(500)
        page.reload()
    assert "已完成" in page.inner_text("[data-testid=audit-job]")
    assert page.locator("svg.audit-chart g.run").count() == 4
    page.close()


def _wait_for_job(page: Page) -> None:
    """Reload the transfer console until its background job is done."""
    page.wait_for_selector("[data-testid=transfer-job]")
    for _ in range(240):
        if page.locator("[data-testid=transfer-job].status-done").count():
            return
        page.wait_for_timeout(500)
        page.reload()
    raise AssertionError(page.locator("[data-testid=transfer-job]").inner_text())


def test_transfer_console_plan_start_and_batch(
    ops: OpsWeb, base_url: str, shots: Path, browser: BrowserContext
) -> None:
    page = browser.new_page()
    login(page, base_url, "archivist")
    page.click("[data-testid=nav-transfers]")
    page.wait_for_selector("[data-testid=transfer-plan]")
    assert page.locator("[data-testid=transfer-plan] tr[data-status=due]").count() == 4
    page.click("[data-testid=start-transfer]")
    _wait_for_job(page)
    forms = page.locator("[data-testid=signoff-form]")
    waiting = forms.count()  # one batch per 立档单位 whose review items nobody confirmed
    assert waiting >= 1
    page.screenshot(path=str(shots / "12-transfer-signoff.png"), full_page=True)
    for _ in range(waiting):  # the archivist confirms each batch's items with a reason
        form = page.locator("[data-testid=signoff-form]").first
        form.locator("input[name=reason]").fill("病毒检测由终端防护完成，已人工核验")
        form.locator("button[type=submit]").click()
        page.wait_for_load_state()
    assert page.locator("[data-testid=signoffs]").count() == 0
    page.click("[data-testid=start-transfer]")
    _wait_for_job(page)
    assert page.locator("[data-testid=signoffs]").count() == 0
    batch = page.locator("[data-testid=batch]").first
    assert page.locator("[data-testid=batch]").count() >= 4  # a package per 立档单位
    batch_id = batch.get_attribute("data-batch") or ""
    assert batch_id.startswith("transfer-") and (ops.target / batch_id).is_dir()
    text = batch.inner_text()
    assert "已发送" in text or "移交前被拒" in text  # each item's status in words
    page.screenshot(path=str(shots / "13-transfer-console.png"), full_page=True)
    login(page, base_url, "bureau")
    page.goto(f"{base_url}/transfers")
    assert page.locator("[data-testid=start-transfer]").count() == 0
    assert page.locator(f"[data-batch='{batch_id}']").count() == 1
    page.close()


def test_rerun_checks_from_the_case_page(
    ops: OpsWeb, base_url: str, shots: Path, browser: BrowserContext
) -> None:
    page = browser.new_page()
    login(page, base_url, "archivist")
    record = ops.records["R005"]
    page.goto(f"{base_url}/archives/{record.id}")
    before = page.locator("[data-testid=checks] tbody tr").count()
    page.select_option("[data-testid=rerun-checks] select[name=stage]", "bc")
    page.click("[data-testid=rerun-checks] button[type=submit]")
    page.wait_for_selector("[data-testid=rerun-done]")
    rows = page.locator("[data-testid=checks] tbody tr")
    assert rows.count() >= max(before, 1)
    assert "BC" in page.locator("[data-testid=checks] table").inner_text()
    page.screenshot(path=str(shots / "13-rerun-checks.png"), full_page=True)
    login(page, base_url, "dept-r")
    page.goto(f"{base_url}/archives/{record.id}")
    assert page.locator("[data-testid=rerun-checks]").count() == 0
    page.close()

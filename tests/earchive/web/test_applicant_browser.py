"""The applicant view in a real headless Chromium: an archivist looks a person up by ID number and
sees the timeline; a department user has no link and gets the 403 page. Screenshots are kept
in ``EARCHIVE_SCREENSHOTS`` when set (as in ``test_browser.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from earchive.web.app import create_app
from tests.earchive.web.browser_support import NO_CHROMIUM, login, serving
from tests.earchive.web.test_applicant_view import Person, person  # noqa: F401 - the fixture
from tests.earchive.web.test_browser import browser, shots  # noqa: F401 - fixtures

pytestmark = NO_CHROMIUM


@pytest.fixture(scope="module")
def person_url(person: Person) -> Iterator[str]:  # noqa: F811 - the imported fixture
    with serving(create_app(person.archive)) as url:
        yield url


def test_archivist_looks_up_a_person_in_the_browser(
    person_url: str,  # first: the archive is generated before the browser's event loop starts
    person: Person,  # noqa: F811
    shots: Path,  # noqa: F811
    browser: object,  # noqa: F811
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    login(page, person_url, "archivist")
    page.click("[data-testid=nav-applicants]")
    page.wait_for_selector("[data-testid=applicant-form]")
    page.fill("input[name=identifier]", person.number.lower())
    page.fill("input[name=purpose]", "核实居住证办理情况")
    page.click("[data-testid=applicant-form] button[type=submit]")
    page.wait_for_selector("[data-testid=applicant-result]")
    assert page.url.endswith("/applicants")  # posted: the number is not in the address bar
    assert page.inner_text("[data-testid=applicant-total]") == "3"
    assert page.inner_text("[data-testid=applicant-identifier]") == person.number
    for year in (person.own.year - 1, person.own.year, person.own.year + 1):
        assert page.locator(f"[data-testid=applicant-year-{year}] li").count() == 1
    page.screenshot(path=str(shots / "11-applicant-timeline.png"), full_page=True)
    page.click(f"li[data-archive='{person.own.id}'] a")
    page.wait_for_selector("[data-testid=case-title]")
    assert "*" not in page.inner_text("[data-testid=applicant-id]")
    page.close()


def test_department_user_has_no_way_in(
    person_url: str,
    shots: Path,  # noqa: F811
    browser: object,  # noqa: F811
) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    login(page, person_url, "dept-g")
    assert page.locator("[data-testid=nav-applicants]").count() == 0
    response = page.goto(f"{person_url}/applicants")
    assert response is not None and response.status == 403
    page.screenshot(path=str(shots / "12-applicant-forbidden.png"))
    page.close()

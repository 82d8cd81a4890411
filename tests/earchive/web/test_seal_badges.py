"""The case page shows each signed file's verdicts from the latest 四性 run, kept apart:
intact, valid and trusted — and 'manual review' for what was not decided, never a guess."""

from __future__ import annotations

import re

from earchive.checks import check_archive
from tests.earchive.web.conftest import ClientFactory, Web


def _badges(html: str) -> dict[tuple[str, str], str]:
    found = re.findall(
        r'class="badge verdict (\w+)" data-verdict="(\w+)" data-path="([^"]+)"', html
    )
    return {(path, prop): cls for cls, prop, path in found}


def test_case_page_shows_intact_valid_trusted_from_the_latest_check(
    web: Web, client_for: ClientFactory
) -> None:
    record = next(r for r in web.records if any(f.signed for f in web.archive.catalog.files(r.id)))
    signed = [f.path for f in web.archive.catalog.files(record.id) if f.signed]
    admin = client_for("admin")

    page = admin.get(f"/archives/{record.id}").text
    if not _badges(page):  # no check run yet: the page says so instead of guessing
        assert 'data-slot="signature-verification"' in page

    check_archive(web.archive, record.id, "gd")  # the trust store is still empty
    untrusted = _badges(admin.get(f"/archives/{record.id}").text)
    for path in signed:
        assert untrusted[(path, "intact")] == "ok"
        assert untrusted[(path, "valid")] == "ok"
        assert untrusted[(path, "trusted")] == "review"  # intact but not trusted: not tampered

    roots = [
        p for p in sorted((web.samples / "trust").glob("seal-root*.pem")) if "key" not in p.name
    ]
    web.archive.trust(roots)
    check_archive(web.archive, record.id, "gd")
    trusted = _badges(admin.get(f"/archives/{record.id}").text)
    for path in signed:
        assert trusted[(path, "intact")] == trusted[(path, "valid")] == "ok"
        assert trusted[(path, "trusted")] == "ok"

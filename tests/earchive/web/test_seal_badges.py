"""The case page shows each signed file's verdicts from the latest 四性 run, kept apart:
intact, valid and trusted — and 'manual review' for what was not decided, never a guess."""

from __future__ import annotations

import re

from earchive.services.checks.service import check_archive
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


def test_case_page_offers_the_check_report_in_chinese(web: Web, client_for: ClientFactory) -> None:
    import subprocess

    record = web.records[0]
    check_archive(web.archive, record.id, "gd")
    admin = client_for("admin")
    page = admin.get(f"/archives/{record.id}").text
    assert 'data-testid="report-pdf"' in page and "<td>GD</td>" in page
    pdf = admin.get(f"/archives/{record.id}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-q", "-", "-"], input=pdf.content, capture_output=True, check=True
    ).stdout.decode("utf-8")
    assert "四性检测报告" in text and record.archival_code in text
    outsider = "dept-g" if record.fonds_identifier != "G002" else "dept-s"
    assert client_for(outsider).get(f"/archives/{record.id}/report.pdf").status_code == 404

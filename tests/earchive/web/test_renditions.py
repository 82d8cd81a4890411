"""Access renditions on the case page: a TIFF shown as a PNG (drawn by Pillow, cached outside
the AIP and drawn again when the cache is gone), an office original shown as its PDF/A copy;
served only under the download rules: a department user of another fonds gets 404, exactly as
for the file itself, and one without the personal-data permission gets the same refusal for the
rendition as for the scan. Its own small archive (it writes a second version)."""

from __future__ import annotations

import io
import shutil
import warnings
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from PIL import Image

from earchive.auth import UserStore
from earchive.core.archive import Archive
from earchive.services.preservation.options import PreserveOptions
from earchive.services.preservation.service import preserve_archive
from earchive.settings import Settings
from earchive.web.app import create_app
from samples.office import docx_bytes, scan_png
from tests.ingest.case_package_builder import CasePackage

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

pytestmark = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("soffice", "gs")),
    reason="LibreOffice or Ghostscript missing (scripts/setup.sh)",
)
TIFF, DOCX = "A/平面图.tif", "A/申请书.docx"


def _tiff() -> bytes:
    out = io.BytesIO()
    Image.open(io.BytesIO(scan_png(["平面布局图"], size=24, dpi=100))).save(out, "TIFF")
    return out.getvalue()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Archive, str, TestClient]]:
    root = tmp_path_factory.mktemp("renditions")
    pkg = CasePackage()
    pkg.files += [
        {"path": TIFF, "material_code": "A1", "title": "平面图", "format": "TIFF",
         "content": _tiff()},
        {"path": DOCX, "material_code": "A1", "title": "申请书", "format": "DOCX",
         "content": docx_bytes(["参保申请书", "申请单位：某某科技有限公司"])},
    ]  # fmt: skip
    archive = Archive(Settings(home=root / "home"))
    archive.init()
    [result] = list(archive.ingest([pkg.write_zip(root)]))
    assert result.status == "accepted", result.as_dict()
    from samples import SMALL_PROFILE, generate

    generate(6, root / "samples", seed=14, size_profile=SMALL_PROFILE)  # with OFD licences
    assert all(r.status == "accepted" for r in archive.ingest([root / "samples"]))
    report = preserve_archive(archive, result.id, PreserveOptions(ocr=False))
    assert report.version == 2, report.findings
    store = UserStore(archive.engine, archive.clock)
    store.add_user(
        "archivist", "archivist", fonds=(), clearance=None, password="archivist-password"
    )
    store.add_user(
        "dept-own", "department", fonds=("R005",), clearance=None, password="own-password"
    )
    store.add_user(
        "dept-other", "department", fonds=("X999",), clearance=None, password="other-password"
    )
    app = create_app(archive)
    clients: list[TestClient] = []

    def login(user: str, secret: str) -> TestClient:
        client = TestClient(app, base_url="http://testserver")
        clients.append(client)
        response = client.post(
            "/login", data={"username": user, "password": secret}, follow_redirects=False
        )
        assert response.status_code == 303, response.text
        return client

    yield archive, result.id, login  # type: ignore[misc]
    for client in clients:
        client.close()


def _url(archive_id: str, path: str, what: str = "rendition") -> str:
    return f"/archives/{archive_id}/{what}/{quote(path)}"


def test_tiff_is_shown_as_a_cached_png_and_office_as_its_pdfa_copy(served) -> None:  # type: ignore[no-untyped-def]
    archive, archive_id, login = served
    client = login("archivist", "archivist-password")
    page = client.get(f"/archives/{archive_id}")
    assert page.status_code == 200
    assert 'data-rendition="png"' in page.text and 'data-rendition="pdfa-copy"' in page.text
    assert 'data-testid="derived"' in page.text  # the migration event is shown with the versions
    assert f"derived/{DOCX}.pdf" in page.text and "soffice" in page.text and "格式策略" in page.text
    png = client.get(_url(archive_id, TIFF))
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(png.content)) as image:
        original = Image.open(io.BytesIO(client.get(_url(archive_id, TIFF, "files")).content))
        assert image.format == "PNG" and image.size == original.size
    cached = list((archive.home / "renditions").glob("*.png"))
    assert len(cached) == 1
    shutil.rmtree(archive.home / "renditions")  # rebuildable: drawn again on the next view
    assert client.get(_url(archive_id, TIFF)).content == png.content
    pdf = client.get(_url(archive_id, DOCX))
    assert pdf.status_code == 200 and pdf.headers["content-type"] == "application/pdf"
    with archive.open_file(archive_id, f"derived/{DOCX}.pdf") as copy:
        assert pdf.content == copy.read()


def test_renditions_follow_the_download_rules(served) -> None:  # type: ignore[no-untyped-def]
    archive, archive_id, login = served
    other = login("dept-other", "other-password")
    for path in (TIFF, DOCX):
        assert other.get(_url(archive_id, path, "files")).status_code == 404
        assert other.get(_url(archive_id, path)).status_code == 404
    own = login("dept-own", "own-password")  # no personal-data permission: scans are withheld
    for path in (TIFF, DOCX):
        download = own.get(_url(archive_id, path, "files")).status_code
        shown = own.get(_url(archive_id, path)).status_code
        assert download == shown == 403, (path, download, shown)
    denied = [
        e for e in archive.events.iter_events(object_prefix=archive_id) if e.outcome == "denied"
    ]
    assert any(e.detail.get("mode") == "rendition" for e in denied)


def test_an_ofd_licence_is_shown_as_its_page_with_the_seal(served) -> None:  # type: ignore[no-untyped-def]
    archive, _archive_id, login = served
    record, row = next(
        (r, f)
        for r in archive.catalog.iter_archives()
        for f in archive.catalog.files(r.id)
        if f.format == "OFD"
    )
    client = login("archivist", "archivist-password")
    page = client.get(f"/archives/{record.id}")
    assert "/rendition/" in page.text and 'data-rendition="png"' in page.text
    shown = client.get(_url(record.id, row.path))
    assert shown.status_code == 200 and shown.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(shown.content)) as image:
        assert image.size == (1240, 1754)  # A4 at 150 dpi
    other = login("dept-other", "other-password")
    assert other.get(_url(record.id, row.path)).status_code == 404


def test_result_lists_show_thumbnails_under_the_same_rules(served) -> None:  # type: ignore[no-untyped-def]
    archive, archive_id, login = served
    client = login("archivist", "archivist-password")
    hits = client.get("/", params={"q": "参保"})
    assert f'src="/archives/{archive_id}/thumbnail"' in hits.text
    small = client.get(f"/archives/{archive_id}/thumbnail")
    assert small.status_code == 200 and small.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(small.content)) as image:
        assert 0 < max(image.size) <= 160
    assert list((archive.home / "renditions" / "thumbs").glob("*.png"))
    other = login("dept-other", "other-password")
    assert other.get(f"/archives/{archive_id}/thumbnail").status_code == 404
    generated = next(
        r
        for r in archive.catalog.iter_archives()
        if any(f.path.startswith("C/") and f.format == "PDF" for f in archive.catalog.files(r.id))
    )
    page = client.get(f"/archives/{generated.id}/thumbnail")  # a PDF's first page (pdftoppm)
    assert page.status_code == 200
    with Image.open(io.BytesIO(page.content)) as image:
        assert max(image.size) == 160

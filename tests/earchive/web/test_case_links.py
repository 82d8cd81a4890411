"""Links only for what the viewer may open: on the case page a department user (no personal-data
permission) sees 预览/下载 for exactly the files it would get, the rest show none (not a link
that answers 403); a cleared archivist sees them all."""

from __future__ import annotations

import re
from urllib.parse import quote, unquote

from tests.earchive.web.conftest import ClientFactory, Web


def test_department_sees_links_only_to_files_it_may_open(
    client_for: ClientFactory, web: Web
) -> None:
    g002 = web.one("G002")
    dept, archivist = client_for("dept-g"), client_for("archivist")
    files = [f.path for f in web.archive.catalog.files(g002.id)]
    base = f"/archives/{quote(g002.id, safe='')}/files/"

    def linked(page: str) -> set[str]:
        return {
            unquote(p)
            for p in re.findall(r'class="download" href="[^"]*/files/([^"?]+)\?download=1', page)
        }

    shown = linked(dept.get(f"/archives/{g002.id}").text)
    assert shown and shown < set(files)  # some withheld (scans, PDFs with ID numbers)
    for path in files:
        answer = dept.get(base + quote(path) + "?download=1")
        assert answer.status_code == (200 if path in shown else 403), path
    assert linked(archivist.get(f"/archives/{g002.id}").text) == set(files)

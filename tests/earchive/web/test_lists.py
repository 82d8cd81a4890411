"""The search list through the real app: sort by 档号 and 年度 either way, page size and page
jump kept in the URL, and the CSV/XLSX export of exactly what the user may see (fonds, clearance
and masking applied), recorded in the event log."""

from __future__ import annotations

import csv
import io
import re

from openpyxl import load_workbook

from ingest.casexml import parse_case
from tests.earchive.web.conftest import ClientFactory, Web


def _codes(page: str) -> list[str]:
    return re.findall(r'data-testid="hit" data-code="([^"]+)"', page)


def test_search_sorts_by_code_and_year_both_ways(client_for: ClientFactory, web: Web) -> None:
    client = client_for("archivist")
    every = sorted(r.archival_code for r in web.records)
    assert _codes(client.get("/?sort=code&size=50").text) == every
    assert _codes(client.get("/?sort=-code&size=50").text) == every[::-1]
    by_year = [c for _, c in sorted((r.year, r.archival_code) for r in web.records)]
    assert _codes(client.get("/?sort=year&size=50").text) == by_year
    down = client.get("/?sort=-year&size=50").text
    years = [
        int(y) for y in re.findall(r'data-testid="hit" data-code="[^"]+" data-year="(\d+)"', down)
    ]
    assert years == sorted(years, reverse=True) and len(years) == len(web.records)


def test_page_size_and_jump_stay_in_the_url(work_client: ClientFactory, work_web: Web) -> None:
    client = work_client("archivist")
    every = sorted(r.archival_code for r in work_web.records)
    assert len(every) == 24
    assert _codes(client.get("/?sort=code&size=10").text) == every[:10]
    page2 = client.get("/?sort=code&size=10&page=2").text
    assert _codes(page2) == every[10:20]
    # the pager's links keep the order and the size
    assert "sort=code" in page2 and "size=10" in page2 and 'aria-current="page">2<' in page2
    # a page past the end shows the last page; a size not offered is a 422 naming the field
    last = client.get("/?sort=code&size=10&page=999").text
    assert _codes(last) == every[(len(every) - 1) // 10 * 10 :]
    bad = client.get("/?size=7")
    assert bad.status_code == 422 and "每页条数" in bad.text


def test_export_is_what_the_user_sees(client_for: ClientFactory, web: Web) -> None:
    archivist, dept = client_for("archivist"), client_for("dept-g")
    g002 = web.one("G002")
    assert g002.applicant_type == "自然人"
    full = archivist.get("/search/export.csv?sort=code")
    assert full.status_code == 200 and full.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(full.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["档号", "电子文件号", "题名"]
    assert [r[0] for r in rows[1:]] == sorted(r.archival_code for r in web.records)
    name = next(r[9] for r in rows[1:] if r[0] == g002.archival_code)
    assert name == g002.applicant_name
    # the department user: only its fonds, the natural person's name masked, as on its page
    book = load_workbook(io.BytesIO(dept.get("/search/export.xlsx").content))
    sheet = [[c.value for c in row] for row in book.active.iter_rows()]
    assert [r[0] for r in sheet[1:]] == [g002.archival_code]
    masked = sheet[1][9]
    assert masked != g002.applicant_name and masked.startswith(g002.applicant_name[0])
    assert set(masked[1:]) == {"*"}
    assert f"{masked}</span>" in dept.get("/").text
    # nowhere in the list: not in the title or the snippet either, on the page or in the file
    assert g002.applicant_name not in str(sheet[1]) and masked in sheet[1][2]
    assert g002.applicant_name not in dept.get("/").text
    by_name = dept.get(f"/?q={g002.applicant_name}").text  # the words typed stay in the box
    hits = re.findall(r'<article class="hit".*?</article>', by_name, re.S)
    assert hits and not [h for h in hits if g002.applicant_name in h]
    events = client_for("auditor").get("/api/events?action=access&limit=50").json()
    exports = [e for e in events if e["object"] == "list:search"]
    assert {e["detail"]["format"] for e in exports} >= {"csv", "xlsx"}


def test_an_id_number_never_reaches_a_url(client_for: ClientFactory, web: Web) -> None:
    """A search holding an ID number comes back as the sealed token: the sort, pager and
    export links carry ``qt``, never the number, and the export opens the same search."""
    with web.archive.open_file(web.one("G002").id, "original/case.xml") as fh:
        case, _ = parse_case(fh.read())
    assert case is not None
    number = case.applicant.id_number
    archivist = client_for("archivist")
    moved = archivist.post("/search", data={"q": number}, follow_redirects=False)
    assert moved.status_code == 303 and number not in moved.headers["location"]
    page = archivist.get(moved.headers["location"] + "&size=10").text
    hrefs = re.findall(r'href="([^"]+)"', page)
    assert hrefs and not [h for h in hrefs if number in h or number[:14] in h]
    exports = [h for h in hrefs if h.startswith("/search/export.")]
    assert exports and all("qt=" in h for h in exports)
    answer = archivist.get(exports[0].replace("&amp;", "&"))
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    assert [r[0] for r in rows[1:]] == [web.one("G002").archival_code]
    clear = archivist.get(f"/search/export.csv?q={number}")
    assert clear.status_code == 400 and "检索框" in clear.text


def test_no_empty_facet_box_and_errors_in_either_language(client_for: ClientFactory) -> None:
    archivist = client_for("archivist")
    nothing = archivist.get("/?q=不存在的词语组合").text
    assert 'data-testid="total">0<' in nothing and 'class="facets"' not in nothing
    assert 'class="facets"' in archivist.get("/").text
    archivist.cookies.set("lang", "en")
    english = archivist.get("/?page=0")
    assert english.status_code == 422 and "page (page)" in english.text
    assert "greater than or equal to 1" in english.text

"""The applicant view (一人一档) and the personal-data rules around it, through the real app.

A module archive: the six generated sample cases (G002 has a natural-person applicant whose ID
number is in its forms) plus two more cases of the same person in other fonds and years (one
内部). A cleared archivist gets the timeline of all three; department, auditor and bureau users
(no personal-data permission) get 403 there and cannot learn the ID number through search
(whole or in part), the case API or page, file downloads, export or the event log.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from fastapi import FastAPI

from earchive.auth import UserStore
from earchive.core.archive import Archive
from earchive.settings import Settings
from earchive.web.app import create_app
from ingest.casexml import parse_case
from search.records import ArchiveRecord
from tests.earchive.web.conftest import ClientFactory, password
from tests.ingest.person_packages import person_package

PROBLEM = "application/problem+json"
UNCLEARED = ("dept-g", "auditor", "bureau")

#: user name → (role, fonds, clearance)
USERS: dict[str, tuple[str, tuple[str, ...], str | None]] = {
    "admin": ("admin", (), None),
    "archivist": ("archivist", (), None),
    "archivist-g": ("archivist", ("G002",), None),  # cleared, but bound to one fonds
    "archivist-open": ("archivist", (), "公开"),  # cleared, but only for 公开 archives
    "dept-g": ("department", ("G002",), None),
    "auditor": ("auditor", (), None),
    "bureau": ("bureau", (), None),
}


@dataclass
class Person:
    archive: Archive
    number: str  # the natural person's resident ID number
    name: str
    own: ArchiveRecord  # the generated G002 case
    ids: list[str]  # all three of their archives, oldest first


@pytest.fixture(scope="module")
def person(tmp_path_factory: pytest.TempPathFactory) -> Person:
    from samples import SMALL_PROFILE, generate

    root = tmp_path_factory.mktemp("applicants")
    generate(6, root / "samples", seed=14, size_profile=SMALL_PROFILE)
    archive = Archive(Settings(home=root / "home"))
    archive.init()
    assert [r.status for r in archive.ingest([root / "samples"])] == ["accepted"] * 6
    own = next(r for r in archive.catalog.iter_archives() if r.fonds_identifier == "G002")
    with archive.open_file(own.id, "original/case.xml") as fh:
        case, _ = parse_case(fh.read())
    assert case is not None and case.applicant.type == "自然人"
    number, name = case.applicant.id_number, case.applicant.name
    extra = [
        person_package(root / "more", fonds="R005", year=own.year - 1, serial=901, name=name,
                       id_number=number,
                       certificate={"type": "就业登记证", "number": "JY-001", "issuer": "人社局"}),
        person_package(root / "more", fonds="S001", year=own.year + 1, serial=902, name=name,
                       id_number=f" {number.lower()} ", classification="内部"),
    ]  # fmt: skip
    results = list(archive.ingest(extra))
    assert [r.status for r in results] == ["accepted"] * 2, [r.as_dict() for r in results]
    store = UserStore(archive.engine, archive.clock)
    for user, (role, fonds, clearance) in USERS.items():
        store.add_user(user, role, fonds=fonds, clearance=clearance, password=password(user))
    return Person(archive, number, name, own, [results[0].id, own.id, results[1].id])


@pytest.fixture
def app(person: Person) -> FastAPI:  # overrides the session app: client_for uses this one
    return create_app(person.archive)


def _lookup(client: object, identifier: str, purpose: str = "核实居住证办理情况") -> object:
    return client.post(  # type: ignore[attr-defined]
        "/api/applicants", json={"identifier": identifier, "purpose": purpose}
    )


def _fragments(number: str) -> Iterator[str]:
    yield number[6:14]  # the birth date
    yield number[-6:]
    yield number[:10]
    yield number[3:15]


# -- a cleared user ----------------------------------------------------------------------------


def test_archivist_gets_the_timeline_across_fonds_and_years(
    client_for: ClientFactory, person: Person
) -> None:
    client = client_for("archivist")
    spaced = f"{person.number[:6]} {person.number[6:]}".lower()
    response = _lookup(client, spaced)
    assert response.status_code == 200, response.text  # type: ignore[attr-defined]
    body = response.json()  # type: ignore[attr-defined]
    assert body["kind"] == "person" and body["identifier"] == person.number
    assert body["total"] == 3 and body["names"] == [person.name]
    years = [y["year"] for y in body["years"]]
    assert years == [person.own.year - 1, person.own.year, person.own.year + 1]
    cases = [c for y in body["years"] for c in y["cases"]]
    assert [c["id"] for c in cases] == person.ids
    assert {c["fonds_identifier"] for c in cases} == {"R005", "G002", "S001"}
    own = next(c for c in cases if c["id"] == person.own.id)
    assert own["archival_code"] == person.own.archival_code and own["result"] == person.own.result
    assert own["licences"] and own["licences"][0]["type"] == "居住证"
    assert cases[0]["licences"] == [{"type": "就业登记证", "number": "JY-001", "issuer": "人社局"}]

    keyer = person.archive.identities
    digest = keyer.digest("person", person.number)
    events = client_for("admin").get(
        "/api/events", params={"action": "access", "object": f"applicant:{digest}"}
    )
    mine = [e for e in events.json() if e["agent"] == "user:archivist"]
    assert mine, events.text
    last = mine[-1]
    assert last["detail"]["mode"] == "applicant"
    assert last["detail"]["purpose"] == "核实居住证办理情况"
    assert last["detail"]["archives"] == person.ids and last["detail"]["key_id"] == keyer.key_id
    assert person.number not in json.dumps(last, ensure_ascii=False)


def test_fonds_and_clearance_still_narrow_the_timeline(
    client_for: ClientFactory, person: Person
) -> None:
    bound = _lookup(client_for("archivist-g"), person.number).json()  # type: ignore[attr-defined]
    assert [c["id"] for y in bound["years"] for c in y["cases"]] == [person.own.id]
    open_only = _lookup(client_for("archivist-open"), person.number).json()  # type: ignore[attr-defined]
    assert [c["id"] for y in open_only["years"] for c in y["cases"]] == person.ids[:2]


def test_invalid_identifiers_and_missing_purposes_are_clear_422s(
    client_for: ClientFactory, person: Person
) -> None:
    client = client_for("archivist")
    number = person.number
    wrong = number[:-1] + ("1" if number[-1] != "1" else "2")
    response = _lookup(client, wrong)
    assert response.status_code == 422  # type: ignore[attr-defined]
    assert response.headers["content-type"] == PROBLEM  # type: ignore[attr-defined]
    assert "check digit" in response.json()["detail"]  # type: ignore[attr-defined]
    assert _lookup(client, "12345").status_code == 422  # type: ignore[attr-defined]
    blank = _lookup(client, number, purpose="   ")
    assert blank.status_code == 422 and "purpose" in blank.json()["detail"]  # type: ignore[attr-defined]
    missing = client.post("/api/applicants", json={"identifier": number})
    assert missing.status_code == 422 and missing.headers["content-type"] == PROBLEM
    page = client.post("/applicants", data={"identifier": wrong, "purpose": "核对"})
    assert page.status_code == 422 and "证件号码：身份证号码的校验位不符" in page.text


def test_the_page_shows_the_timeline_to_a_cleared_user(
    client_for: ClientFactory, person: Person
) -> None:
    client = client_for("archivist")
    assert 'href="/applicants"' in client.get("/").text
    form = client.get("/applicants")
    assert form.status_code == 200 and 'name="purpose"' in form.text
    page = client.post("/applicants", data={"identifier": person.number, "purpose": "核对"})
    assert page.status_code == 200
    assert page.headers["cache-control"] == "no-store"
    for archive_id in person.ids:
        assert f'href="/archives/{quote(archive_id)}?purpose=' in page.text
    assert 'data-testid="applicant-total">3<' in page.text
    assert person.own.archival_code in page.text and "居住证" in page.text
    assert "一人一档" in page.text
    client.get("/lang/en")
    english = client.get("/applicants").text
    assert "Applicant view" in english and "Resident ID number" in english


# -- uncleared users ---------------------------------------------------------------------------


@pytest.mark.parametrize("user", UNCLEARED)
def test_uncleared_roles_cannot_reach_the_applicant_view(
    client_for: ClientFactory, person: Person, user: str
) -> None:
    client = client_for(user)
    response = _lookup(client, person.number)
    assert response.status_code == 403  # type: ignore[attr-defined]
    assert response.headers["content-type"] == PROBLEM  # type: ignore[attr-defined]
    assert client.post("/api/applicants").status_code == 403  # refused before the body is read
    for page in (
        client.get("/applicants"),
        client.post("/applicants", data={"identifier": person.number, "purpose": "x"}),
    ):
        assert page.status_code == 403 and "text/html" in page.headers["content-type"]
        assert person.number not in page.text
    assert 'href="/applicants"' not in client.get("/").text


@pytest.mark.parametrize("user", UNCLEARED)
def test_uncleared_search_never_confirms_an_id_number(
    client_for: ClientFactory, person: Person, user: str
) -> None:
    client = client_for(user)
    own_word = person.name  # the G002 case itself is visible to all three roles
    assert client.get("/api/search", params={"q": own_word}).json()["total"] >= 1
    for query in (person.number, person.number.lower(), f"{person.name} {person.number}"):
        in_url = client.get("/api/search", params={"q": query})
        assert in_url.status_code == 400 and "POST /api/search" in in_url.json()["detail"]
        found = client.post("/api/search", json={"q": query}).json()
        assert found["total"] == 0 and found["hits"] == [], query
        assert found["notice"] and "personal-data" in found["notice"]
        assert client.get("/", params={"q": query}).status_code == 400  # never in a URL
        sent = client.post("/search", data={"q": query}, follow_redirects=False)
        assert sent.status_code == 303 and person.number not in sent.headers["location"]
        assert "qt=" in sent.headers["location"]
        page = client.get(sent.headers["location"])
        assert 'data-testid="personal-query-refused"' in page.text
        assert 'data-testid="total">0<' in page.text
    for fragment in _fragments(person.number):
        found = client.post("/api/search", json={"q": fragment}).json()
        assert found["total"] == 0, fragment
        assert person.number not in json.dumps(found)


def test_cleared_search_by_id_goes_through_the_identity_table(
    client_for: ClientFactory, person: Person
) -> None:
    found = client_for("archivist").post("/api/search", json={"q": person.number}).json()
    assert sorted(h["id"] for h in found["hits"]) == sorted(person.ids)
    assert found["notice"] is None
    bound = client_for("archivist-g").post("/api/search", json={"q": person.number}).json()
    assert [h["id"] for h in bound["hits"]] == [person.own.id]


def test_search_by_id_is_paged_by_the_database(client_for: ClientFactory, person: Person) -> None:
    client = client_for("archivist")
    pages = [
        client.post("/api/search", json={"q": person.number, "limit": 1, "offset": n}).json()
        for n in range(len(person.ids) + 1)
    ]
    assert all(p["total"] == len(person.ids) for p in pages)
    assert [len(p["hits"]) for p in pages] == [1] * len(person.ids) + [0]
    codes = [p["hits"][0]["archival_code"] for p in pages[:-1]]
    assert codes == sorted(codes)  # ordered by 档号
    assert sorted(p["hits"][0]["id"] for p in pages[:-1]) == sorted(person.ids)


def test_the_index_holds_no_id_number(person: Person) -> None:
    home = person.archive.home
    files = [p for p in (home / "index-tantivy").rglob("*") if p.is_file()]
    assert files  # the full-text side: tests/search/test_tantivy_index.py reads its terms
    for path in files:
        assert person.number.encode() not in path.read_bytes(), path.name
    forms = b"".join(p.read_bytes() for p in person.archive.settings.storage_dir.rglob("*.xml"))
    assert person.number.encode() in forms  # the originals still carry it


def test_department_case_json_and_page_are_masked(
    client_for: ClientFactory, person: Person
) -> None:
    dept = client_for("dept-g")
    case = dept.get(f"/api/archives/{person.own.id}")
    assert case.status_code == 200 and case.json()["personal_data_masked"] is True
    assert person.number not in case.text
    assert re.fullmatch(r"\d{3}\*{13}[\dX]{2}", case.json()["applicant_id_number"])
    page = dept.get(f"/archives/{person.own.id}")
    assert page.status_code == 200 and person.number not in page.text


def test_department_files_are_masked_or_withheld(client_for: ClientFactory, person: Person) -> None:
    dept = client_for("dept-g")
    files = dept.get(f"/api/archives/{person.own.id}/files").json()
    outcomes: dict[str, str] = {}
    for entry in files:
        url = f"/api/archives/{person.own.id}/files/{quote(entry['path'])}"
        response = dept.get(url, params={"purpose": "核对"})
        assert person.number.encode() not in response.content, entry["path"]
        if response.status_code == 403:
            assert response.headers["content-type"] == PROBLEM
            assert "personal-data permission" in response.json()["detail"]
            outcomes[entry["path"]] = "withheld"
        else:
            assert response.status_code == 200, (entry["path"], response.text)
            outcomes[entry["path"]] = "sent"
            if entry["format"] == "XML":
                assert person.number[:3] + "*" * 13 in response.text
        preview = dept.get(f"/archives/{person.own.id}/files/{quote(entry['path'])}")
        assert person.number.encode() not in preview.content
        assert preview.status_code == response.status_code
    by_format = {e["format"]: outcomes[e["path"]] for e in files}
    assert by_format["JPEG"] == "withheld" and by_format["OFD"] == "withheld"
    assert by_format["XML"] == "sent"  # a masked rendition
    assert "sent" in {outcomes[e["path"]] for e in files if e["format"].startswith("PDF")}
    cleared = client_for("archivist")
    xml = next(e for e in files if e["format"] == "XML")
    original = cleared.get(f"/api/archives/{person.own.id}/files/{quote(xml['path'])}")
    assert person.number in original.text  # cleared roles get the original bytes
    events = client_for("admin").get("/api/events", params={"limit": 100}).json()
    withheld = [
        e
        for e in events
        if e["agent"] == "user:dept-g" and e["detail"].get("reason") == "personal data withheld"
    ]
    assert withheld
    sent_xml = [
        e
        for e in events
        if e["agent"] == "user:dept-g" and e["detail"].get("path") == xml["path"]
        and e["outcome"] == "success"
    ]  # fmt: skip
    assert sent_xml and sent_xml[-1]["detail"]["rendition"] == "masked"


def test_export_of_a_natural_persons_archive_needs_clearance(
    client_for: ClientFactory, person: Person
) -> None:
    auditor = client_for("auditor")  # may export, but has no personal-data permission
    refused = auditor.get(f"/api/archives/{person.own.id}/export")
    assert refused.status_code == 403 and refused.headers["content-type"] == PROBLEM
    assert "personal-data permission" in refused.json()["detail"]
    assert person.number not in refused.text
    assert client_for("dept-g").get(f"/api/archives/{person.own.id}/export").status_code == 403
    organisation = next(
        r for r in person.archive.catalog.iter_archives() if r.applicant_type == "法人"
    )
    assert auditor.get(f"/api/archives/{organisation.id}/export").status_code == 200
    bag = client_for("archivist").get(f"/api/archives/{person.own.id}/export")
    assert bag.status_code == 200
    with zipfile.ZipFile(io.BytesIO(bag.content)) as z:
        assert person.number.encode() in z.read("data/original/case.xml")


def test_the_event_log_never_shows_an_id_number_to_uncleared_readers(
    client_for: ClientFactory, person: Person
) -> None:
    archivist = client_for("archivist")
    # an archivist types the number into a purpose, and uses the applicant view
    archivist.get(f"/api/archives/{person.own.id}", params={"purpose": f"核对{person.number}"})
    _lookup(archivist, person.number, purpose=f"{person.number} 的办件")
    auditor = client_for("auditor")
    events = auditor.get("/api/events", params={"limit": 300})
    assert events.status_code == 200 and len(events.json()) > 10
    assert person.number not in events.text
    assert person.number not in auditor.get("/audit").text
    assert auditor.get("/api/events/verify").json()[0]["code"] == "EVENT_LOG_INTACT"
    stored = list(person.archive.events.iter_events())
    assert all(person.number not in json.dumps(e.detail, ensure_ascii=False) for e in stored)
    assert any(
        str(e.detail.get("purpose", "")).startswith("核对" + person.number[:3] + "*")
        for e in stored
    )


def test_no_identifier_in_any_catalog_or_index_file(person: Person) -> None:
    home: Path = person.archive.home
    files = [p for p in home.iterdir() if p.name.startswith(("catalog.db", "index.db"))]
    files += [p for p in (home / "index-tantivy").rglob("*") if p.is_file()]
    assert any(p.name == "catalog.db" for p in files)
    for path in files:
        data = path.read_bytes()
        assert person.number.encode() not in data, path.name
        assert person.number.lower().encode() not in data, path.name


def test_tokens_follow_their_role(client_for: ClientFactory, person: Person) -> None:
    store = UserStore(person.archive.engine, person.archive.clock)
    client = client_for()
    for role, status in (("submitter", 403), ("admin", 200)):
        token = store.create_token(f"{role}-applicants", role)[1]
        response = client.post(
            "/api/applicants",
            json={"identifier": person.number, "purpose": "系统核验"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == status, (role, response.text)
    assert client.post("/api/applicants", json={}).status_code == 401

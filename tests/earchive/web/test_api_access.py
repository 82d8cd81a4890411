"""The API's access control, end to end through the real app (FastAPI TestClient)."""

from __future__ import annotations

import io
import re
import zipfile
from urllib.parse import quote

import pytest
from fastapi import FastAPI

from tests.earchive.web.conftest import ClientFactory, TestClient, Web, password

PROBLEM = "application/problem+json"


def _api_routes(app: FastAPI) -> list[tuple[str, str]]:
    """Every operation in the OpenAPI document but /health, path parameters filled in."""
    out: list[tuple[str, str]] = []
    for path, operations in app.openapi()["paths"].items():
        if path != "/health":
            assert path.startswith("/api/"), path
            out.extend((m.upper(), re.sub(r"\{[^}]+\}", "x", path)) for m in operations)
    return out


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_every_api_route_needs_credentials(app: FastAPI, client_for: ClientFactory) -> None:
    anonymous = client_for()
    routes = _api_routes(app)
    assert ("POST", "/api/cases") in routes and ("GET", "/api/events") in routes
    for i, (method, path) in enumerate(routes):
        # failed tokens are rate-limited per token id and client address (test_login_rate_limit):
        # each route gets its own address and token id so none reaches the limit here
        with TestClient(app, client=(f"192.0.2.{i % 250}", 50000)) as client:
            for headers in ({}, _bearer(f"eat_{i:016x}_" + "x" * 43), _bearer("nonsense")):
                response = client.request(method, path, headers=headers)
                assert response.status_code == 401, (method, path, headers)
                assert response.headers["content-type"] == PROBLEM
                assert response.headers["www-authenticate"].startswith("Bearer")
    forged = client_for()
    forged.cookies.set("earchive_session", "eyJ1IjoiYWRtaW4ifQ.forged.sig")
    assert forged.get("/api/search").status_code == 401
    assert anonymous.get("/health").json() == {"status": "ok"}


def test_ui_pages_redirect_to_login(client_for: ClientFactory, web: Web) -> None:
    anonymous = client_for()
    for path in ("/", f"/archives/{web.records[0].id}", "/console", "/audit"):
        response = anonymous.get(path, follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
    assert anonymous.get("/login").status_code == 200


def test_submitter_token_may_only_post_cases(
    app: FastAPI, client_for: ClientFactory, web: Web
) -> None:
    client = client_for()
    headers = _bearer(web.tokens["submitter"])
    for method, path in _api_routes(app):
        if (method, path) in (
            ("POST", "/api/cases"),
            ("GET", "/api/me"),
            ("POST", "/api/archives/x/objections"),  # 异议标注 from the handling system
        ):
            continue
        assert client.request(method, path, headers=headers).status_code == 403, (method, path)
    package = sorted(web.samples.glob("*.zip"))[0]
    with package.open("rb") as fh:
        response = client.post(
            "/api/cases", headers=headers, files={"package": (package.name, fh, "application/zip")}
        )
    assert response.status_code == 200, response.text  # already archived: a duplicate
    assert response.json()["status"] == "duplicate"
    me = client.get("/api/me", headers=headers).json()
    assert me["role"] == "submitter" and me["permissions"] == ["objection_enter", "upload"]


def test_refused_upload_is_a_problem_with_every_reason_and_lands_in_quarantine(
    client_for: ClientFactory, web: Web
) -> None:
    client = client_for()
    headers = _bearer(web.tokens["submitter"])
    response = client.post(
        "/api/cases",
        headers=headers,
        files={"package": ("broken-case.zip", b"PK\x03\x04 not a zip", "application/zip")},
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["codes"] == ["ZIP_CORRUPT"]
    assert body["findings"][0]["code"] == "ZIP_CORRUPT"
    not_zip = client.post(
        "/api/cases", headers=headers, files={"package": ("case.txt", b"x", "text/plain")}
    )
    assert not_zip.status_code == 400
    quarantine = client_for("archivist").get("/api/quarantine").json()
    assert any(
        e["source_name"] == "broken-case.zip" and e["findings"][0]["code"] == "ZIP_CORRUPT"
        for e in quarantine
    )
    assert client_for("dept-g").get("/api/quarantine").status_code == 403
    page = client_for("archivist").get("/console")
    assert page.status_code == 200 and "ZIP_CORRUPT" in page.text


def test_department_sees_only_its_fonds_and_gets_404_elsewhere(
    client_for: ClientFactory, web: Web
) -> None:
    dept = client_for("dept-g")
    found = dept.get("/api/search", params={"limit": 50}).json()
    own = [r.id for r in web.records if r.fonds_identifier == "G002"]
    assert sorted(h["id"] for h in found["hits"]) == own
    assert set(found["facets"]["security_classification"]) <= {"公开"}
    other = web.one("S001")
    for path in (
        f"/api/archives/{other.id}",
        f"/api/archives/{other.id}/files",
        f"/api/archives/{other.id}/files/B/B1-收件凭证.pdf",
        f"/archives/{other.id}",
    ):
        response = dept.get(path)
        assert response.status_code == 404, path
    assert dept.get(f"/api/archives/{other.id}").json() == {
        "type": "about:blank",
        "title": "not found",
        "status": 404,
    }  # the same answer as for an archive that does not exist
    assert dept.get("/api/archives/no-such-archive").json()["status"] == 404
    assert dept.get("/api/search", params={"q": other.electronic_record_code}).json()["total"] == 0
    assert dept.get("/api/search", params={"fonds": "S001"}).json()["total"] == 0


def test_clearance_hides_archives_above_it(client_for: ClientFactory, web: Web) -> None:
    internal = web.one("S001", "内部")
    dept = client_for("dept-s")  # S001, clearance 公开
    ids = [h["id"] for h in dept.get("/api/search", params={"limit": 50}).json()["hits"]]
    assert ids == [web.one("S001").id]
    assert dept.get(f"/api/archives/{internal.id}").status_code == 404
    auditor = client_for("auditor")  # every fonds, clearance 内部
    assert auditor.get(f"/api/archives/{internal.id}").status_code == 200
    total = auditor.get("/api/search", params={"limit": 50}).json()["total"]
    assert total == len(web.records)


def test_personal_data_is_masked_by_role(client_for: ClientFactory, web: Web) -> None:
    record = web.one("G002")
    masked = client_for("dept-g").get(f"/api/archives/{record.id}").json()
    clear = client_for("admin").get(f"/api/archives/{record.id}").json()
    assert masked["personal_data_masked"] is True and clear["personal_data_masked"] is False
    full = clear["applicant_id_number"]
    assert re.fullmatch(r"\d{17}[\dX]", full)
    assert masked["applicant_id_number"] == full[:3] + "*" * 13 + full[-2:]
    assert masked["process"] and masked["process"][0]["code"] == "1"
    page = client_for("dept-g").get(f"/archives/{record.id}").text
    assert full not in page and masked["applicant_id_number"] in page
    assert full in client_for("archivist").get(f"/archives/{record.id}").text
    hits = client_for("dept-g").post("/api/search", json={"q": full}).json()["hits"]
    assert all(full not in h["snippet"] for h in hits)


def test_views_and_downloads_are_recorded_with_user_and_purpose(
    client_for: ClientFactory, web: Web
) -> None:
    record = web.one("G002")
    dept = client_for("dept-g")
    files = dept.get(f"/api/archives/{record.id}/files").json()
    pdf = next(f for f in files if f["format"].startswith("PDF"))
    url = f"/api/archives/{record.id}/files/{quote(pdf['path'])}"
    response = dept.get(url, params={"purpose": "核对证明"})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert response.headers["content-disposition"].startswith("attachment;")
    inline = dept.get(f"/archives/{record.id}/files/{quote(pdf['path'])}")
    assert inline.headers["content-disposition"].startswith("inline;")
    assert inline.headers["content-type"] == "application/pdf"
    xml = next(f for f in files if f["format"] == "XML")
    forced = dept.get(f"/archives/{record.id}/files/{quote(xml['path'])}")
    assert forced.headers["content-disposition"].startswith("attachment;")  # never inline
    dept.get(f"/api/archives/{web.one('S001').id}")  # a denied attempt
    events = client_for("auditor").get("/api/events", params={"limit": 20}).json()
    mine = [e for e in events if e["agent"] == "user:dept-g"]
    download = next(e for e in mine if e["detail"].get("mode") == "download")
    assert download["action"] == "access" and download["object"] == record.id
    assert download["detail"]["purpose"] == "核对证明" and download["detail"]["path"] == pdf["path"]
    assert any(e["detail"].get("mode") == "preview" for e in mine)
    assert any(e["outcome"] == "denied" for e in mine)


def test_events_and_chain_are_for_auditors(client_for: ClientFactory) -> None:
    assert client_for("dept-g").get("/api/events").status_code == 403
    assert client_for("archivist").get("/api/events/verify").status_code == 403
    findings = client_for("auditor").get("/api/events/verify").json()
    assert [f["code"] for f in findings] == ["EVENT_LOG_INTACT"]
    page = client_for("auditor").get("/audit")
    assert page.status_code == 200 and "EVENT_LOG_INTACT" in page.text


def test_export_is_a_zipped_bag(client_for: ClientFactory, web: Web) -> None:
    record = web.one("Z004")
    assert client_for("dept-g").get(f"/api/archives/{record.id}/export").status_code == 403
    response = client_for("auditor").get(f"/api/archives/{record.id}/export")
    assert response.status_code == 200 and response.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "bagit.txt" in names and "data/original/case.xml" in names


def test_admin_token_reads_everything(client_for: ClientFactory, web: Web) -> None:
    client = client_for()
    found = client.get("/api/search", headers=_bearer(web.tokens["admin"])).json()
    assert found["total"] == len(web.records)
    assert set(found["facets"]) >= {"task_name", "year", "security_classification"}


def test_sessions(client_for: ClientFactory, web: Web) -> None:
    failed = client_for().post("/login", data={"username": "admin", "password": "wrong-one"})
    assert failed.status_code == 401
    redirect = client_for().post(
        "/login",
        data={"username": "bureau", "password": password("bureau"), "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert redirect.headers["location"] == "/"
    cookie = redirect.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    client = client_for("bureau")
    assert client.get("/api/me").json()["role"] == "bureau"
    cross = client.post("/logout", headers={"Origin": "http://evil.example"})
    assert cross.status_code == 403
    from earchive.auth import UserStore

    store = UserStore(web.archive.engine, web.archive.clock)
    store.set_password("bureau", "a-new-password")
    try:
        assert client.get("/api/me").status_code == 401  # the old session ended
    finally:
        store.set_password("bureau", password("bureau"))


@pytest.mark.parametrize(("lang", "word"), [("zh", "检索"), ("en", "Search")])
def test_language_toggle(client_for: ClientFactory, lang: str, word: str) -> None:
    client = client_for("admin")
    client.get(f"/lang/{lang}")
    page = client.get("/")
    assert word in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]

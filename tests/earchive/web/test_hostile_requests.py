"""What a careless or hostile client gets from the API and the UI: a clear 4xx, never a 500 —
bodies over the limit are refused (413) before a route reads them, the same package uploaded
twice at once is 201 + 409/200, query values that are not numbers are 422, a logged-out cookie
is dead, answers are never cached, the API docs load from the archive itself under its CSP."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from earchive.core.archive import Archive
from earchive.web.app import create_app
from tests.earchive.web.conftest import ClientFactory, TestClient, Web, password


@pytest.fixture
def small_limit_app(web: Web) -> Iterator[FastAPI]:
    settings = web.archive.settings.model_copy(update={"max_upload_bytes": 64 * 1024})
    app = create_app(Archive(settings))
    yield app
    app.state.login_guard.limiter.clear()


def test_an_upload_over_the_limit_is_a_413_before_any_route(
    small_limit_app: FastAPI, web: Web
) -> None:
    client = TestClient(small_limit_app, headers={"x-token": web.tokens["submitter"]})
    big = b"PK\x03\x04" + bytes(200 * 1024)
    response = client.post(
        "/api/cases",
        headers={"Authorization": f"Bearer {web.tokens['submitter']}"},
        files={"package": ("big.zip", big, "application/zip")},
    )
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert "limit" in response.json()["detail"]

    # a chunked body (no Content-Length) is counted as it streams in
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield bytes(4096)

    streamed = client.post(
        "/api/cases",
        headers={
            "Authorization": f"Bearer {web.tokens['submitter']}",
            "Content-Type": "multipart/form-data; boundary=x",
        },
        content=chunks(),
    )
    assert streamed.status_code == 413
    client.close()


def test_the_same_new_package_twice_at_once_is_201_and_409_or_200(
    app: FastAPI, web: Web, tmp_path: Path
) -> None:
    from samples import SMALL_PROFILE, generate

    generate(1, tmp_path, seed=991, size_profile=SMALL_PROFILE)
    package = next(tmp_path.glob("*.zip"))
    data = package.read_bytes()
    token = web.tokens["submitter"]
    codes: list[int] = []
    retry: list[str] = []
    start = threading.Barrier(2)

    errors: list[str] = []

    def send() -> None:
        try:
            with TestClient(app) as client:
                start.wait()
                response = client.post(
                    "/api/cases",
                    headers={"Authorization": f"Bearer {token}"},
                    files={"package": (package.name, data, "application/zip")},
                )
        except Exception as exc:  # a server error raised through the client: name it below
            errors.append(f"{type(exc).__name__}: {exc}")
            return
        codes.append(response.status_code)
        if response.status_code == 409:
            retry.append(response.headers.get("retry-after", ""))
            errors.extend([] if response.json()["code"] == "busy" else [response.text])

    threads = [threading.Thread(target=send) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(codes) in ([200, 201], [201, 409]), codes
    assert all(r.isdigit() for r in retry)


@pytest.mark.parametrize(
    "query", ["year=²", "year=¹²³", "year=9223372036854775808", "year=x", "offset=-1", "offset=a"]
)
def test_ui_query_values_that_are_not_numbers_are_4xx(
    client_for: ClientFactory, query: str
) -> None:
    page = client_for("archivist").get(f"/?{query}")
    assert page.status_code == 422 and "text/html" in page.headers["content-type"]
    assert client_for("archivist").get(f"/api/search?{query}").status_code == 422


def test_a_cookie_is_dead_after_logout(client_for: ClientFactory, app: FastAPI) -> None:
    client = client_for("archivist")
    cookie = client.cookies.get("earchive_session")
    assert cookie and client.get("/api/me").status_code == 200
    assert client.post("/logout", follow_redirects=False).status_code == 303
    replay = TestClient(app, cookies={"earchive_session": cookie})
    assert replay.get("/api/me").status_code == 401  # the old cookie, replayed: refused
    assert replay.get("/", follow_redirects=False).status_code == 303
    replay.close()


def test_a_password_change_and_a_disabled_user_end_every_session(
    client_for: ClientFactory, web: Web
) -> None:
    from earchive.auth import UserStore

    store = UserStore(web.archive.engine, web.archive.clock)
    store.add_user("temp-user", "archivist", password=password("temp-user"))
    first, second = client_for("temp-user"), client_for("temp-user")
    assert first.get("/api/me").status_code == 200 and second.get("/api/me").status_code == 200
    store.set_password("temp-user", password("temp-user"))  # the same password, new hash
    assert first.get("/api/me").status_code == 401 and second.get("/api/me").status_code == 401
    third = client_for("temp-user")
    store.set_disabled("temp-user", True)
    assert third.get("/api/me").status_code == 401


def test_no_answer_is_cached_and_the_docs_are_local_under_the_csp(
    client_for: ClientFactory,
) -> None:
    client = client_for("archivist")
    for path in ("/", "/api/me", "/api/search", "/docs", "/openapi.json"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["cache-control"] == "no-store", path
    docs = client.get("/docs")
    assert "content-security-policy" in docs.headers
    assert "script-src 'self'" in docs.headers["content-security-policy"]
    assert "cdn" not in docs.text and "http" not in docs.text.replace("http-equiv", "")
    for asset in ("/static/vendor/swagger-ui/swagger-ui-bundle.js", "/static/docs.js"):
        assert client.get(asset).status_code == 200, asset
    assert "no-store" not in client.get("/static/docs.js").headers.get("cache-control", "")


def test_a_department_gets_birth_dates_and_addresses_masked(
    client_for: ClientFactory, web: Web
) -> None:
    record = web.one("G002")
    dept, archivist = client_for("dept-g"), client_for("archivist")
    files = dept.get(f"/api/archives/{record.id}/files").json()
    form = next(f for f in files if f["path"].endswith(".xml") and f["path"].startswith("A/"))
    url = f"/api/archives/{record.id}/files/{form['path']}"
    masked, clear = dept.get(url, params={"purpose": "核对"}), archivist.get(url)
    assert "<birth_date>" in clear.text and "<birth_date>****-**-**</birth_date>" in masked.text
    assert "＊＊＊</address>" in masked.text and "＊＊＊" not in clear.text
    assert masked.headers["cache-control"] == "no-store"

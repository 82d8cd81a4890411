"""The bureau's receiving API (``/api/bureau/transfers/…``): bureau mode, tokens and permission,
path safety, digest checks, size limit, idempotent PUT, listing, complete and a closed batch."""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from earchive.auth import UserStore
from earchive.core.archive import Archive
from earchive.settings import Settings
from earchive.web.app import create_app
from preservation.events import EventLog
from samples.unit_authority import unit_root

from .bureau_server import SENDER_NAME, Bureau, open_bureau

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette asks for httpx2 when only httpx is there
    from fastapi.testclient import TestClient

BASE = "/api/bureau/transfers"


def _digests(data: bytes) -> dict[str, str]:
    return {
        "X-Content-SM3": hashlib.new("sm3", data).hexdigest(),
        "X-Content-SHA256": hashlib.sha256(data).hexdigest(),
    }


@pytest.fixture
def bureau(tmp_path: Path) -> Iterator[Bureau]:
    own = Archive(Settings(home=tmp_path / "keyholder"))
    own.init()
    root = unit_root(tmp_path / "ca")
    b = open_bureau(
        tmp_path / "bureau", root, own.signer.public_key_pem, bureau_max_file_bytes=1000
    )
    yield b
    b.archive.engine.dispose()
    own.engine.dispose()


@pytest.fixture
def client(bureau: Bureau) -> Iterator[TestClient]:
    with TestClient(create_app(bureau.archive)) as c:
        c.headers["Authorization"] = f"Bearer {bureau.token}"
        yield c


def _staged(bureau: Bureau, batch: str) -> Path:
    return bureau.archive.settings.bureau_dir / "incoming" / SENDER_NAME / batch / batch


def test_put_list_and_idempotent_put(client: TestClient, bureau: Bureau) -> None:
    data = "移交 data".encode()
    url = f"{BASE}/b1/files/电子档案/2024/WS/a.eep.xml"
    first = client.put(url, content=data, headers=_digests(data))
    assert first.status_code == 201, first.text
    assert first.json()["stored"] is True
    again = client.put(url, content=data, headers=_digests(data))
    assert again.status_code == 200 and again.json()["stored"] is False
    listing = client.get(f"{BASE}/b1").json()
    assert listing["completed"] is False
    assert listing["files"] == {
        "电子档案/2024/WS/a.eep.xml": {
            "sm3": hashlib.new("sm3", data).hexdigest(),
            "sha256": hashlib.sha256(data).hexdigest(),
            "size": len(data),
        }
    }
    assert (_staged(bureau, "b1") / "电子档案/2024/WS/a.eep.xml").read_bytes() == data
    assert not list((_staged(bureau, "b1").parent / ".tmp").iterdir())  # no temp left behind
    assert client.get(f"{BASE}/unknown").json() == {
        "batch": "unknown",
        "files": {},
        "completed": False,
    }
    outcomes = [
        e.outcome
        for e in EventLog(bureau.archive.writer).iter_events()
        if e.action == "transfer_in"
    ]
    assert outcomes == ["stored", "unchanged"]


def test_digest_mismatch_is_refused_and_nothing_stays(client: TestClient, bureau: Bureau) -> None:
    data = b"the real bytes"
    response = client.put(f"{BASE}/b2/files/x.txt", content=b"other bytes", headers=_digests(data))
    assert response.status_code == 422
    assert response.json()["code"] == "digest_failed"
    assert not (_staged(bureau, "b2") / "x.txt").exists()
    assert not list((_staged(bureau, "b2").parent / ".tmp").iterdir())
    missing = client.put(f"{BASE}/b2/files/x.txt", content=data)  # no digests declared
    assert missing.status_code == 400


@pytest.mark.parametrize(
    "path",
    [
        "%2e%2e/escape.txt",  # ..
        "a/%2e%2e/%2e%2e/escape.txt",
        "%2Fetc/passwd",  # absolute
        "a%5Cb.txt",  # backslash
        "a/.tmp/x",  # hidden segment (the staging area's own)
        "cafe%CC%81.txt",  # not NFC (e + combining acute)
        "a%E2%88%95b.txt",  # division slash, a separator look-alike
        "x%07.txt",  # control character
    ],
)
def test_unsafe_paths_are_refused(client: TestClient, bureau: Bureau, path: str) -> None:
    data = b"x"
    response = client.put(f"{BASE}/b3/files/{path}", content=data, headers=_digests(data))
    assert response.status_code == 400, response.text
    assert response.json()["code"] == "unsafe_path"
    incoming = bureau.archive.settings.bureau_dir / "incoming"
    escaped = [
        p
        for p in bureau.archive.home.rglob("*")
        if p.is_file() and p.name in ("escape.txt", "passwd", "x")
    ]
    assert escaped == []
    if incoming.exists():
        assert not [p for p in incoming.rglob("*") if p.is_file()]


def test_unsafe_batch_and_size_limit(client: TestClient) -> None:
    data = b"y" * 1001
    too_big = client.put(f"{BASE}/b4/files/big.bin", content=data, headers=_digests(data))
    assert too_big.status_code == 413 and too_big.json()["code"] == "too_large"
    bad_batch = client.put(f"{BASE}/..%2Fx/files/a.txt", content=b"a", headers=_digests(b"a"))
    assert bad_batch.status_code == 404  # the decoded '/' leaves no route to match
    odd = client.put(f"{BASE}/b%20c/files/a.txt", content=b"a", headers=_digests(b"a"))
    assert odd.status_code == 400 and odd.json()["code"] == "unsafe_path"


def test_complete_needs_manifest_then_closes_the_batch(
    client: TestClient, bureau: Bureau, tmp_path: Path
) -> None:
    assert client.post(f"{BASE}/b5/complete").status_code == 409  # nothing delivered
    for name in ("manifest.txt", "manifest.sig.json"):
        data = b"not a real " + name.encode()
        assert (
            client.put(f"{BASE}/b5/files/{name}", content=data, headers=_digests(data)).status_code
            == 201
        )
    done = client.post(f"{BASE}/b5/complete")
    assert done.status_code == 200, done.text
    assert done.json()["receipt"]["code"] == "unpack_failed"  # 说明文件, 文件目录, 登记表 missing
    assert "signature" in done.json()
    assert client.post(f"{BASE}/b5/complete").content == done.content  # same receipt again
    assert client.get(f"{BASE}/b5").json()["completed"] is True
    late = client.put(f"{BASE}/b5/files/late.txt", content=b"l", headers=_digests(b"l"))
    assert late.status_code == 409 and late.json()["code"] == "batch_closed"


def test_a_sender_nothing_can_judge_is_403(client: TestClient, bureau: Bureau) -> None:
    """No agreed key and no trust root: the bureau cannot tell who signed, so it refuses."""
    (bureau.archive.settings.senders_path / f"{SENDER_NAME}.pem").unlink()
    for root in bureau.archive.settings.trust_path.iterdir():
        root.unlink()
    for name in ("manifest.txt", "manifest.sig.json"):
        client.put(f"{BASE}/b6/files/{name}", content=b"m", headers=_digests(b"m"))
    response = client.post(f"{BASE}/b6/complete")
    assert response.status_code == 403 and response.json()["code"] == "unknown_sender"


def test_tokens_and_permission(bureau: Bureau) -> None:
    with TestClient(create_app(bureau.archive)) as c:
        assert c.get(f"{BASE}/b7").status_code == 401  # no token
        c.headers["Authorization"] = "Bearer eat_0123456789abcdef_" + "x" * 40
        assert c.get(f"{BASE}/b7").status_code == 401  # a token that does not exist
        _, submitter = UserStore(bureau.archive.engine, bureau.archive.clock).create_token(
            "handling", "submitter"
        )
        c.headers["Authorization"] = f"Bearer {submitter}"
        assert c.get(f"{BASE}/b7").status_code == 403  # no transfer_in permission
        put = c.put(f"{BASE}/b7/files/a.txt", content=b"a", headers=_digests(b"a"))
        assert put.status_code == 403


def test_bureau_mode_off_is_404(tmp_path: Path) -> None:
    archive = Archive(Settings(home=tmp_path / "plain"))
    archive.init()
    _, token = UserStore(archive.engine, archive.clock).create_token("s", "sender")
    with TestClient(create_app(archive)) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        assert c.get(f"{BASE}/b8").status_code == 404
        assert (
            c.put(f"{BASE}/b8/files/a.txt", content=b"a", headers=_digests(b"a")).status_code == 404
        )
        assert c.post(f"{BASE}/b8/complete").status_code == 404
    assert not (archive.settings.bureau_dir / "incoming").exists()
    archive.engine.dispose()

"""Objection marking (异议标注) end to end through the real app: entered by an archivist (UI form)
and by the handling system's token (API), shown on the case page, in search results (API and
HTML) and in a BagIt export that LoC ``bagit`` validates — while the AIP's manifest, signature and
offline verification stay byte-for-byte the same. Departments see and decide only their fonds'
objections; the overdue report follows working days on a fixed clock."""

from __future__ import annotations

import base64
import io
import json
import re
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

import bagit
import pytest

from earchive.auth import UserStore
from earchive.core.archive import Archive
from earchive.services.exports import export_archive
from earchive.web.app import create_app
from package.annotation import verify_annotation
from package.verify import verify_package
from standards.finding import Status
from tests.earchive.web.conftest import ClientFactory, Web, password

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

CST = timezone(timedelta(hours=8))


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _stored(web: Web, archive_id: str) -> dict[str, bytes]:
    """The AIP's own manifest and signature, and its inventory, as stored."""
    record = web.archive.catalog.get(archive_id)
    assert record is not None
    out = {}
    for path in ("metadata/manifest.txt", "metadata/manifest.sig.json", "metadata/archival.xml"):
        with web.archive.open_file(archive_id, path) as fh:
            out[path] = fh.read()
    out["versions"] = repr(web.archive.catalog.versions(archive_id)).encode()
    out["record"] = repr(record).encode()
    return out


def _unzip(data: bytes, dest: Path) -> Path:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        zf.extractall(dest)
    return dest


def _bag_validates(bag_dir: Path) -> None:
    bag = bagit.Bag(str(bag_dir))
    bag.validate()  # raises BagValidationError on any problem
    assert bag.is_valid()


def _earchive_verify(bag_dir: Path, key: Path) -> list[dict[str, object]]:
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "earchive",
            "verify",
            str(bag_dir),
            "--trusted-key",
            str(key),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines() if line.strip()]


def test_archivist_marks_an_objection_shown_everywhere_record_unchanged(
    client_for: ClientFactory, web: Web, tmp_path: Path
) -> None:
    record = web.one("G002")
    before = _stored(web, record.id)
    clean_bag = export_archive(web.archive, record.id, tmp_path / "before")
    archivist = client_for("archivist")

    # the UI form on the case page (multipart, with an attachment)
    page = archivist.get(f"/archives/{quote(record.id, safe='')}")
    assert page.status_code == 200 and 'data-testid="objection-form"' in page.text
    assert "申请人住址登记错误" not in page.text  # (the API fuzz may have marked others already)
    response = archivist.post(
        f"/archives/{quote(record.id, safe='')}/objections",
        data={
            "element": "applicant",
            "claim": "申请人住址登记错误，应为浦江路 8 号",
            "subject_name": record.applicant_name,
            "subject_id_number": "310101199001011234",
        },
        files={"attachments": ("户籍证明.pdf", b"%PDF-1.4 proof\n", "application/pdf")},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    assert response.headers["location"].endswith("#objections")
    no_file = archivist.post(  # the form sent with no file chosen: an empty file part
        f"/archives/{quote(record.id, safe='')}/objections",
        data={
            "element": web.archive.catalog.files(record.id)[-1].path,
            "claim": "材料日期有误",
            "subject_name": "甲",
        },
        files={"attachments": ("", b"", "application/octet-stream")},
        follow_redirects=False,
    )
    assert no_file.status_code == 303, no_file.text

    # marked at once: the case page banner
    page = archivist.get(f"/archives/{quote(record.id, safe='')}").text
    banner = page.split('data-testid="objection-banner"', 1)[1].split("</section>", 1)[0]
    assert "申请人住址登记错误" in banner and "<strong>applicant</strong>" in banner
    assert record.receive_department in banner

    # search results: API field and the HTML badge
    hits = archivist.get("/api/search", params={"limit": 200}).json()["hits"]
    marks = {h["id"]: (h["objection_open"], h["open_objections"]) for h in hits}
    assert marks[record.id][0] is True and marks[record.id][1] >= 1
    assert marks[web.one("R005").id] == (False, 0)
    html = archivist.get("/").text
    assert f'data-testid="objection-badge" data-archive="{record.id}"' in html
    assert f'data-archive="{web.one("R005").id}"' not in html

    # the department of the fonds sees the banner too, with the ID number masked
    dept = client_for("dept-g")
    dept_page = dept.get(f"/archives/{quote(record.id, safe='')}").text
    assert 'data-testid="objection-banner"' in dept_page
    assert "310101199001011234" not in dept_page and "310*************34" in dept_page

    # export: annotations as tag files, bag-info says so, bagit validates, payload unchanged
    export = archivist.get(f"/api/archives/{quote(record.id, safe='')}/export")
    assert export.status_code == 200
    bag = _unzip(export.content, tmp_path / "after")
    tags = sorted(p.relative_to(bag).as_posix() for p in (bag / "objections").rglob("*.json"))
    assert tags and all(re.fullmatch(r"objections/OBJ-[\w-]+/entry\.json", t) for t in tags)
    attachments = list((bag / "objections").rglob("attachments/01-户籍证明.pdf"))
    assert attachments and attachments[0].read_bytes() == b"%PDF-1.4 proof\n"
    info = (bag / "bag-info.txt").read_text("utf-8")
    assert re.search(r"^Objections-Open: [1-9]", info, re.M)
    assert "Objection-Status: OPEN" in info
    tag_manifest = (bag / "tagmanifest-sha256.txt").read_text("utf-8")
    assert all(t in tag_manifest for t in tags)
    assert not any(p.name == "entry.json" for p in (bag / "data").rglob("*"))
    _bag_validates(bag)
    _bag_validates(clean_bag)
    for name in ("manifest-sha256.txt", "manifest-sm3.txt"):
        assert (bag / name).read_bytes() == (clean_bag / name).read_bytes()
    for sub in ("metadata/manifest.txt", "metadata/manifest.sig.json"):
        assert (bag / "data" / sub).read_bytes() == before[sub]
    key = tmp_path / "archive.pub.pem"
    key.write_text(web.archive.signer.public_key_pem, encoding="ascii")
    findings = _earchive_verify(bag, key)
    assert not [f for f in findings if f["status"] in ("FAIL", "MANUAL_REVIEW")]
    codes = {f["code"] for f in findings}
    assert {"BAG_VERIFIED", "AIP_VERIFIED", "AIP_SIGNATURE_TRUSTED", "ANNOTATION_VALID"} <= codes
    # a changed annotation in the bag: the tag manifest and the annotation's signature both say so
    mine = next(t for t in tags if "住址登记错误" in (bag / t).read_text("utf-8"))
    entry = bag / mine
    entry.write_bytes(entry.read_bytes().replace("住址".encode(), "姓名".encode()))
    failed = {(f.code, f.path) for f in verify_package(bag) if f.status is Status.FAIL}
    assert ("BAG_DIGEST_MISMATCH", mine) in failed and ("ANNOTATION_INVALID", mine) in failed
    assert not {c for c, _ in failed} - {"BAG_DIGEST_MISMATCH", "ANNOTATION_INVALID"}
    assert not [f for f in verify_package(clean_bag) if f.status is Status.FAIL]

    # the stored AIP is byte-identical to before the objection
    assert _stored(web, record.id) == before
    events = [
        e
        for e in web.archive.events.iter_events(object_prefix=record.id)
        if e.action == "objection"
    ]
    assert events and events[-1].outcome == "entered"
    assert events[-1].detail["via"] == "ui" and events[-1].detail["channel"] == "archivist"


def test_handling_system_token_enters_an_objection_through_the_api(
    client_for: ClientFactory, web: Web
) -> None:
    record = web.one("W003")
    before = _stored(web, record.id)
    client = client_for()
    file_path = web.archive.catalog.files(record.id)[0].path
    body = {
        "element": file_path,
        "claim": "该材料不属于本人",
        "data_subject": {"name": "李四", "id_number": "310101198505052345"},
        "attachments": [
            {
                "filename": "../../说明.txt",
                "content_base64": base64.b64encode("说明".encode()).decode(),
                "media_type": "text/plain",
            }
        ],
    }
    response = client.post(
        f"/api/archives/{quote(record.id, safe='')}/objections",
        json=body,
        headers=_bearer(web.tokens["submitter"]),
    )
    assert response.status_code == 201, response.text
    made = response.json()
    assert made["channel"] == "api" and made["open"] is True
    assert made["element_kind"] == "file" and made["element"] == f"original/{file_path}"
    assert made["entered_by"] == "token:submitter-system"
    assert [a["name"] for a in made["attachments"]] == ["01-说明.txt"]  # path parts dropped
    assert made["department"] == record.receive_department

    # an element that is not in the archive is refused, nothing is marked
    bad = client.post(
        f"/api/archives/{quote(record.id, safe='')}/objections",
        json=dict(body, element="noSuchElement", attachments=[]),
        headers=_bearer(web.tokens["submitter"]),
    )
    assert bad.status_code == 400 and "noSuchElement" in bad.json()["detail"]

    # the signed annotation verifies with the archive's key; a tampered copy does not
    admin = client_for("admin")
    data = admin.get(f"/api/objections/{made['id']}/annotations/entry").content
    check = verify_annotation(data, web.archive.signer.public_key_pem)
    assert check.valid and check.trusted is True
    assert check.annotation["claim"] == "该材料不属于本人"
    assert check.annotation["archive"]["manifest_sha256"] == (
        web.archive.catalog.versions(record.id)[-1].manifest_sha256
    )
    assert check.annotation["attachments"][0]["sm3"] == made["attachments"][0]["sm3"]
    # the data subject's ID number is signed as a keyed hash (identity key), never in clear
    assert b"310101198505052345" not in data
    subject = check.annotation["data_subject"]
    assert subject["id_number_masked"] == "310*************45"
    assert subject["id_key"]["hmac_sm3"] == web.archive.identities.digest(
        "person", "310101198505052345"
    )
    tampered = data.replace("该材料不属于本人".encode(), "该材料属于本人".encode())
    assert tampered != data
    assert verify_annotation(tampered, web.archive.signer.public_key_pem).valid is False
    other_key = verify_annotation(data, _other_public_key())
    assert other_key.valid and other_key.trusted is False
    # the department (no personal-data permission) may not fetch the unmasked document
    assert client_for("dept-g").get(
        f"/api/objections/{made['id']}/annotations/entry"
    ).status_code in (403, 404)

    listed = admin.get(f"/api/archives/{quote(record.id, safe='')}/objections").json()
    assert made["id"] in {o["id"] for o in listed}
    assert _stored(web, record.id) == before

    # a handling system bound to another fonds cannot mark (nor learn of) this archive
    store = UserStore(web.archive.engine, web.archive.clock)
    _, other_system = store.create_token("objection-system-s001", "submitter", fonds=("S001",))
    elsewhere = client.post(
        f"/api/archives/{quote(record.id, safe='')}/objections",
        json=dict(body, attachments=[]),
        headers=_bearer(other_system),
    )
    assert elsewhere.status_code == 404
    reader = client.get(f"/api/objections/{made['id']}", headers=_bearer(other_system))
    assert reader.status_code == 403  # a submitter reads nothing


def _other_public_key() -> str:
    from tempfile import TemporaryDirectory

    from package.signature import generate_key, load_signer

    with TemporaryDirectory() as tmp:
        return load_signer(generate_key(Path(tmp))).public_key_pem


def test_departments_see_and_decide_only_their_fonds(client_for: ClientFactory, web: Web) -> None:
    record = web.one("G002")
    archivist = client_for("archivist")
    url = f"/api/archives/{quote(record.id, safe='')}/objections"
    body = {"element": "title", "claim": "题名与申请事项不符", "data_subject": {"name": "王五"}}
    first = archivist.post(url, json=body).json()
    second = archivist.post(url, json=dict(body, claim="办结时间有误")).json()

    other = client_for("dept-s")  # fonds S001
    assert other.get(f"/api/objections/{first['id']}").status_code == 404
    decided = other.post(
        f"/api/objections/{first['id']}/decision", json={"decision": "rejected", "reason": "x"}
    )
    assert decided.status_code == 404
    assert first["id"] not in {o["id"] for o in other.get("/api/objections").json()}
    assert other.get(url).status_code == 404
    assert other.get("/objections").status_code == 200
    assert first["id"] not in other.get("/objections").text

    dept = client_for("dept-g")
    queue = {o["id"] for o in dept.get("/api/objections").json()}
    assert {first["id"], second["id"]} <= queue
    assert first["id"] in dept.get("/objections").text
    no_reason = dept.post(f"/api/objections/{first['id']}/decision", json={"decision": "rejected"})
    assert no_reason.status_code == 400
    rejected = dept.post(
        f"/api/objections/{first['id']}/decision",
        json={"decision": "rejected", "reason": "题名与受理登记一致"},
    ).json()
    assert rejected["status"] == "rejected" and rejected["open"] is False
    assert rejected["reason"] == "题名与受理登记一致" and rejected["decided_by"] == "user:dept-g"
    again = dept.post(
        f"/api/objections/{first['id']}/decision", json={"decision": "rejected", "reason": "y"}
    )
    assert again.status_code == 409

    bad_version = archivist.post(
        f"/api/objections/{second['id']}/decision",
        json={"decision": "confirmed", "new_version": 7},
    )
    assert bad_version.status_code == 400  # no such version of the archive
    confirm = archivist.post(
        f"/objections/{second['id']}/decision",
        data={"decision": "confirmed", "correction": "办结时间应为次日，以更正说明为准"},
        follow_redirects=False,
    )
    assert confirm.status_code == 303
    confirmed = archivist.get(f"/api/objections/{second['id']}").json()
    assert confirmed["status"] == "confirmed" and confirmed["correction"].startswith("办结时间")
    decision = client_for("admin").get(f"/api/objections/{second['id']}/annotations/decision")
    check = verify_annotation(decision.content, web.archive.signer.public_key_pem)
    assert check.valid and check.annotation["decision"] == "confirmed"
    assert check.annotation["entry_sm3"] == second["entry_sm3"]

    page = archivist.get(f"/archives/{quote(record.id, safe='')}").text
    assert f'data-objection="{first["id"]}" data-status="rejected"' in page
    assert f'data-objection="{second["id"]}" data-status="confirmed"' in page
    outcomes = [
        e.outcome
        for e in web.archive.events.iter_events(object_prefix=record.id)
        if e.action == "objection" and e.detail.get("objection") in (first["id"], second["id"])
    ]
    assert outcomes == ["entered", "entered", "rejected", "confirmed"]


@pytest.fixture
def clocked(web: Web) -> Iterator[tuple[dict[str, datetime], Callable[[str], TestClient]]]:
    """An app on the session archive whose clock the test sets."""
    now = {"at": datetime(2026, 11, 20, 20, 0, tzinfo=CST)}
    archive = Archive(web.archive.settings, clock=lambda: now["at"])
    app = create_app(archive)
    clients: list[TestClient] = []

    def login(user: str) -> TestClient:
        client = TestClient(app, base_url="http://testserver")
        clients.append(client)
        r = client.post("/login", data={"username": user, "password": password(user)},
                        follow_redirects=False)  # fmt: skip
        assert r.status_code == 303
        return client

    yield now, login
    for c in clients:
        c.close()
    archive.engine.dispose()
    archive.writer.dispose()


def test_overdue_report_counts_working_days(
    clocked: tuple[dict[str, datetime], Callable[[str], TestClient]], web: Web
) -> None:
    now, login = clocked
    record = web.one("S001")
    archivist = login("archivist")
    now["at"] = datetime(2026, 11, 20, 20, 0, tzinfo=CST)  # Friday evening
    made = archivist.post(
        f"/api/archives/{quote(record.id, safe='')}/objections",
        json={"element": "title", "claim": "周五晚提出的异议", "data_subject": {"name": "赵六"}},
    ).json()

    def overdue_ids(client: TestClient) -> set[str]:
        response = client.get("/api/objections/overdue")
        assert response.status_code == 200, response.text
        return {x["objection"]["id"] for x in response.json()}

    now["at"] = datetime(2026, 11, 21, 10, 0, tzinfo=CST)  # Saturday
    assert made["id"] not in overdue_ids(archivist)
    now["at"] = datetime(2026, 11, 23, 23, 59, tzinfo=CST)  # Monday, still its one working day
    assert made["id"] not in overdue_ids(archivist)
    now["at"] = datetime(2026, 11, 24, 9, 0, tzinfo=CST)  # Tuesday
    report = archivist.get("/api/objections/overdue").json()
    mine = next(x for x in report if x["objection"]["id"] == made["id"])
    assert datetime.fromisoformat(mine["deadline"]) == datetime(2026, 11, 24, 0, 0, tzinfo=CST)
    dept = login("dept-s")
    assert made["id"] in overdue_ids(dept)
    assert made["id"] not in overdue_ids(login("dept-g"))
    page = archivist.get("/objections").text
    overdue_table = page.split('data-testid="objection-overdue"', 1)[1].split("</section>", 1)[0]
    assert made["id"] in overdue_table
    # decided: off the report
    decided = dept.post(
        f"/api/objections/{made['id']}/decision",
        json={"decision": "rejected", "reason": "经核对无误"},
    )
    assert decided.status_code == 200, decided.text
    assert made["id"] not in overdue_ids(archivist)

"""The operation routes end to end (real app, real archive, TestClient): 四性 checks, fixity
audits, transfers, rebuild/reindex, event-log seals, users and tokens — who may call them (401,
403, 404 outside the fonds), and that what they start really happens and shows up."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from package.signature import generate_key, load_signer
from tests.earchive.web.ops_archive import OpsWeb, TestClient, build_ops_web, login, wait_job
from transfer import SenderTrust, receipt_json, receive

PROBLEM = "application/problem+json"

#: (method, path template, allowed roles) of every new API route; ``{id}`` is an archive id.
ROUTES: list[tuple[str, str, set[str]]] = [
    ("GET", "/api/archives/{id}/checks", {"admin", "archivist", "dept", "auditor", "bureau"}),
    ("POST", "/api/archives/{id}/checks", {"admin", "archivist"}),
    ("GET", "/api/archives/{id}/check-report", {"admin", "archivist", "dept", "auditor", "bureau"}),
    ("GET", "/api/audits", {"admin", "archivist", "auditor"}),
    ("POST", "/api/audits", {"admin", "archivist", "auditor"}),
    ("GET", "/api/audits/ledger", {"admin", "archivist", "auditor"}),
    ("GET", "/api/checks/summary", {"admin", "archivist", "auditor"}),
    ("GET", "/api/jobs/nope", {"admin", "archivist", "auditor", "bureau"}),
    ("GET", "/api/transfers/plan", {"admin", "archivist", "auditor", "bureau"}),
    ("GET", "/api/transfers/batches", {"admin", "archivist", "auditor", "bureau"}),
    ("GET", "/api/transfers/receipts", {"admin", "archivist", "auditor", "bureau"}),
    ("POST", "/api/transfers", {"admin", "archivist"}),
    ("GET", "/api/reminders", {"admin", "archivist", "dept", "auditor", "bureau"}),
    ("POST", "/api/admin/rebuild", {"admin"}),
    ("POST", "/api/admin/reindex", {"admin"}),
    ("POST", "/api/events/seal", {"admin"}),
    ("GET", "/api/events/seals/verify", {"admin", "auditor"}),
    ("GET", "/api/users", {"admin"}),
    ("POST", "/api/users", {"admin"}),
    ("POST", "/api/users/nobody/disable", {"admin"}),
    ("POST", "/api/users/nobody/enable", {"admin"}),
    ("GET", "/api/tokens", {"admin"}),
    ("POST", "/api/tokens", {"admin"}),
    ("DELETE", "/api/tokens/nope", {"admin"}),
]
ROLE_USERS = {
    "admin": "admin",
    "archivist": "archivist",
    "dept": "dept-r",
    "auditor": "auditor",
    "bureau": "bureau",
}


@pytest.fixture(scope="module")
def ops(tmp_path_factory: pytest.TempPathFactory) -> OpsWeb:
    return build_ops_web(tmp_path_factory.mktemp("ops"))


@pytest.fixture(scope="module")
def app(ops: OpsWeb) -> Iterator[FastAPI]:
    app = ops.app()
    yield app
    app.state.jobs.close()


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> Iterator[dict[str, TestClient]]:
    made = {role: login(app, user) for role, user in ROLE_USERS.items()}
    made["anonymous"] = login(app, None)
    made["archivist-r"] = login(app, "archivist-r")
    made["dept-z"] = login(app, "dept-z")
    yield made
    for c in made.values():
        c.close()


def test_every_new_route_answers_401_without_credentials(
    clients: dict[str, TestClient], ops: OpsWeb
) -> None:
    anonymous = clients["anonymous"]
    archive_id = ops.records["R005"].id
    for method, template, _allowed in ROUTES:
        path = template.format(id=archive_id)
        response = anonymous.request(method, path)
        assert response.status_code == 401, (method, path)
        assert response.headers["content-type"] == PROBLEM


def test_roles_without_the_permission_get_403_before_anything_runs(
    clients: dict[str, TestClient], ops: OpsWeb
) -> None:
    archive_id = ops.records["R005"].id  # in dept-r's fonds: a 403 here is about the role
    before = ops.archive.events.head()
    for method, template, allowed in ROUTES:
        path = template.format(id=archive_id)
        for role in ROLE_USERS:
            if role in allowed:
                continue
            response = clients[role].request(method, path, json={})
            assert response.status_code == 403, (role, method, path, response.text)
            assert response.headers["content-type"] == PROBLEM
    after = ops.archive.events.head()
    assert before is not None and after is not None
    # a refused request starts nothing: no check, audit, transfer or admin event was recorded
    new = list(ops.archive.events.iter_events(before.seq or 0))
    assert not [e for e in new if e.action in ("check", "audit", "transfer", "admin", "rebuild")]


def test_readers_may_read(clients: dict[str, TestClient], ops: OpsWeb) -> None:
    archive_id = ops.records["R005"].id
    for method, template, allowed in ROUTES:
        if method != "GET" or "nope" in template or "check-report" in template:
            continue
        path = template.format(id=archive_id)
        for role in allowed:
            response = clients[role].get(path)
            assert response.status_code == 200, (role, path, response.text)


def test_archives_outside_the_fonds_are_404(clients: dict[str, TestClient], ops: OpsWeb) -> None:
    other = ops.records["S001"].id
    bound = clients["archivist-r"]  # an archivist bound to fonds R005
    for method, path in (
        ("GET", f"/api/archives/{other}/checks"),
        ("POST", f"/api/archives/{other}/checks"),
        ("GET", f"/api/archives/{other}/check-report"),
    ):
        response = bound.request(method, path, json={"stage": "gd"})
        assert response.status_code == 404, (method, path, response.text)
        assert "detail" not in response.json()  # a 404 never echoes what was asked for
    response = bound.post("/api/transfers", json={"ids": [other]})
    assert response.status_code == 404
    assert clients["dept-z"].get(f"/api/archives/{other}/checks").status_code == 404
    plan = bound.get("/api/transfers/plan").json()
    assert [e["fonds"] for e in plan] == ["R005"]
    denied = [
        e
        for e in ops.archive.events.iter_events(0, other)
        if e.action == "access" and e.outcome == "denied" and e.detail.get("user") == "archivist-r"
    ]
    assert len(denied) >= 4


def test_a_check_run_through_the_api_is_listed_and_its_report_is_a_pdf(
    clients: dict[str, TestClient], ops: OpsWeb
) -> None:
    client = clients["archivist"]
    archive_id = ops.records["W003"].id
    assert client.get(f"/api/archives/{archive_id}/check-report").status_code == 404  # no run yet
    response = client.post(f"/api/archives/{archive_id}/checks", json={"stage": "bc"})
    assert response.status_code == 201, response.text
    run = response.json()
    assert run["stage"] == "BC" and run["archive_id"] == archive_id
    assert sum(run["summary"].values()) == len(run["results"]) > 0
    assert {r["finding"]["status"] for r in run["results"]} <= {
        "PASS", "FAIL", "WARN", "MANUAL_REVIEW", "NOT_APPLICABLE"
    }  # fmt: skip
    runs = client.get(f"/api/archives/{archive_id}/checks").json()
    assert runs[0]["finished"] == run["finished"] and runs[0]["stage"] == "BC"
    pdf = client.get(f"/api/archives/{archive_id}/check-report", params={"form": "pdf"})
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and b"%%EOF" in pdf.content[-1024:]
    html = client.get(f"/api/archives/{archive_id}/check-report", params={"form": "html"})
    assert html.status_code == 200 and archive_id in html.text
    bad = client.post(f"/api/archives/{archive_id}/checks", json={"stage": "zz"})
    assert bad.status_code == 422 and bad.headers["content-type"] == PROBLEM
    requested = [
        e
        for e in ops.archive.events.iter_events(0, archive_id)
        if e.action == "access" and e.detail.get("mode") == "run_check"
    ]
    assert requested[-1].detail["user"] == "archivist" and requested[-1].detail["stage"] == "BC"


def test_audits_through_the_api_appear_in_the_history_and_the_chart(
    clients: dict[str, TestClient], ops: OpsWeb
) -> None:
    client = clients["auditor"]
    before = len(client.get("/api/audits").json())
    for body in ({}, {"limit": 2}):
        response = client.post("/api/audits", json=body)
        assert response.status_code == 202, response.text
        job = response.json()
        assert response.headers["location"] == job["url"] == f"/api/jobs/{job['id']}"
        done = wait_job(client, job["url"])
        assert done["status"] == "done", done
        assert done["result"]["failed"] == 0  # type: ignore[index]
    history = client.get("/api/audits").json()
    assert len(history) == before + 2
    assert history[-1]["objects"] == 2 and history[-2]["objects"] == 4
    assert history[-2]["files"] > 0 and history[-2]["bytes"] > 0
    page = client.get("/audit")
    assert page.status_code == 200
    svg = re.search(r"<svg class=\"audit-chart\".*?</svg>", page.text, re.S)
    assert svg is not None and 'role="img"' in svg.group(0)
    assert svg.group(0).count('<g class="run') == len(history)
    assert svg.group(0).count('class="bar bar-files"') == len(history)
    for run in history:
        assert f'data-seq="{run["seq"]}"' in svg.group(0)
    ledger = client.get("/api/audits/ledger", params={"format": "csv"})
    assert ledger.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(ledger.text)))
    assert {r["archive_id"] for r in rows} == {r.id for r in ops.records.values()}
    assert {r["outcome"] for r in rows} == {"PASS"}
    assert client.post("/api/audits", json={"location": "nowhere"}).status_code == 422
    replica = client.post("/api/audits", json={"location": "replica"})
    failed = wait_job(client, replica.json()["url"])  # no replica configured: the job fails
    assert failed["status"] == "failed" and "replica" in str(failed["error"])
    # another principal without the permission cannot read the job
    assert clients["dept"].get(replica.json()["url"]).status_code == 403


def test_a_transfer_shows_in_the_console_with_its_batch_and_receipt(
    clients: dict[str, TestClient], ops: OpsWeb, tmp_path: Path
) -> None:
    client = clients["archivist"]
    plan = client.get("/api/transfers/plan").json()
    assert {e["status"] for e in plan} == {"due"}  # all completed in 2022: due by 2027
    assert all(e["reason_en"] and e["deadline"] > "2027" for e in plan)
    console = client.get("/transfers")
    assert console.status_code == 200 and 'data-testid="start-transfer"' in console.text
    assert console.text.count('data-status="due"') == 4
    started = client.post("/api/transfers", json={})
    assert started.status_code == 202, started.text
    done = wait_job(client, started.json()["url"])
    assert done["status"] == "done", done
    first = done["result"]
    assert isinstance(first, dict) and first["batches"] == []  # nothing leaves unreviewed
    waiting = first["signoff_needed"]
    assert len(waiting) == 4  # one package per 立档单位: four units, four batches
    listed = client.get("/api/transfers/signoffs").json()
    assert {r["batch_id"] for r in listed} == {w["batch_id"] for w in waiting}
    assert all(r["items"] and r["signed_by"] is None for r in listed)
    page = client.get("/transfers").text
    assert 'data-testid="signoffs"' in page and page.count('data-testid="signoff-form"') == 4
    assert (
        clients["bureau"]
        .post(
            "/api/transfers/signoffs", json={"batch_id": waiting[0]["batch_id"], "reason": "x" * 9}
        )
        .status_code
        == 403
    )  # read only for the bureau
    short = client.post("/api/transfers/signoffs", json={"batch_id": "b", "reason": "ok"})
    assert short.status_code == 422  # a reason says why
    for w in waiting:
        signed_off = client.post(
            "/api/transfers/signoffs",
            json={"batch_id": w["batch_id"], "reason": "病毒检测由终端防护完成，已人工核验"},
        )
        assert signed_off.status_code == 200, signed_off.text
        assert signed_off.json()[0]["signed_by"] == "user:archivist"
    assert client.get("/api/transfers/signoffs").json() == []
    again = wait_job(client, client.post("/api/transfers", json={}).json()["url"])
    assert again["status"] == "done", again
    result = again["result"]
    assert isinstance(result, dict) and result["signoff_needed"] == []
    assert len(result["batches"]) == 4
    assert {b["unit"] for b in result["batches"]} == {
        unit.name
        for unit in (ops.archive.unit_identity(f) for f in ops.records)
        if unit is not None
    }
    sent = result["batches"][0]
    batch_id = sent["batch_id"]
    delivered = Path(str(sent["target"]))
    assert delivered.parent == ops.target and (delivered / "manifest.txt").is_file()
    batches = client.get("/api/transfers/batches").json()
    assert batch_id in {b["batch_id"] for b in batches}
    assert {b["status"] for b in batches} == {"delivered"}
    assert sum(b["sent"] + b["refused"] for b in batches) == 4
    statuses = {e["id"]: e["status"] for e in client.get("/api/transfers/plan").json()}
    in_flight = {i["id"] for b in batches for i in b["items"] if i["status"] == "sent"}
    assert in_flight and {statuses[i] for i in in_flight} == {"sent"}  # not sent twice
    assert client.get("/transfers").text.count('data-status="sent"') == len(in_flight)
    # the bureau verifies the package against the units' CA and signs a receipt
    bureau = load_signer(generate_key(tmp_path / "bureau-keys"))
    trust = SenderTrust(ops.archive.trust_roots())
    receipt = receive(delivered, trust, receiver="市档案馆", clock=ops.clock)
    assert receipt.code == "accepted", receipt
    signed = receipt_json(receipt, bureau)
    receipt_path = delivered.with_name(delivered.name + ".receipt.json")
    receipt_path.write_bytes(signed)
    tampered = json.loads(signed)
    tampered["receipt"]["code"] = "accepted" if receipt.code != "accepted" else "digest_failed"
    refused = client.post(
        "/api/transfers/receipts",
        json={"receipt": tampered, "receiver_key_pem": bureau.public_key_pem},
    )
    assert refused.status_code == 422 and refused.headers["content-type"] == PROBLEM
    recorded = client.post(
        "/api/transfers/receipts",
        json={"receipt": json.loads(signed), "receiver_key_pem": bureau.public_key_pem},
    )
    assert recorded.status_code == 201, recorded.text
    assert recorded.json()["batch_id"] == batch_id and recorded.json()["code"] == receipt.code
    receipts = clients["bureau"].get("/api/transfers/receipts").json()
    assert receipts[0]["batch_id"] == batch_id and receipts[0]["code"] == receipt.code
    assert len(receipts[0]["items"]) == len(receipt.items) and not receipts[0]["problem"]
    page = clients["bureau"].get("/transfers")  # read only for the bureau
    assert batch_id in page.text and 'data-testid="receipt"' in page.text
    assert 'data-testid="start-transfer"' not in page.text
    assert clients["dept"].get("/transfers").status_code == 403


def test_rebuild_reindex_and_event_log_seals(clients: dict[str, TestClient], ops: OpsWeb) -> None:
    admin = clients["admin"]
    reindex = wait_job(admin, admin.post("/api/admin/reindex").json()["url"])
    assert reindex["status"] == "done" and reindex["result"] == {"indexed": 4, "left_out": {}}
    rebuild = wait_job(admin, admin.post("/api/admin/rebuild").json()["url"])
    assert rebuild["status"] == "done", rebuild
    assert rebuild["result"]["archives"] == 4 and rebuild["result"]["problems"] == []  # type: ignore[index]
    assert len(admin.get("/api/search").json()["hits"]) == 4
    sealed = admin.post("/api/events/seal").json()
    assert sealed["sealed"] is True and sealed["head_seq"] > 0
    findings = clients["auditor"].get("/api/events/seals/verify").json()
    assert findings and not [f for f in findings if f["status"] == "FAIL"]


def test_users_and_tokens_are_managed_by_admins(
    app: FastAPI, clients: dict[str, TestClient]
) -> None:
    admin = clients["admin"]
    made = admin.post("/api/users", json={"name": "li", "role": "department", "fonds": ["W003"]})
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["fonds"] == ["W003"] and body["clearance"] == "公开" and len(body["password"]) >= 8
    assert "password" not in str(admin.get("/api/users").json())
    li = TestClient(app)
    assert li.post("/login", data={"username": "li", "password": body["password"]},
                   follow_redirects=False).status_code == 303  # fmt: skip
    assert li.get("/api/me").json()["fonds"] == ["W003"]
    assert admin.post("/api/users/li/disable").json()["disabled"] is True
    assert li.get("/api/me").status_code == 401  # the session ends at once
    li.close()
    refused = admin.post("/api/users", json={"name": "x", "role": "department"})  # no fonds
    assert refused.status_code == 400 and refused.headers["content-type"] == PROBLEM
    assert (
        admin.post("/api/users", json={"name": "bad name!", "role": "auditor"}).status_code == 400
    )
    token = admin.post("/api/tokens", json={"name": "handling", "role": "submitter"}).json()
    assert token["token"].startswith(f"eat_{token['id']}_") and token["role"] == "submitter"
    listed = admin.get("/api/tokens").json()
    assert token["id"] in {t["id"] for t in listed} and "token" not in listed[0]
    bearer = {"Authorization": f"Bearer {token['token']}"}
    assert admin.get("/api/me", headers=bearer).json()["role"] == "submitter"
    assert admin.delete(f"/api/tokens/{token['id']}").status_code == 204
    assert admin.get("/api/me", headers=bearer).status_code == 401
    assert admin.delete("/api/tokens/0000000000000000").status_code == 400


def test_restore_from_the_replica_through_the_api(tmp_path: Path) -> None:
    ops = build_ops_web(tmp_path, replica=True)
    app = ops.app()
    admin, auditor = login(app, "admin"), login(app, "auditor")
    z004 = ops.records["Z004"].id
    stored = sorted(
        p for p in (ops.home / "storage").rglob("*")
        if p.is_file() and "Z004" in str(p) and "/content/original/" in str(p)
    )[0]  # fmt: skip
    stored.chmod(0o644)
    stored.write_bytes(b"not what was archived")
    audit = wait_job(auditor, auditor.post("/api/audits", json={}).json()["url"])
    assert audit["result"]["failed"] == 1  # type: ignore[index]
    assert auditor.post(f"/api/archives/{z004}/restore").status_code == 403
    started = admin.post(f"/api/archives/{z004}/restore", json={"source": "replica"})
    assert started.status_code == 202, started.text
    done = wait_job(admin, started.json()["url"])
    assert done["status"] == "done" and done["result"]["ok"] is True, done  # type: ignore[index]
    assert done["result"]["repaired"]  # type: ignore[index]
    again = wait_job(auditor, auditor.post("/api/audits", json={}).json()["url"])
    assert again["result"]["failed"] == 0  # type: ignore[index]
    assert not [r for r in auditor.get("/api/reminders").json()["reminders"]
                if r["kind"] == "fixity_failed"]  # fmt: skip
    assert admin.post("/api/archives/nope/restore").status_code == 404
    for c in (admin, auditor):
        c.close()
    app.state.jobs.close()


def test_console_rerun_form_runs_the_checks_and_refuses_other_origins(
    clients: dict[str, TestClient], ops: OpsWeb
) -> None:
    client = clients["archivist"]
    archive_id = ops.records["S001"].id
    console = client.get("/console").text
    assert 'data-testid="console-rerun"' in console and 'data-testid="reminders"' in console
    before = len(client.get(f"/api/archives/{archive_id}/checks").json())
    foreign = client.post(
        "/console/checks",
        data={"archive_id": archive_id, "stage": "yj"},
        headers={"Origin": "http://evil.example"},
        follow_redirects=False,
    )
    assert foreign.status_code == 403  # cookie-authenticated changes come from our own origin
    response = client.post(
        "/console/checks",
        data={"archive_id": archive_id, "stage": "yj"},
        headers={"Origin": "http://testserver"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    runs = client.get(f"/api/archives/{archive_id}/checks").json()
    assert len(runs) == before + 1 and runs[0]["stage"] == "YJ"
    outcome = "failed" if runs[0]["failed"] else "passed"
    assert response.headers["location"].endswith(f"checked=YJ&outcome={outcome}#checks")
    page = client.get(response.headers["location"].split("#")[0]).text
    assert 'data-testid="rerun-done"' in page
    assert clients["auditor"].post(
        "/console/checks", data={"archive_id": archive_id}, follow_redirects=False
    ).status_code == 403  # fmt: skip

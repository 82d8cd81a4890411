"""The archivist's quarantine actions over the API: read a refused package's report, delete it
with a reason (kept in the event log), submit it again; departments may do none of it."""

from __future__ import annotations

import io
import zipfile

from tests.earchive.web.conftest import ClientFactory, Web


def _refused_upload(client_for: ClientFactory, name: str) -> str:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("../escape.txt", b"x")  # zip-slip: refused, kept with its report
    archivist = client_for("archivist")
    sent = archivist.post(
        "/api/cases", files={"package": (name, buf.getvalue(), "application/zip")}
    )
    assert sent.status_code == 422 and "ZIP_SLIP" in sent.json()["codes"]
    listed = archivist.get("/api/quarantine").json()
    return next(e["name"] for e in listed if e["source_name"] == name)


def test_report_delete_and_resubmit(client_for: ClientFactory, web: Web) -> None:
    archivist, dept = client_for("archivist"), client_for("dept-g")
    name = _refused_upload(client_for, "slip-1.zip")
    report = archivist.get(f"/api/quarantine/{name}/report")
    assert report.status_code == 200 and report.headers["cache-control"] == "no-store"
    assert any(f["code"] == "ZIP_SLIP" for f in report.json()["findings"])
    assert dept.get(f"/api/quarantine/{name}/report").status_code == 403
    assert archivist.get("/api/quarantine/..%2F..%2Fkeys/report").status_code in (404, 422)

    again = archivist.post(f"/api/quarantine/{name}/resubmit")
    assert again.status_code == 422  # still a zip-slip: refused again, in a new folder
    names = [e["name"] for e in archivist.get("/api/quarantine").json()]
    assert name not in names and any(n.endswith("slip-1.zip") for n in names)

    other = _refused_upload(client_for, "slip-2.zip")
    no_reason = archivist.post(f"/api/quarantine/{other}/delete", json={"reason": ""})
    assert no_reason.status_code == 422
    assert (
        dept.post(f"/api/quarantine/{other}/delete", json={"reason": "cleanup"}).status_code == 403
    )
    gone = archivist.post(f"/api/quarantine/{other}/delete", json={"reason": "test upload"})
    assert gone.status_code == 204
    assert archivist.get(f"/api/quarantine/{other}/report").status_code == 404
    events = [e for e in web.archive.events.iter_events(0, other) if e.action == "quarantine"]
    assert [(e.outcome, e.detail["reason"]) for e in events] == [("deleted", "test upload")]

"""``earchive rebuild`` restores the objections table from the stored signed annotations: after
the catalog database is lost, the objections list, the open marks in search and the objection tag
files of a BagIt export are what they were; the one unsigned column (the data subject's clear ID
number) comes back when it is the case's applicant's or the table still held it, else the report
says so. A tampered entry, a decision signed by another key, a damaged attachment and an
unfinished folder are reported, and no row is invented for them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from earchive.core.archive import Archive
from earchive.services.maintenance import run_rebuild
from earchive.services.objections.service import Actor, NewAttachment, decide, enter
from earchive.services.objections.store import ObjectionStore
from earchive.settings import Settings
from ingest.casexml import parse_case
from package.aip import CASE_XML_PATH
from package.annotation import sign_annotation
from package.signature import generate_key, load_signer
from preservation.annotation_files import AnnotationFiles, AnnotationStoreError
from tests.earchive.conftest import Cli

OTHER_ID = "110101199003074477"  # not an applicant of the sample cases


def _applicant_id(home: Path, archive_id: str) -> str:
    archive = Archive(Settings(home=home))
    with archive.open_file(archive_id, CASE_XML_PATH) as fh:
        case, _findings = parse_case(fh.read())
    assert case is not None and case.applicant.id_number.strip()
    return case.applicant.id_number.strip()


def _state(cli: Cli, ids: list[str], out: Path) -> dict[str, Any]:
    """The objections list, the open marks in search and each export's objection tag files."""
    exports = {}
    for n, archive_id in enumerate(ids):
        dest = out / str(n)
        cli.run("export", archive_id, str(dest))
        tags = {
            p.relative_to(dest).as_posix(): p.read_bytes()
            for p in sorted((dest / "objections").rglob("*"))
            if p.is_file()
        }
        info = (dest / "bag-info.txt").read_text("utf-8").splitlines()
        exports[archive_id] = (tags, [line for line in info if line.startswith("Objection")])
    return {
        "list": cli.json_lines("objections", "list"),
        "marks": {h["id"]: h["objection_open"] for h in cli.json_lines("search", "")},
        "exports": exports,
    }


def _rebuild(cli: Cli, code: int = 0) -> dict[str, Any]:
    proc = cli.run("rebuild", "--json", check=False)
    assert proc.returncode == code, proc.stdout + proc.stderr
    report = json.loads(proc.stdout)
    assert isinstance(report, dict)
    return report


def _wipe_catalog(home: Path) -> None:
    for name in ("catalog.db", "catalog.db-wal", "catalog.db-shm"):
        (home / name).unlink(missing_ok=True)


def test_rebuild_restores_objections_from_the_stored_annotations(
    cli: Cli, zips: Callable[[], list[Path]], tmp_path: Path
) -> None:
    cli.run("init")
    results = cli.json_lines("ingest", *map(str, zips()[:2]))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    ids = [str(r["id"]) for r in results]
    applicant = _applicant_id(cli.home, ids[0])
    proof = tmp_path / "户籍证明.txt"
    proof.write_text("户籍证明：住址为浦江路 8 号", encoding="utf-8")
    [first] = cli.json_lines(
        "objections", "add", ids[0], "--element", "title", "--claim", "题名有误",
        "--subject", "张三", "--subject-id", applicant, "--attach", str(proof), "--by", "档案员甲",
    )  # fmt: skip
    [second] = cli.json_lines(
        "objections", "add", ids[1], "--element", "applicant", "--claim", "申请人住址登记错误",
        "--subject", "李四", "--subject-id", OTHER_ID,
    )  # fmt: skip
    cli.json_lines(
        "objections", "decide", str(second["id"]), "--decision", "rejected",
        "--reason", "与原始登记一致",
    )  # fmt: skip
    before = _state(cli, ids, tmp_path / "before")
    assert before["marks"] == {ids[0]: True, ids[1]: False}
    assert [o["status"] for o in before["list"]] == ["open", "rejected"]
    tags = before["exports"][ids[0]][0]
    assert f"objections/{first['id']}/attachments/01-户籍证明.txt" in tags

    # a rebuild over a surviving catalog changes nothing (the ID numbers the table held stay)
    report = _rebuild(cli)
    assert report["archives"] == 2 and report["problems"] == []
    assert report["objections"] == {
        "restored": 2, "open": 1, "skipped": [], "damaged": [], "id_numbers_missing": [],
        "unfinished": [],
    }  # fmt: skip
    assert _state(cli, ids, tmp_path / "again") == before

    # the catalog database is lost: everything comes back from storage alone
    _wipe_catalog(cli.home)
    report = _rebuild(cli)
    restored = report["objections"]
    assert isinstance(restored, dict)
    assert (restored["restored"], restored["open"], restored["skipped"]) == (2, 1, [])
    # the applicant's ID number is found again in case.xml; another number is not guessed
    assert restored["id_numbers_missing"] == [second["id"]]
    after = _state(cli, ids, tmp_path / "after")
    expected_list = [
        dict(o, subject_id_number="") if o["id"] == second["id"] else o for o in before["list"]
    ]
    assert after["list"] == expected_list
    assert expected_list[0]["subject_id_number"] == applicant
    assert after["marks"] == before["marks"]
    assert after["exports"] == before["exports"]
    [check] = cli.json_lines("objections", "verify", str(first["id"]))
    assert check["valid"] is True and check["trusted"] is True

    # a tampered stored entry is reported and not restored
    entry = next((cli.home / "annotations").glob(f"*/{first['id']}/entry.json"))
    entry.chmod(0o644)
    entry.write_bytes(entry.read_bytes().replace("题名有误".encode(), "题名无误".encode()))
    report = _rebuild(cli, code=1)
    restored = report["objections"]
    assert isinstance(restored, dict)
    assert restored["restored"] == 1 and restored["open"] == 0
    [skipped] = restored["skipped"]
    assert skipped["objection"].endswith(f"/{first['id']}")
    assert "signature does not verify" in skipped["message"]
    assert [o["id"] for o in cli.json_lines("objections", "list")] == [second["id"]]
    marks = {h["id"]: h["objection_open"] for h in cli.json_lines("search", "")}
    assert marks == {ids[0]: False, ids[1]: False}
    text = cli.run("rebuild", check=False)
    assert text.returncode == 1
    assert "objection not restored" in text.stderr and str(first["id"]) in text.stderr


@pytest.fixture
def archive(tmp_path: Path, zips: Callable[[], list[Path]]) -> tuple[Archive, str]:
    made = Archive(Settings(home=tmp_path / "home"))
    made.init()
    [result] = list(made.ingest(zips()[:1]))
    assert result.status == "accepted"
    return made, result.id


def test_forged_decision_damaged_attachment_and_write_once(
    archive: tuple[Archive, str], tmp_path: Path
) -> None:
    made, archive_id = archive
    actor = Actor(agent="test:档案员", role="archivist", via="cli")

    def add(claim: str, attachments: tuple[NewAttachment, ...] = ()) -> str:
        o = enter(
            made, archive_id, element="title", claim=claim, subject_name="王五",
            channel="archivist", actor=actor, attachments=attachments,
        )  # fmt: skip
        return o.id

    forged_id = add("决定被伪造")
    damaged_id = add("附件受损", (NewAttachment("证明.pdf", b"%PDF-1.4 proof\n"),))
    decided_id = add("已决定")
    store = ObjectionStore(made.writer)
    still_open = store.get(decided_id)
    assert still_open is not None
    decided = decide(made, still_open, decision="confirmed", actor=actor, correction="更正题名")
    rows_before = {o.id: o for o in store.listing()}

    # write-once: the same bytes again are a no-op, other bytes under the name are refused
    files = made.annotations
    assert isinstance(files, AnnotationFiles)
    entry = files.read(archive_id, decided_id, "entry.json")
    files.write(archive_id, decided_id, "entry.json", entry)
    with pytest.raises(AnnotationStoreError, match="not replaced"):
        files.write(archive_id, decided_id, "entry.json", entry + b" ")
    with pytest.raises(AnnotationStoreError, match="unsafe"):
        files.write(archive_id, decided_id, "../escape.json", b"{}")
    assert files.read(archive_id, decided_id, "entry.json") == entry

    # a decision signed by another key, written where the real one would go
    other = load_signer(generate_key(tmp_path / "other-key"))
    body = {
        "schema": "urn:earchive:annotation:objection:1", "type": "objection-decision",
        "objection_id": forged_id, "archive": {"id": archive_id},
        "entry_sm3": store.get(forged_id).entry_sm3,  # type: ignore[union-attr]
        "decision": "rejected", "decided": {"by": "intruder", "role": "admin",
                                            "at": made.clock().isoformat()},
        "reason": "伪造", "correction": "", "new_version": None,
    }  # fmt: skip
    files.write(archive_id, forged_id, "decision.json", sign_annotation(body, other, made.clock()))
    # an attachment file lost, and a folder holding only an attachment (an entry never finished)
    [stored_attachment] = (made.home / "annotations").rglob(f"{damaged_id}/attachments/*")
    stored_attachment.unlink()
    files.write(archive_id, "OBJ-19990101-0000000000", "attachments/01-x.txt", b"x")

    report = run_rebuild(made)
    found = report.objections
    assert report.archives == 1 and not report.problems and report.failed
    assert found.restored == 2 and found.open == 1
    [skipped] = found.skipped
    assert skipped.objection.endswith(f"/{forged_id}")
    assert "not signed by this archive's key" in skipped.message
    [damaged] = found.damaged
    assert damaged.objection.endswith(f"/{damaged_id}") and "missing" in damaged.message
    assert [u.rsplit("/", 1)[1] for u in found.unfinished] == ["OBJ-19990101-0000000000"]
    assert found.id_numbers_missing == ()
    rows_after = {o.id: o for o in store.listing()}
    assert set(rows_after) == {damaged_id, decided_id}
    assert rows_after[decided_id] == decided == rows_before[decided_id]
    assert rows_after[damaged_id] == rows_before[damaged_id]
    last = made.events.head()
    assert last is not None and (last.action, last.outcome) == ("rebuild", "failed")
    logged: Any = last.detail["objections"]
    assert logged["skipped"] == [{"objection": skipped.objection, "message": skipped.message}]

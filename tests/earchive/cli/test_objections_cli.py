"""``earchive objections add|list|decide|overdue|verify`` through the real command line, and the
objection annotations travelling in a transfer package (其他/异议标注/ + a line in 说明文件.TXT)
while the package's own manifest and signature still verify and the EEP is the archive's."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

from package.annotation import verify_annotation
from package.manifest import check_signature, parse_manifest, parse_signature
from tests.earchive.conftest import Cli
from tests.earchive.units import certify_home, run_signed_off


def _ingest(cli: Cli, zips: Callable[[], list[Path]]) -> list[dict[str, object]]:
    cli.run("init")
    results = cli.json_lines("ingest", *map(str, zips()[:2]))
    assert [r["status"] for r in results] == ["accepted", "accepted"]
    return results


def test_objection_cli_lifecycle_and_transfer_package(
    cli: Cli, zips: Callable[[], list[Path]], tmp_path: Path
) -> None:
    results = _ingest(cli, zips)
    archive_id = str(results[0]["id"])
    manifest_before = (cli.home / "storage").rglob("manifest.txt")
    before = {p: p.read_bytes() for p in manifest_before}
    assert len(before) == 2  # one AIP version each
    proof = tmp_path / "证明.txt"
    proof.write_text("户籍证明", encoding="utf-8")

    refused = cli.run(
        "objections", "add", archive_id, "--element", "nope", "--claim", "x",
        "--subject", "张三", check=False,
    )  # fmt: skip
    assert refused.returncode == 1 and "neither a metadata element nor a file" in refused.stderr
    [made] = cli.json_lines(
        "objections", "add", archive_id, "--element", "title", "--claim", "题名有误",
        "--subject", "张三", "--subject-id", "310101199001011234", "--attach", str(proof),
        "--by", "档案员甲",
    )  # fmt: skip
    assert made["status"] == "open" and made["channel"] == "archivist"
    assert made["entered_by"] == "cli:档案员甲"
    assert [a["name"] for a in made["attachments"]] == ["01-证明.txt"]  # type: ignore[index]

    hits = {h["id"]: h["objection_open"] for h in cli.json_lines("search", "")}
    assert hits == {archive_id: True, str(results[1]["id"]): False}
    listed = cli.json_lines("objections", "list", archive_id, "--status", "open")
    assert [o["id"] for o in listed] == [made["id"]]
    [entry] = cli.json_lines("objections", "verify", str(made["id"]))
    assert entry["valid"] is True and entry["trusted"] is True and entry["file"] == "entry.json"

    # overdue on a fixed report time: not at entry, yes ten days later (any calendar)
    entered = datetime.fromisoformat(str(made["entered_at"]))
    assert cli.json_lines("objections", "overdue", "--now", entered.isoformat()) == []
    late = cli.run("objections", "overdue", "--now", (entered + timedelta(days=10)).isoformat(),
                   "--json", check=False)  # fmt: skip
    assert late.returncode == 1
    assert [json.loads(line)["id"] for line in late.stdout.splitlines()] == [made["id"]]

    # a transfer package carries the annotation under 其他/异议标注/<档号>/
    to = tmp_path / "bureau"
    certify_home(cli.home, tmp_path / "ca")  # the 立档单位's certificate, as an admin imports it
    sent = run_signed_off(partial(cli.run, check=False), "--to", str(to), "--ids", archive_id)
    assert sent.returncode == 0, sent.stdout + sent.stderr
    [package] = [p for p in (cli.home / "transfers").iterdir() if p.is_dir()]
    code = str(results[0]["archival_code"])
    folder = package / "其他" / "异议标注" / code / str(made["id"])
    [eep] = list((package / "电子档案").rglob("*.eep.xml"))
    assert str(made["id"]).encode() not in eep.read_bytes()  # the EEP is the archive alone
    assert [p.name for p in to.rglob("异议标注/*/*/entry.json")] == ["entry.json"]  # delivered
    entry_doc = (folder / "entry.json").read_bytes()
    check = verify_annotation(entry_doc)
    assert check.valid and check.annotation["objection_id"] == made["id"]
    assert (folder / "attachments" / "01-证明.txt").read_text("utf-8") == "户籍证明"
    notes = (package / "说明文件.TXT").read_text("utf-8")
    assert "异议标注：1 件电子档案附有数据主体异议标注，其中 1 件有未决异议（共 1 条）" in notes
    listing = parse_manifest((package / "manifest.txt").read_bytes())
    assert f"其他/异议标注/{code}/{made['id']}/entry.json" in listing
    record = parse_signature((package / "manifest.sig.json").read_bytes())
    signed = check_signature(record, (package / "manifest.txt").read_bytes())
    assert signed.intact and signed.valid

    # deciding, then a tampered stored annotation fails verification
    [decided] = cli.json_lines(
        "objections", "decide", str(made["id"]), "--decision", "rejected",
        "--reason", "与原始登记一致",
    )  # fmt: skip
    assert decided["status"] == "rejected" and decided["reason"] == "与原始登记一致"
    again = cli.run("objections", "decide", str(made["id"]), "--decision", "rejected",
                    "--reason", "x", check=False)  # fmt: skip
    assert again.returncode == 1 and "already decided" in again.stderr
    assert cli.json_lines("objections", "list", "--status", "open") == []
    stored = next((cli.home / "annotations").rglob("decision.json"))
    stored.chmod(0o644)  # stored write-once, read-only (0444) like every FsStore object
    stored.write_bytes(stored.read_bytes().replace("一致".encode(), "不一致".encode()))
    bad = cli.run("objections", "verify", str(made["id"]), "--json", check=False)
    assert bad.returncode == 1
    verdicts = {json.loads(x)["file"]: json.loads(x)["valid"] for x in bad.stdout.splitlines()}
    assert verdicts == {"entry.json": True, "decision.json": False}

    # the AIP in storage never changed
    after = {p: p.read_bytes() for p in (cli.home / "storage").rglob("manifest.txt")}
    assert after == before


def test_confirmed_by_a_new_version_from_the_handling_system(
    cli: Cli, zips: Callable[[], list[Path]], tmp_path: Path
) -> None:
    cli.run("init")
    src = zips()[1]
    [first] = cli.json_lines("ingest", str(src))
    [made] = cli.json_lines(
        "objections", "add", str(first["id"]), "--element", "title", "--claim", "题名漏写更正字样",
        "--subject", "钱七",
    )  # fmt: skip
    refused = cli.run("objections", "decide", str(made["id"]), "--decision", "confirmed",
                      "--new-version", "2", check=False)  # fmt: skip
    assert refused.returncode == 1 and "not a version of the archive" in refused.stderr
    changed = tmp_path / src.name  # the handling system sends the corrected case again
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(changed, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "case.xml":
                data = data.replace(b"<project_name>", "<project_name>【更正】".encode(), 1)
            zout.writestr(info, data)
    [second] = cli.json_lines("ingest", str(changed))
    assert second["status"] == "new_version" and second["version"] == 2
    [decided] = cli.json_lines(
        "objections", "decide", str(made["id"]), "--decision", "confirmed", "--new-version", "2",
        "--correction", "以第 2 版为准",
    )  # fmt: skip
    assert decided["status"] == "confirmed" and decided["new_version"] == 2
    assert decided["archive_version"] == 1  # the objection stays tied to the version it named
    verdicts = cli.json_lines("objections", "verify", str(made["id"]))
    assert [(v["file"], v["valid"], v["trusted"]) for v in verdicts] == [
        ("entry.json", True, True),
        ("decision.json", True, True),
    ]

"""With ``EARCHIVE_STORAGE=s3`` (real SeaweedFS, Object Lock bucket) the signed objection
annotations and their attachments are objects under ``annotations/`` in the primary bucket, with
COMPLIANCE retention, and nothing is written to the home's disk; an annotation name is written
once (other bytes are refused); and ``earchive rebuild`` restores the objections from the bucket
after the catalog database is lost."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

import pytest
from minio import Minio

from earchive.core.archive import Archive
from earchive.settings import Settings
from ingest.casexml import parse_case
from package.aip import CASE_XML_PATH
from preservation.annotation_files import AnnotationFiles, AnnotationStoreError
from tests.earchive.conftest import Cli


def _load_servers() -> ModuleType:
    name = "earchive_tests_servers_seaweed"  # the same module the other S3 tests load
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parents[3] / "servers" / "seaweed.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


servers = _load_servers()


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with servers.running_seaweed(tmp_path_factory.mktemp("seaweed-objections")) as server:
        yield server


def _settings(cli: Cli, server: object, bucket: str) -> Settings:
    values = {
        "EARCHIVE_STORAGE": "s3",
        "EARCHIVE_S3_ENDPOINT": server.endpoint,  # type: ignore[attr-defined]
        "EARCHIVE_S3_ACCESS_KEY": server.access_key,  # type: ignore[attr-defined]
        "EARCHIVE_S3_SECRET_KEY": server.secret_key,  # type: ignore[attr-defined]
        "EARCHIVE_S3_BUCKET": bucket,
        "EARCHIVE_S3_RETENTION_DAYS": "1",
    }
    cli.env.update(values)
    return Settings(
        home=cli.home,
        storage="s3",
        s3_endpoint=values["EARCHIVE_S3_ENDPOINT"],
        s3_access_key=values["EARCHIVE_S3_ACCESS_KEY"],
        s3_secret_key=values["EARCHIVE_S3_SECRET_KEY"],
        s3_bucket=bucket,
        s3_retention_days=1,
    )


def test_annotations_live_in_the_bucket_and_are_rebuilt_from_it(
    cli: Cli, zips: Callable[[], list[Path]], s3_server: object, tmp_path: Path
) -> None:
    bucket = servers.S3Server.new_bucket_name(s3_server, "obj")
    settings = _settings(cli, s3_server, bucket)
    cli.run("init")
    [result] = cli.json_lines("ingest", str(zips()[0]))
    archive_id = str(result["id"])
    archive = Archive(settings)
    with archive.open_file(archive_id, CASE_XML_PATH) as fh:
        case, _findings = parse_case(fh.read())
    assert case is not None
    proof = tmp_path / "证明.txt"
    proof.write_text("户籍证明", encoding="utf-8")
    [made] = cli.json_lines(
        "objections", "add", archive_id, "--element", "title", "--claim", "题名有误",
        "--subject", "张三", "--subject-id", case.applicant.id_number.strip(),
        "--attach", str(proof),
    )  # fmt: skip
    oid = str(made["id"])
    cli.json_lines(
        "objections", "decide", oid, "--decision", "confirmed", "--correction", "更正题名",
    )  # fmt: skip

    # the annotations are objects of the primary bucket, locked; nothing on the local disk
    client: Minio = s3_server.client()  # type: ignore[attr-defined]
    folder = f"annotations/{AnnotationFiles.archive_dir(archive_id)}/{oid}"
    keys = sorted(
        str(o.object_name)
        for o in client.list_objects(bucket, prefix="annotations/", recursive=True)
    )
    assert keys == [
        f"{folder}/attachments/01-证明.txt",
        f"{folder}/decision.json",
        f"{folder}/entry.json",
    ]
    retention = client.get_object_retention(bucket, f"{folder}/entry.json")
    assert retention is not None and retention.mode == "COMPLIANCE"
    assert not (cli.home / "annotations").exists()

    # write-once in the bucket: the same bytes are a no-op, other bytes are refused
    files = archive.annotations
    entry = files.read(archive_id, oid, "entry.json")
    assert (
        files.write(archive_id, oid, "entry.json", entry)
        == f"{folder.removeprefix('annotations/')}/entry.json"
    )
    with pytest.raises(AnnotationStoreError, match="not replaced"):
        files.write(archive_id, oid, "entry.json", entry.replace("题名有误".encode(), b"x"))
    assert files.read(archive_id, oid, "entry.json") == entry
    versions = list(
        client.list_objects(bucket, prefix=f"{folder}/entry.json", include_version=True)
    )
    assert len(versions) == 1

    # the catalog database is lost: rebuild reads the objections back from the bucket
    before = cli.json_lines("objections", "list")
    for name in ("catalog.db", "catalog.db-wal", "catalog.db-shm"):
        (cli.home / name).unlink(missing_ok=True)
    proc = cli.run("rebuild", "--json")
    report = json.loads(proc.stdout)
    assert report["archives"] == 1 and report["problems"] == []
    assert report["objections"] == {
        "restored": 1, "open": 0, "skipped": [], "damaged": [], "id_numbers_missing": [],
        "unfinished": [],
    }  # fmt: skip
    assert cli.json_lines("objections", "list") == before
    [entry_check, decision_check] = cli.json_lines("objections", "verify", oid)
    assert entry_check["valid"] and decision_check["valid"] and decision_check["trusted"]

"""The real ``earchive`` command line on S3 (SeaweedFS, Object Lock bucket) with an S3 replica:
ingest, search, export, audit; an object deleted (delete marker) and one overwritten with
corrupt bytes in the primary bucket are reported and restored from the replica bucket."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from minio import Minio
from minio.error import S3Error
from minio.retention import Retention

from preservation.ocfl_root import OcflRoot
from preservation.storage import FsStore
from tests.earchive.conftest import Cli
from tests.servers import seaweed as servers


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    with servers.running_seaweed(tmp_path_factory.mktemp("seaweed-cli")) as server:
        yield server


def _s3_env(cli: Cli, server: object, bucket: str, replica: str = "") -> None:
    cli.env.update(
        EARCHIVE_STORAGE="s3",
        EARCHIVE_S3_ENDPOINT=server.endpoint,  # type: ignore[attr-defined]
        EARCHIVE_S3_ACCESS_KEY=server.access_key,  # type: ignore[attr-defined]
        EARCHIVE_S3_SECRET_KEY=server.secret_key,  # type: ignore[attr-defined]
        EARCHIVE_S3_BUCKET=bucket,
        EARCHIVE_S3_RETENTION_DAYS="1",
    )
    if replica:
        cli.env["EARCHIVE_REPLICA"] = replica


def _object_root(archive_id: str) -> str:
    fonds, erc = archive_id.split("-", 1)
    return OcflRoot(FsStore(Path("."))).object_root(f"urn:earchive:{fonds}:{erc}")


def _audit(cli: Cli, *args: str) -> tuple[int, list[dict[str, object]]]:
    proc = cli.run("audit", "--json", *args, check=False)
    return proc.returncode, [json.loads(line) for line in proc.stdout.splitlines()]


def test_ingest_search_export_audit_and_repair_on_s3(
    cli: Cli, zips: Callable[[], list[Path]], s3_server: object, tmp_path: Path
) -> None:
    primary = servers.S3Server.new_bucket_name(s3_server, "p")
    replica = servers.S3Server.new_bucket_name(s3_server, "r")
    _s3_env(cli, s3_server, primary, replica=f"s3:{replica}")
    results = cli.json_lines("ingest", *map(str, zips()[:4]))
    assert {r["status"] for r in results} == {"accepted"}
    ids = [str(r["id"]) for r in results]
    assert not (cli.home / "storage" / "0=ocfl_1.1").exists()  # nothing on the local disk

    hits = cli.json_lines("search", str(results[0]["electronic_record_code"]))
    assert hits and hits[0]["id"] == ids[0]
    cli.run("export", ids[0], str(tmp_path / "bag"))
    assert (tmp_path / "bag" / "bagit.txt").is_file()
    assert cli.run("verify", str(tmp_path / "bag")).returncode == 0

    for location in ("primary", "replica"):
        code, rows = _audit(cli, "--location", location)
        assert code == 0 and {r["code"] for r in rows} == {"FIXITY_OK"}, rows

    client: Minio = s3_server.client()  # type: ignore[attr-defined]
    root0, root1 = _object_root(ids[0]), _object_root(ids[1])
    pdf = next(
        o.object_name
        for o in client.list_objects(primary, prefix=f"{root1}/v1/content/", recursive=True)
        if str(o.object_name).endswith(".pdf")
    )
    client.remove_object(primary, f"{root0}/inventory.json")  # a delete marker (locked versions)
    bad = b"%PDF-1.7 not the archived bytes"
    client.put_object(primary, pdf, io.BytesIO(bad), len(bad))  # a new, corrupt current version
    code, rows = _audit(cli)
    assert code == 1
    fails = {(r["id"], r["code"]) for r in rows if r["status"] == "FAIL"}
    assert (ids[0], "FIXITY_MISSING") in fails and (ids[1], "FIXITY_MISMATCH") in fails

    code, rows = _audit(cli, "--repair")
    assert code == 0, rows
    restored = {(r["id"], r["path"]) for r in rows if r["code"] == "FIXITY_RESTORED"}
    assert (ids[0], "inventory.json") in restored
    assert (ids[1], pdf[len(root1) + 1 :]) in restored
    code, rows = _audit(cli)
    assert code == 0 and {r["code"] for r in rows} == {"FIXITY_OK"}
    versions = [
        v
        for v in client.list_objects(primary, prefix=pdf, include_version=True)
        if v.object_name == pdf
    ]
    assert len(versions) == 3  # original, corrupt, repaired: the locked ones all stay


def _legal_hold(client: Minio, bucket: str, key: str) -> bool:
    try:
        return bool(client.is_object_legal_hold_enabled(bucket, key))
    except S3Error as exc:  # the server answers "no legal hold configuration" for none
        if exc.code == "NoSuchObjectLegalHold":
            return False
        raise


def _retention(client: Minio, bucket: str, key: str) -> Retention | None:
    try:
        return client.get_object_retention(bucket, key)
    except S3Error as exc:
        if exc.code in (
            "NoSuchObjectLockConfiguration",
            "NoSuchObjectRetention",
            "ObjectLockConfigurationNotFoundError",
        ):
            return None
        raise


def test_objects_are_locked_until_disposal_and_permanent_ones_held(
    cli: Cli, zips: Callable[[], list[Path]], s3_server: object
) -> None:
    bucket = servers.S3Server.new_bucket_name(s3_server, "d")
    _s3_env(cli, s3_server, bucket)
    results = cli.json_lines("ingest", *map(str, zips()[:8]))
    client: Minio = s3_server.client()  # type: ignore[attr-defined]
    seen = set()
    for r in results:
        shown = cli.json_lines("show", str(r["id"]))[0]
        retention, year = str(shown["retention"]), int(str(shown["year"]))
        root = _object_root(str(r["id"]))
        key = f"{root}/v1/content/original/case.xml"
        held = _legal_hold(client, bucket, key)
        lock = _retention(client, bucket, key)
        if retention == "Y":  # 永久: a legal hold, no end date
            assert held, key
            assert lock is None or lock.retain_until_date is None
        else:
            years = int(retention[1:])
            assert not held
            assert lock is not None and lock.mode == "COMPLIANCE"
            until = lock.retain_until_date
            assert (until.year, until.month, until.day) == (year + 1 + years, 1, 1), (key, until)
        seen.add(retention == "Y")
    assert seen == {True, False}  # both kinds were exercised

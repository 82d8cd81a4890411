"""OcflRoot over S3Store on the real S3 server (Object Lock bucket, COMPLIANCE retention): the
same writes as over FsStore, and the bucket, copied out byte for byte, is a VALID OCFL root."""

from __future__ import annotations

from pathlib import Path

import pytest
from minio import Minio
from test_ocfl_root import OID, V1, V2, _sha, _validate_root, build_inventory, stage, write

from preservation import OcflNotFoundError, OcflRoot, VersionConflictError
from preservation.storage import RetentionPolicy, S3Store


@pytest.fixture
def s3_root(s3_client: Minio, s3_locked_bucket: str, s3_prefix: str) -> OcflRoot:
    store = S3Store(
        s3_client, s3_locked_bucket, prefix=s3_prefix, retention=RetentionPolicy(days=1)
    )
    root = OcflRoot(store)
    root.initialize()
    return root


def _copy_out(store: S3Store, dest: Path) -> Path:
    """Download every key of the store into ``dest`` (for ocfl-py, which reads directories)."""
    for key in store.list():
        path = dest.joinpath(*key.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with store.open(key) as fp:
            path.write_bytes(fp.read())
    return dest


def _versions(client: Minio, bucket: str, name: str) -> int:
    found = client.list_objects(bucket, prefix=name, include_version=True)
    return sum(1 for o in found if o.object_name == name)


def test_two_versions_over_s3_read_back_and_validate(s3_root: OcflRoot, tmp_path: Path) -> None:
    write(s3_root, tmp_path, [V1])
    write(s3_root, tmp_path, [V1, V2])
    write(s3_root, tmp_path, [V1], oid="urn:earchive:Z109:second")
    write(s3_root, tmp_path, [V1, V2])  # rerun of a complete version: no-op
    assert sorted(s3_root.object_ids()) == sorted([OID, "urn:earchive:Z109:second"])
    inv = s3_root.read_inventory(OID)
    assert inv is not None and inv["head"] == "v2"
    with s3_root.open_file(OID, "original/A/copy.pdf") as fp:
        assert fp.read() == b"%PDF-1.7 licence"
    with s3_root.open_file(OID, "original/case.xml", version="v1") as fp:
        assert fp.read() == V1["original/case.xml"]
    with s3_root.open_file(OID, "original/case.xml") as fp:
        assert fp.read() == V2["original/case.xml"]
    assert s3_root.version_state(OID)["original/B/补正材料.pdf"] == _sha(b"%PDF-1.7 supplement")
    with pytest.raises(OcflNotFoundError):
        s3_root.open_file(OID, "original/B/补正材料.pdf", version="v1")

    store = s3_root.store
    assert isinstance(store, S3Store)
    obj = s3_root.object_root(OID)
    # the root inventory got one S3 object version per archive version; the old one stays
    assert _versions(store.client, store.bucket, f"{store.prefix}/{obj}/inventory.json") == 2
    assert not store.exists(f"{obj}/v2/content/original/C/营业执照.pdf")  # forward delta
    valid, messages = _validate_root(_copy_out(store, tmp_path / "copy"))
    assert valid, messages


def test_second_writer_of_a_version_is_refused(s3_root: OcflRoot, tmp_path: Path) -> None:
    write(s3_root, tmp_path, [V1])
    changed = {**V1, "metadata/manifest.txt": b"other"}
    data, to_store = build_inventory(OID, [V1, changed])
    s3_root.write_version(OID, stage(tmp_path / "a", changed), data, "v2", to_store)
    rival = {**V1, "metadata/manifest.txt": b"rival"}
    data, to_store = build_inventory(OID, [V1, rival])
    with pytest.raises(VersionConflictError):
        s3_root.write_version(OID, stage(tmp_path / "b", rival), data, "v2", to_store)
    inv = s3_root.read_inventory(OID)
    assert inv is not None and inv["head"] == "v2"
    with s3_root.open_file(OID, "metadata/manifest.txt") as fp:
        assert fp.read() == b"other"

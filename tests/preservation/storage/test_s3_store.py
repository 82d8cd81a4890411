"""S3Store specifics beyond the shared contract, against the real SeaweedFS server: Object Lock,
legal hold, versions, conditional writes under races, error translation, prefixes."""

from __future__ import annotations

import io
import threading
from datetime import UTC, datetime, timedelta, timezone

import pytest
import urllib3
from minio import Minio
from minio.error import S3Error

from preservation.storage import (
    ObjectExistsError,
    ObjectNotFoundError,
    RetentionPolicy,
    S3Store,
    StorageError,
    UnsafeKeyError,
    ensure_bucket,
)

MiB = 1 << 20
T0 = datetime(2030, 1, 1, tzinfo=UTC)


def _versions(client: Minio, bucket: str, name: str) -> list[str]:
    found = client.list_objects(bucket, prefix=name, include_version=True)
    return [str(o.version_id) for o in found if o.object_name == name and not o.is_delete_marker]


def _read(store: S3Store, key: str) -> bytes:
    with store.open(key) as fp:
        return fp.read()


@pytest.fixture
def locked(s3_client: Minio, s3_locked_bucket: str, s3_prefix: str) -> S3Store:
    policy = RetentionPolicy(days=1, legal_hold=lambda key: key.startswith("permanent/"))
    return S3Store(s3_client, s3_locked_bucket, prefix=s3_prefix, retention=policy)


# -- Object Lock ---------------------------------------------------------------------------------


def test_locked_version_cannot_be_deleted_or_overwritten(locked: S3Store) -> None:
    client, bucket = locked.client, locked.bucket
    name = f"{locked.prefix}/obj/v1/content/a.pdf"
    before = datetime.now(UTC)
    locked.put("obj/v1/content/a.pdf", b"original bytes")
    [version] = _versions(client, bucket, name)
    retention = client.get_object_retention(bucket, name, version_id=version)
    assert retention is not None and retention.mode == "COMPLIANCE"
    until = retention.retain_until_date
    assert until is not None
    assert before + timedelta(days=1) - timedelta(seconds=5) <= until
    assert until <= datetime.now(UTC) + timedelta(days=1, seconds=5)
    with pytest.raises(S3Error) as refused:
        client.remove_object(bucket, name, version_id=version)
    assert refused.value.code == "AccessDenied"
    with pytest.raises(ObjectExistsError):
        locked.put("obj/v1/content/a.pdf", b"other bytes")
    locked.put("obj/v1/content/a.pdf", b"original bytes")  # idempotent rerun
    assert _versions(client, bucket, name) == [version]  # no second version was written
    assert _read(locked, "obj/v1/content/a.pdf") == b"original bytes"


def test_legal_hold_is_set_when_asked(locked: S3Store) -> None:
    client, bucket = locked.client, locked.bucket
    locked.put("permanent/record.xml", b"<kept/>")
    locked.put("d30/record.xml", b"<thirty years/>")
    held = f"{locked.prefix}/permanent/record.xml"
    assert client.is_object_legal_hold_enabled(bucket, held)
    other = f"{locked.prefix}/d30/record.xml"
    try:
        assert not client.is_object_legal_hold_enabled(bucket, other)
    except S3Error as exc:  # SeaweedFS answers "no legal hold configuration" instead of OFF
        assert exc.code == "NoSuchObjectLegalHold"


def test_legal_hold_alone_blocks_deletion(
    s3_client: Minio, s3_locked_bucket: str, s3_prefix: str
) -> None:
    policy = RetentionPolicy(retain_until=lambda key: None, legal_hold=True)
    store = S3Store(s3_client, s3_locked_bucket, prefix=s3_prefix, retention=policy)
    store.put("forever.bin", b"x")
    name = f"{s3_prefix}/forever.bin"
    [version] = _versions(s3_client, s3_locked_bucket, name)
    with pytest.raises(S3Error):
        s3_client.remove_object(s3_locked_bucket, name, version_id=version)
    assert _read(store, "forever.bin") == b"x"


def test_retain_until_per_key(s3_client: Minio, s3_locked_bucket: str, s3_prefix: str) -> None:
    disposal = datetime.now(UTC).replace(microsecond=0) + timedelta(days=3)
    policy = RetentionPolicy(retain_until=lambda key: disposal)
    store = S3Store(s3_client, s3_locked_bucket, prefix=s3_prefix, retention=policy)
    store.put("obj/v1/content/x", b"x")
    retention = s3_client.get_object_retention(s3_locked_bucket, f"{s3_prefix}/obj/v1/content/x")
    assert retention is not None and retention.retain_until_date == disposal


def test_replace_makes_new_versions_and_old_ones_stay_locked(locked: S3Store) -> None:
    client, bucket = locked.client, locked.bucket
    key = "abc/def/ghi/obj/inventory.json"
    name = f"{locked.prefix}/{key}"
    locked.replace(key, b'{"head": "v1"}')
    locked.replace(key, b'{"head": "v2"}')
    assert _read(locked, key) == b'{"head": "v2"}'
    versions = _versions(client, bucket, name)
    assert len(versions) == 2
    contents = set()
    for version in versions:
        response = client.get_object(bucket, name, version_id=version)
        try:
            contents.add(response.read())
        finally:
            response.close()
            response.release_conn()
        retention = client.get_object_retention(bucket, name, version_id=version)
        assert retention is not None and retention.mode == "COMPLIANCE"
        with pytest.raises(S3Error):
            client.remove_object(bucket, name, version_id=version)
    assert contents == {b'{"head": "v1"}', b'{"head": "v2"}'}


def test_retention_policy_checks_dates() -> None:
    clock = lambda: T0  # noqa: E731
    assert RetentionPolicy(days=2, clock=clock).until("k") == T0 + timedelta(days=2)
    assert RetentionPolicy(clock=clock).until("k") is None
    assert not RetentionPolicy().hold("k") and RetentionPolicy(legal_hold=True).hold("k")
    beijing = datetime(2031, 1, 1, 16, tzinfo=timezone(timedelta(hours=8)))
    until = RetentionPolicy(retain_until=lambda k: beijing, clock=clock).until("k")
    assert until == datetime(2031, 1, 1, 8, tzinfo=UTC) and until.tzinfo is UTC
    with pytest.raises(StorageError):
        RetentionPolicy(retain_until=lambda k: datetime(2031, 1, 1), clock=clock).until("k")
    with pytest.raises(StorageError):
        RetentionPolicy(retain_until=lambda k: T0, clock=clock).until("k")
    with pytest.raises(StorageError):
        RetentionPolicy(days=0)


# -- conditional writes --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [100, 11 * MiB], ids=["single-put", "multipart"])
@pytest.mark.parametrize("same", [True, False], ids=["same", "different"])
@pytest.mark.parametrize("shared", [True, False], ids=["one-store", "store-per-writer"])
def test_concurrent_puts_never_overwrite(
    locked: S3Store, size: int, same: bool, shared: bool
) -> None:
    """Writers race on one key; a store per writer stands for separate processes."""
    writers = 6
    barrier = threading.Barrier(writers)
    outcomes: dict[int, str] = {}
    lock = threading.Lock()
    stores = [
        S3Store(locked.client, locked.bucket, prefix=locked.prefix, part_size=5 * MiB)
        for _ in range(1 if shared else writers)
    ]
    store = stores[0]

    def put(i: int) -> None:
        data = bytes([0 if same else i + 1]) * size
        barrier.wait()
        try:
            stores[i % len(stores)].put("race/key", data)
            result = "ok"
        except ObjectExistsError:
            result = "refused"
        with lock:
            outcomes[i] = result

    threads = [threading.Thread(target=put, args=(i,)) for i in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    results = list(outcomes.values())
    if same:
        assert results == ["ok"] * writers
    else:
        assert results.count("ok") == 1 and results.count("refused") == writers - 1
        [winner] = [i for i, result in outcomes.items() if result == "ok"]
        with store.open("race/key") as fp:
            assert fp.read(1) == bytes([winner + 1])  # the winner's bytes are the current ones
    if shared or size < 5 * MiB:  # else concurrent completes may leave locked extra versions
        assert len(_versions(store.client, store.bucket, f"{store.prefix}/race/key")) == 1
    assert list(store.list()) == ["race/key"]
    assert store.size("race/key") == size


def test_large_rerun_compares_without_uploading(locked: S3Store) -> None:
    store = S3Store(locked.client, locked.bucket, prefix=locked.prefix, part_size=5 * MiB)
    data = bytes(range(256)) * (44 * 1024)  # 11 MiB: multipart
    store.put("big", io.BytesIO(data))
    store.put("big", data)
    changed = bytearray(data)
    changed[-1] ^= 1
    with pytest.raises(ObjectExistsError):
        store.put("big", bytes(changed))
    with pytest.raises(ObjectExistsError):
        store.put("big", data + b"!")
    assert len(_versions(store.client, store.bucket, f"{store.prefix}/big")) == 1
    assert _read(store, "big") == data


# -- boundaries ----------------------------------------------------------------------------------


def test_prefixes_isolate_stores(s3_client: Minio, s3_plain_bucket: str, s3_prefix: str) -> None:
    one = S3Store(s3_client, s3_plain_bucket, prefix=f"{s3_prefix}/one")
    two = S3Store(s3_client, s3_plain_bucket, prefix=f"{s3_prefix}/one-two")
    one.put("k", b"1")
    two.put("k", b"2")
    assert list(one.list()) == ["k"] and list(two.list()) == ["k"]
    assert _read(one, "k") == b"1"
    with pytest.raises(UnsafeKeyError):
        S3Store(s3_client, s3_plain_bucket, prefix="../escape")


def test_backend_errors_are_translated(seaweed_s3: object, s3_prefix: str) -> None:
    client: Minio = seaweed_s3.client()  # type: ignore[attr-defined]
    missing = S3Store(client, "no-such-bucket-here", prefix=s3_prefix)
    with pytest.raises(StorageError) as info:
        missing.put("k", b"x")
    assert isinstance(info.value.__cause__, S3Error)
    with pytest.raises(StorageError):
        missing.exists("k")
    with pytest.raises(StorageError):
        list(missing.list())
    with pytest.raises(StorageError) as info:
        missing.open("k")
    assert not isinstance(info.value, ObjectNotFoundError)  # a missing bucket is not a missing key
    dead = Minio(
        "127.0.0.1:9",  # discard port: nothing listens on loopback
        access_key="a",
        secret_key="b",
        secure=False,
        http_client=urllib3.PoolManager(retries=False, timeout=2),
    )
    with pytest.raises(StorageError) as info:
        S3Store(dead, "bucket").put("k", b"x")
    assert not isinstance(info.value, ObjectNotFoundError)


def test_ensure_bucket(s3_client: Minio, s3_plain_bucket: str, s3_locked_bucket: str) -> None:
    ensure_bucket(s3_client, s3_locked_bucket, object_lock=True)  # idempotent
    ensure_bucket(s3_client, s3_plain_bucket, object_lock=False)
    with pytest.raises(StorageError):
        ensure_bucket(s3_client, s3_plain_bucket, object_lock=True)
    versioning = s3_client.get_bucket_versioning(s3_locked_bucket)
    assert versioning.status == "Enabled"


def test_open_streams_and_releases(locked: S3Store) -> None:
    locked.put("blob", bytes(3 * MiB))
    for _ in range(30):  # more than the client's connection pool: closed streams give theirs back
        fp = locked.open("blob")
        assert fp.read(10) == bytes(10)
        fp.close()
    with locked.open("blob") as fp:
        assert len(fp.read()) == 3 * MiB
    assert fp.closed

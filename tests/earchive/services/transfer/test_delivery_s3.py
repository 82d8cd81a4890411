"""Sender → bureau through an S3 bucket (a real SeaweedFS server on 127.0.0.1): plan → package →
upload → bureau fetches and verifies → signed receipt → accepted by the sender; an object
altered in the bucket is refused (digest_failed); a delivery cut half-way resumes without a
second upload of any object (one object version each in a versioned bucket); size alone is
never trusted; large files go up in parts."""

from __future__ import annotations

import io
import json
import os
import random
import socket
import subprocess
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import urllib3
from minio import Minio
from minio.commonconfig import ENABLED
from minio.error import S3Error
from minio.versioningconfig import VersioningConfig

from earchive.core.archive import Archive
from earchive.services.transfer.delivery import receive_from_s3, resume_transfer
from earchive.services.transfer.receipts import accept_receipt
from package.digest import digest_file
from package.manifest import manifest_bytes, parse_manifest, sign_manifest, signature_json
from tests.earchive.units import presign, send, unit_ids
from tests.servers import seaweed as servers
from transfer import DeliveryError, TransferLedger
from transfer.delivery_s3 import S3Delivery, fetch_s3_package, translate_s3_error
from transfer.retry import DeliveryEvent, RetryPolicy, TransientError

from .conftest import earchive_cli, tampered

seaweed_s3 = servers.seaweed_s3
S3Server = servers.S3Server


@pytest.fixture(scope="module")
def bucket(seaweed_s3: S3Server) -> str:
    """A versioned bucket: every upload is a new object version, so duplicates show."""
    client = seaweed_s3.client()
    name = seaweed_s3.new_bucket_name("transfer")
    client.make_bucket(name)
    client.set_bucket_versioning(name, VersioningConfig(ENABLED))
    return name


def _with_s3(archive: Archive, server: S3Server) -> Archive:
    return Archive(
        archive.settings.model_copy(
            update={
                "transfer_s3_endpoint": server.endpoint,
                "transfer_s3_access_key": server.access_key,
                "transfer_s3_secret_key": server.secret_key,
                "transfer_s3_secure": False,
            }
        )
    )


@pytest.fixture
def s3_sender(sender: Archive, seaweed_s3: S3Server) -> Iterator[Archive]:
    archive = _with_s3(sender, seaweed_s3)
    yield archive
    archive.engine.dispose()


@pytest.fixture
def s3_bureau(bureau: Archive, seaweed_s3: S3Server) -> Iterator[Archive]:
    archive = _with_s3(bureau, seaweed_s3)
    yield archive
    archive.engine.dispose()


def _versions(client: Minio, bucket: str, prefix: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for o in client.list_objects(bucket, prefix + "/", recursive=True, include_version=True):
        name = (o.object_name or "").removeprefix(prefix + "/")
        counts[name] = counts.get(name, 0) + 1
    return counts


def _listing(package_dir: Path) -> set[str]:
    return set(parse_manifest((package_dir / "manifest.txt").read_bytes())) | {
        "manifest.txt",
        "manifest.sig.json",
    }


def test_s3_plan_send_receive_receipt(
    s3_sender: Archive, s3_bureau: Archive, bucket: str, seaweed_s3: S3Server
) -> None:
    ids = unit_ids(s3_sender, 2)
    outbox = f"outbox-{uuid.uuid4().hex[:8]}"
    sent = send(s3_sender, f"s3://{bucket}/{outbox}", ids)
    batch = sent.package.batch_id
    assert sent.delivery.target == f"s3://{bucket}/{outbox}/{batch}"
    package_dir = s3_sender.home / "transfers" / batch
    client = seaweed_s3.client()
    assert _versions(client, bucket, f"{outbox}/{batch}") == dict.fromkeys(_listing(package_dir), 1)
    listed = parse_manifest((package_dir / "manifest.txt").read_bytes())
    path, digests = next(iter(listed.items()))
    meta = client.stat_object(bucket, f"{outbox}/{batch}/{path}").metadata
    assert (meta["x-amz-meta-sm3"], meta["x-amz-meta-sha256"]) == (digests.sm3, digests.sha256)

    receipt, receipt_path, fetched = receive_from_s3(s3_bureau, sent.delivery.target)
    assert fetched.mismatched == () and fetched.unsafe == ()
    assert set(fetched.fetched) == _listing(package_dir)
    assert receipt.code == "accepted", [f.as_dict() for i in receipt.items for f in i.failed()]
    back = accept_receipt(s3_sender, receipt_path, s3_bureau.signer.public_key_pem)
    assert back.code == "accepted" and back.batch_id == batch
    rows = {r.batch_id: r for r in TransferLedger(s3_sender.writer).batches()}
    assert rows[batch].status == "accepted" and rows[batch].target == sent.delivery.target
    assert set(ids) <= TransferLedger(s3_sender.writer).transferred()


def test_altered_in_the_bucket_is_digest_failed(
    s3_sender: Archive, s3_bureau: Archive, bucket: str, seaweed_s3: S3Server
) -> None:
    outbox = f"outbox-{uuid.uuid4().hex[:8]}"
    sent = send(s3_sender, f"s3://{bucket}/{outbox}", unit_ids(s3_sender, 2))
    victim = sent.package.items[1].eep_path
    key = f"{outbox}/{sent.package.batch_id}/{victim}"
    client = seaweed_s3.client()
    stored = client.stat_object(bucket, key)
    response = client.get_object(bucket, key)
    data = tampered(response.read())  # inside Base64 text: stays well-formed
    response.close()
    response.release_conn()
    # the forger even copies the object's digest metadata: only the bytes differ
    client.put_object(
        bucket,
        key,
        io.BytesIO(bytes(data)),
        len(data),
        metadata={
            "sm3": stored.metadata["x-amz-meta-sm3"],
            "sha256": stored.metadata["x-amz-meta-sha256"],
        },
    )

    receipt, _, fetched = receive_from_s3(s3_bureau, sent.delivery.target)
    assert fetched.mismatched == (victim,)
    assert receipt.code == "digest_failed"
    bad = next(i for i in receipt.items if i.eep_path == victim)
    assert bad.code == "digest_failed"
    assert ("PKG_DIGEST_MISMATCH", victim) in {(f.code, f.path) for f in bad.failed()}
    assert all(i.code == "accepted" for i in receipt.items if i.eep_path != victim)


class Cut(Exception):
    """The delivering process stops (a test stand-in for a kill)."""


def test_interrupted_s3_delivery_resumes_without_duplicates(
    s3_sender: Archive, s3_bureau: Archive, bucket: str, seaweed_s3: S3Server
) -> None:
    outbox = f"outbox-{uuid.uuid4().hex[:8]}"
    target = f"s3://{bucket}/{outbox}"
    uploaded: list[str] = []

    def cut_after_four(event: DeliveryEvent) -> None:
        if event.kind == "file":
            uploaded.append(event.path)
            if len(uploaded) == 4:
                raise Cut

    with pytest.raises(Cut):
        send(s3_sender, target, unit_ids(s3_sender, 2), progress=cut_after_four)
    batch = TransferLedger(s3_sender.writer).batches()[-1]
    assert batch.status == "delivering"
    client = seaweed_s3.client()
    prefix = f"{outbox}/{batch.batch_id}"
    assert _versions(client, bucket, prefix) == dict.fromkeys(uploaded, 1)  # manifest not yet

    done = resume_transfer(s3_sender, batch.batch_id, target)
    package_dir = s3_sender.home / "transfers" / batch.batch_id
    assert set(done.result.skipped) == set(uploaded)
    assert set(done.result.copied) == _listing(package_dir) - set(uploaded)
    assert _versions(client, bucket, prefix) == dict.fromkeys(_listing(package_dir), 1)
    again = resume_transfer(s3_sender, batch.batch_id, target)  # idempotent: nothing re-sent
    assert again.result.copied == () and set(again.result.skipped) == _listing(package_dir)
    receipt, _, _ = receive_from_s3(s3_bureau, done.result.target)
    assert receipt.code == "accepted"


def _synthetic_package(root: Path, archive: Archive, big: int) -> Path:
    """A package directory with one large file, listed and signed like a real one."""
    pkg = root / f"pkg-{uuid.uuid4().hex[:8]}"
    (pkg / "data").mkdir(parents=True)
    (pkg / "data" / "big.bin").write_bytes(os.urandom(big))
    (pkg / "data" / "small.txt").write_bytes(b"small file\n")
    files = {p: digest_file(pkg / p) for p in ("data/big.bin", "data/small.txt")}
    manifest = manifest_bytes(files)
    (pkg / "manifest.txt").write_bytes(manifest)
    record = sign_manifest(manifest, archive.signer, datetime(2026, 1, 1, tzinfo=UTC))
    (pkg / "manifest.sig.json").write_bytes(signature_json(record))
    return pkg


def test_multipart_and_size_is_never_trusted(
    sender: Archive,
    bucket: str,
    seaweed_s3: S3Server,
    tmp_path: Path,
) -> None:
    client = seaweed_s3.client()
    pkg = _synthetic_package(tmp_path, sender, 11 * (1 << 20) + 123)
    prefix = f"mp-{uuid.uuid4().hex[:8]}"
    delivery = S3Delivery(client, bucket, prefix, part_size=5 * (1 << 20))
    result = delivery.deliver(pkg)
    assert set(result.copied) == _listing(pkg)
    key = f"{prefix}/{pkg.name}/data/small.txt"
    # same size, other bytes, no digest metadata: not taken for the real file
    client.put_object(bucket, key, io.BytesIO(b"SMALL FILE\n"), 11)
    again = delivery.deliver(pkg)
    assert again.copied == ("data/small.txt",)
    fetched = fetch_s3_package(client, bucket, f"{prefix}/{pkg.name}", tmp_path / "fetched")
    assert fetched.mismatched == ()
    assert digest_file(tmp_path / "fetched" / "data/big.bin") == digest_file(pkg / "data/big.bin")


def _closed_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_an_unreachable_bucket_fails_after_bounded_retries(sender: Archive, tmp_path: Path) -> None:
    pkg = _synthetic_package(tmp_path, sender, 10)
    client = Minio(
        f"127.0.0.1:{_closed_port()}",
        access_key="k",
        secret_key="s",
        secure=False,
        http_client=urllib3.PoolManager(retries=False, timeout=2),
    )
    waits: list[float] = []
    events: list[DeliveryEvent] = []
    policy = RetryPolicy(attempts=3, base=0.5, cap=1.0, sleep=waits.append, rng=random.Random(5))
    delivery = S3Delivery(client, "bucket", "p", retry=policy, progress=events.append)
    with pytest.raises(DeliveryError, match="gave up after 3 attempts"):
        delivery.deliver(pkg)
    assert [e.kind for e in events] == ["retry", "retry", "retry", "gave_up"]
    assert len(waits) == 2 and 0 <= waits[0] <= 0.5 and 0 <= waits[1] <= 1.0


def test_which_s3_errors_are_retried() -> None:
    def s3_error(code: str, status: int) -> S3Error:
        response = urllib3.HTTPResponse(status=status)
        return S3Error(response, code, "message", "key", "request", "host")

    assert isinstance(translate_s3_error("put", s3_error("SlowDown", 503)), TransientError)
    assert isinstance(translate_s3_error("put", s3_error("InternalError", 500)), TransientError)
    assert isinstance(translate_s3_error("put", s3_error("AccessDenied", 403)), DeliveryError)
    assert isinstance(translate_s3_error("put", s3_error("NoSuchBucket", 404)), DeliveryError)
    assert isinstance(
        translate_s3_error("put", urllib3.exceptions.ProtocolError("reset")), TransientError
    )


def test_backoff_grows_and_is_capped() -> None:
    policy = RetryPolicy(attempts=8, base=1.0, cap=5.0, rng=random.Random(0))
    delays = [[policy.delay(n) for _ in range(200)] for n in (1, 2, 3, 6)]
    assert [max(d) <= limit for d, limit in zip(delays, (1, 2, 4, 5), strict=True)] == [True] * 4
    assert max(delays[2]) > 2  # the third wait may exceed the second's bound: it grows
    assert min(min(d) for d in delays) >= 0
    with pytest.raises(DeliveryError):
        RetryPolicy(attempts=0)


def test_cli_send_to_bucket_and_receive_from_it(
    sender: Archive, bureau: Archive, bucket: str, seaweed_s3: S3Server, tmp_path: Path
) -> None:
    def cli(home: Path, *args: str, creds: bool = True) -> subprocess.CompletedProcess[str]:
        if not creds:
            return earchive_cli(home, *args)
        return earchive_cli(
            home,
            *args,
            EARCHIVE_TRANSFER_S3_ENDPOINT=seaweed_s3.endpoint,
            EARCHIVE_TRANSFER_S3_ACCESS_KEY=seaweed_s3.access_key,
            EARCHIVE_TRANSFER_S3_SECRET_KEY=seaweed_s3.secret_key,
            EARCHIVE_TRANSFER_S3_SECURE="false",
        )

    target = f"s3://{bucket}/cli-{uuid.uuid4().hex[:8]}"
    one = unit_ids(sender, 1)[0]
    presign(sender, [one])
    no_creds = cli(sender.home, "transfer", "run", "--to", target, "--ids", one, creds=False)
    assert no_creds.returncode == 2 and "EARCHIVE_TRANSFER_S3_ENDPOINT" in no_creds.stderr
    ran = cli(sender.home, "transfer", "run", "--to", target, "--ids", one, "--json")
    assert ran.returncode == 0, ran.stderr
    delivered = json.loads(ran.stdout)["target"]
    assert delivered.startswith(target + "/transfer-")
    got = cli(bureau.home, "receive-s3", delivered, "--json")  # it trusts the unit's CA
    assert got.returncode == 0, got.stdout + got.stderr
    answer = json.loads(got.stdout)
    assert answer["code"] == "accepted" and answer["mismatched"] == []
    assert Path(answer["receipt_path"]).is_file()

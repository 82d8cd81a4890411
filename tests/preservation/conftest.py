"""Shared fixtures of the preservation tests: a real S3 server (SeaweedFS) and its buckets."""

from __future__ import annotations

import uuid

import pytest
from minio import Minio

from preservation.storage import ensure_bucket
from tests.servers import seaweed as servers

seaweed_s3 = servers.seaweed_s3
S3Server = servers.S3Server


@pytest.fixture(scope="session")
def s3_client(seaweed_s3: S3Server) -> Minio:
    return seaweed_s3.client()


@pytest.fixture(scope="session")
def s3_plain_bucket(seaweed_s3: S3Server, s3_client: Minio) -> str:
    """A bucket without versioning or Object Lock (tests use a fresh prefix each)."""
    bucket = seaweed_s3.new_bucket_name("plain")
    ensure_bucket(s3_client, bucket, object_lock=False)
    return bucket


@pytest.fixture(scope="session")
def s3_locked_bucket(seaweed_s3: S3Server, s3_client: Minio) -> str:
    """A bucket with Object Lock (so versioning) on, as in production."""
    bucket = seaweed_s3.new_bucket_name("locked")
    ensure_bucket(s3_client, bucket, object_lock=True)
    return bucket


@pytest.fixture
def s3_prefix() -> str:
    """A fresh key prefix: each test sees an empty store inside a shared bucket."""
    return f"t-{uuid.uuid4().hex[:16]}"

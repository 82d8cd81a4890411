"""Runs the ObjectStore contract (contract.py) against every backend in FACTORIES."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest

from preservation.storage import FsStore, ObjectStore, RetentionPolicy, S3Store


def _load_contract() -> type:
    # Loaded by path so the module name cannot collide with another test folder's helper.
    spec = importlib.util.spec_from_file_location(
        "earchive_tests_store_contract", Path(__file__).with_name("contract.py")
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.StoreContract  # type: ignore[no-any-return]


StoreContract = _load_contract()

Factory = Callable[[pytest.FixtureRequest, Path], ObjectStore]


def fs_store(request: pytest.FixtureRequest, tmp: Path) -> ObjectStore:
    return FsStore(tmp / "store")


def s3_store(request: pytest.FixtureRequest, tmp: Path) -> ObjectStore:
    """A plain bucket (no versioning), fresh prefix: the S3 server starts on first use."""
    return S3Store(
        request.getfixturevalue("s3_client"),
        request.getfixturevalue("s3_plain_bucket"),
        prefix=request.getfixturevalue("s3_prefix"),
    )


def s3_locked_store(request: pytest.FixtureRequest, tmp: Path) -> ObjectStore:
    """The production shape: Object Lock bucket, every version in COMPLIANCE retention."""
    return S3Store(
        request.getfixturevalue("s3_client"),
        request.getfixturevalue("s3_locked_bucket"),
        prefix=request.getfixturevalue("s3_prefix"),
        retention=RetentionPolicy(days=1),
    )


FACTORIES: list[object] = [
    pytest.param(fs_store, id="fs"),
    pytest.param(s3_store, id="s3"),
    pytest.param(s3_locked_store, id="s3-locked"),
]


@pytest.fixture(params=FACTORIES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    factory: Factory = request.param
    return factory(request, tmp_path)


class TestStoreContract(StoreContract):  # type: ignore[misc,valid-type]
    pass

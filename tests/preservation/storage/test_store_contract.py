"""Runs the ObjectStore contract (contract.py) against every backend in FACTORIES."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from pathlib import Path

import pytest

from preservation.storage import FsStore, ObjectStore


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

Factory = Callable[[Path], ObjectStore]
FACTORIES: list[object] = [
    pytest.param(lambda tmp: FsStore(tmp / "store"), id="fs"),
    # The S3 backend adds: pytest.param(s3_factory, id="s3", marks=...)
]


@pytest.fixture(params=FACTORIES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> ObjectStore:
    factory: Factory = request.param
    return factory(tmp_path)


class TestStoreContract(StoreContract):  # type: ignore[misc,valid-type]
    pass
